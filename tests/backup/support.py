"""Real instances for the backup tests: a data folder and a database of the pass's vendor.

An `Instance` is what an installation is: ``SAKIP_DATA_DIR`` (MEDIA_ROOT is its
``media`` folder) and a database — the SQLite file in that folder on the SQLite pass,
or, on the PostgreSQL pass (``DATABASE_URL`` set by ``.ci/testrun.py``), a database of
its own created in the throwaway cluster and dropped afterwards. Commands run in a
subprocess, as an operator would run them; rows and files are read back without
Django (sqlite3 / psycopg, and the file system), so the comparison does not trust
the code under test.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_URL = os.environ.get("DATABASE_URL", "")
VENDOR = "postgresql" if CLUSTER_URL.startswith(("postgres://", "postgresql://", "pgsql://")) else "sqlite"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin() -> Any:
    import psycopg

    return psycopg.connect(_with_database(CLUSTER_URL, "postgres"), autocommit=True)


@dataclass
class Instance:
    data_dir: Path
    database_url: str | None = None  # None: the SQLite file under data_dir
    db_name: str | None = None

    @property
    def media(self) -> Path:
        return self.data_dir / "media"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "sakip.sqlite3"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(SAKIP_DATA_DIR=str(self.data_dir), DJANGO_SETTINGS_MODULE="sakip.web.settings",
                   PYTHONWARNINGS="ignore::UserWarning")
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def run(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=self.env(), capture_output=True, text=True,
                              check=False, timeout=600)
        if check and done.returncode != 0:
            raise AssertionError(f"{args} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def sakip(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run("-c", "from sakip.cli import main; main()", *args)

    def populate(self, *extra: str) -> None:
        self.run("-m", "tests.backup.populate", *extra, check=True)

    def execute(self, sql: str) -> None:
        """One write straight into the database (a change the backup knows nothing of)."""
        if self.database_url is None:
            db = sqlite3.connect(self.sqlite_path)
            try:
                db.execute(sql)
                db.commit()
            finally:
                db.close()
            return
        import psycopg

        with psycopg.connect(self.database_url) as pg:
            pg.execute(sql)

    # -- reading it back without Django

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table (sorted), and on PostgreSQL every sequence's state."""
        if self.database_url is None:
            if not self.sqlite_path.exists():
                return {}
            db = sqlite3.connect(f"file:{self.sqlite_path}?mode=ro", uri=True)
            try:
                names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
            finally:
                db.close()
        import psycopg

        out: dict[str, list[tuple[Any, ...]]] = {}
        with psycopg.connect(self.database_url) as db:
            tables = db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
            for (name,) in tables:
                out[name] = sorted(db.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            sequences = db.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'").fetchall()
            for (name,) in sequences:
                out[f"sequence {name}"] = db.execute(f'SELECT last_value, is_called FROM "{name}"').fetchall()
        return out

    def files(self) -> dict[str, bytes]:
        """Every file under MEDIA_ROOT by relative path, with its bytes."""
        if not self.media.exists():
            return {}
        return {p.relative_to(self.media).as_posix(): p.read_bytes()
                for p in sorted(self.media.rglob("*")) if p.is_file() or p.is_symlink()}


@contextmanager
def new_instance(base: Path, name: str) -> Iterator[Instance]:
    """An empty instance: no table, no file (its PostgreSQL database is dropped on leaving)."""
    data_dir = base / name
    (data_dir / "static").mkdir(parents=True)
    if VENDOR == "sqlite":
        yield Instance(data_dir)
        return
    db_name = f"sakip_bk_{name.replace('-', '_')}_{secrets.token_hex(4)}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    try:
        yield Instance(data_dir, _with_database(CLUSTER_URL, db_name), db_name)
    finally:
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def differences(a: dict[str, list[tuple[Any, ...]]], b: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """Tables whose rows differ, with a count each (for a readable assertion message)."""
    out = []
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            out.append(f"{name}: {len(a.get(name, []))} vs {len(b.get(name, []))} rows")
    return out
