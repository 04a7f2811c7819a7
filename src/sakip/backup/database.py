"""The database side of backup and restore, for SQLite and PostgreSQL.

Backup takes one consistent snapshot and reads everything the manifest says about the
database from that same snapshot (rows per table, applied migrations, the file names
the file fields refer to):

* SQLite — ``sqlite3.Connection.backup`` from the live connection into a new file:
  online (writers may go on), consistent, and it includes what is still in the WAL
  file when WAL mode is on (a plain file copy would not). The copy is switched to the
  rollback journal so the archived file stands alone, and checked with
  ``PRAGMA integrity_check``.
* PostgreSQL — a read-only REPEATABLE READ transaction exports its snapshot;
  ``pg_dump --format=custom --snapshot=…`` dumps exactly that snapshot while the same
  transaction counts the rows. Credentials go to ``pg_dump``/``pg_restore``/``psql``
  in environment variables (``PGPASSWORD`` …), never on their command line.

Restore is all-or-nothing:

* SQLite — the archived file is checked (integrity, rows per table as in the
  manifest), then copied into the target with the backup API, which writes the
  target in one transaction (a failure leaves it as it was; a WAL target stays WAL).
* PostgreSQL — ``pg_restore`` turns the dump into SQL (no owners, no privileges);
  ``psql --single-transaction`` runs, in one transaction: dropping every table,
  view and sequence of the target's schema, the restore script, and a check that every
  table has the rows the manifest lists. Any error rolls all of it back.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.utils.translation import gettext as _

from .archive import Manifest
from .errors import ArchiveError, BackupError

VENDORS = ("sqlite", "postgresql")
#: tables that ``migrate`` fills by itself: an instance with rows only there is empty
FILLED_BY_MIGRATE = frozenset({"django_migrations", "django_content_type", "auth_permission"})
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]{0,62}$")


@dataclass
class Snapshot:
    file: Path
    tables: dict[str, int]
    migrations: dict[str, str]  # app -> last applied migration
    file_refs: set[str]  # names stored in file fields (relative to MEDIA_ROOT)
    schema: str | None = None


def vendor_of(alias: str) -> str:
    """The database's vendor (sqlite | postgresql); a SQLite file's folder is created when missing."""
    conn = connections[alias]
    vendor = conn.vendor
    if vendor not in VENDORS:
        raise BackupError(_("Basis data %(v)s tidak didukung; hanya SQLite dan PostgreSQL") % {"v": vendor})
    name = str(conn.settings_dict.get("NAME") or "")
    if vendor == "sqlite" and name and ":memory:" not in name and not name.startswith("file:"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
    return vendor


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field of every model."""
    out = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.FileField) and f.column:
                out.append((model._meta.db_table, f.column))
    return sorted(set(out))


def _last_applied(rows: list[tuple[str, str]]) -> dict[str, str]:
    last: dict[str, str] = {}
    for app, name in rows:
        if name > last.get(app, ""):  # names start with a zero-padded number
            last[app] = name
    return last


def snapshot(alias: str, workdir: Path) -> Snapshot:
    """A consistent copy of the database in ``workdir`` and what the manifest says about it."""
    conn = connections[alias]
    if conn.in_atomic_block:
        raise BackupError(_("Cadangan harus dibuat di luar transaksi basis data"), exit_code=1)
    if vendor_of(alias) == "sqlite":
        return _sqlite_snapshot(alias, workdir)
    return _pg_snapshot(alias, workdir)


# ----------------------------------------------------------------------------- SQLite


def _sqlite_tables(db: sqlite3.Connection) -> dict[str, int]:
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: int(db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0])
            for n in names if not n.startswith("sqlite_")}


def _sqlite_facts(db: sqlite3.Connection, tables: dict[str, int]) -> tuple[dict[str, str], set[str]]:
    migrations = (_last_applied(db.execute("SELECT app, name FROM django_migrations").fetchall())
                  if "django_migrations" in tables else {})
    refs: set[str] = set()
    for table, column in file_columns():
        if table in tables:
            refs.update(r[0] for r in db.execute(f'SELECT "{column}" FROM "{table}" WHERE "{column}" <> \'\''))
    return migrations, refs


def _sqlite_snapshot(alias: str, workdir: Path) -> Snapshot:
    conn = connections[alias]
    conn.ensure_connection()
    live = conn.connection
    target = workdir / "sakip.sqlite3"
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)  # one step: a consistent snapshot, WAL content included
        copy.execute("PRAGMA journal_mode = DELETE")
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(_("Salinan basis data SQLite rusak: %(check)s") % {"check": check}, exit_code=1)
        tables = _sqlite_tables(copy)
        migrations, refs = _sqlite_facts(copy, tables)
    finally:
        copy.close()
    return Snapshot(target, tables, migrations, refs)


def _sqlite_restore(alias: str, manifest: Manifest, staged: Path) -> None:
    source = sqlite3.connect(staged)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise ArchiveError(_("Basis data SQLite di arsip rusak: %(check)s") % {"check": check})
        tables = _sqlite_tables(source)
        if tables != manifest.tables:
            raise ArchiveError(_("Isi basis data di arsip tidak sama dengan manifest"), _table_differences(
                manifest.tables, tables))
        conn = connections[alias]
        conn.close()
        conn.ensure_connection()
        live = conn.connection
        if str(live.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
            # a WAL target keeps WAL; the backup API then needs equal page sizes
            size = int(live.execute("PRAGMA page_size").fetchone()[0])
            if int(source.execute("PRAGMA page_size").fetchone()[0]) != size:
                source.execute(f"PRAGMA page_size = {size}")
                source.execute("VACUUM")
        source.backup(live)  # written in one transaction: all or nothing
    except sqlite3.Error as exc:
        raise BackupError(_("Pemulihan basis data SQLite gagal; basis data tujuan tidak berubah: %(e)s")
                          % {"e": exc}, exit_code=1) from None
    finally:
        source.close()
        connections[alias].close()


# ----------------------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    """A PostgreSQL client program: ``SAKIP_PG_BINDIR``, the newest /usr/lib/postgresql/*/bin, or PATH."""
    configured = os.environ.get("SAKIP_PG_BINDIR")
    if configured:
        candidate = Path(configured) / name
        if candidate.exists():
            return str(candidate)
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return found[-1]
    on_path = shutil.which(name)
    if on_path:
        return on_path
    raise BackupError(
        _("Program %(name)s tidak ditemukan: pasang klien PostgreSQL (paket postgresql-client) atau setel "
          "SAKIP_PG_BINDIR") % {"name": name},
        exit_code=1,
    )


_PG_OPTIONS = {
    "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE", "options": "PGOPTIONS", "connect_timeout": "PGCONNECT_TIMEOUT",
    "service": "PGSERVICE", "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection of a Django database as libpq environment variables (the password never in argv)."""
    env = dict(os.environ)
    for key, var in (("NAME", "PGDATABASE"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD"),
                     ("HOST", "PGHOST"), ("PORT", "PGPORT")):
        value = settings_dict.get(key)
        if value not in (None, ""):
            env[var] = str(value)
    for key, var in _PG_OPTIONS.items():
        value = (settings_dict.get("OPTIONS") or {}).get(key)
        if value not in (None, ""):
            env[var] = str(value)
    return env


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in (done.stderr or done.stdout).splitlines() if line.strip()][-20:]
        raise BackupError(_("%(what)s gagal (kode %(rc)d)") % {"what": what, "rc": done.returncode}, lines,
                          exit_code=1)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pg_snapshot(alias: str, workdir: Path) -> Snapshot:
    import psycopg

    settings_dict = connections[alias].settings_dict
    env = pg_environment(settings_dict)
    dump = workdir / "sakip.pgdump"
    own = connections.create_connection(alias)  # a connection of its own, for the snapshot's transaction
    try:
        own.ensure_connection()
        pg: psycopg.Connection[Any] = own.connection
        with pg.transaction(), pg.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot(), current_schema()")
            row = cur.fetchone()
            assert row is not None
            snap, schema = str(row[0]), str(row[1])
            _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snap}", f"--file={dump}"], env, "pg_dump")
            cur.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname", [schema])
            names = [str(r[0]) for r in cur.fetchall()]
            tables: dict[str, int] = {}
            for name in names:
                cur.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(name)}")
                counted = cur.fetchone()
                tables[name] = int(counted[0]) if counted else 0
            migrations: dict[str, str] = {}
            if "django_migrations" in tables:
                cur.execute(f"SELECT app, name FROM {_quote(schema)}.django_migrations")
                migrations = _last_applied([(str(a), str(n)) for a, n in cur.fetchall()])
            refs: set[str] = set()
            for table, column in file_columns():
                if table in tables:
                    cur.execute(f"SELECT {_quote(column)} FROM {_quote(schema)}.{_quote(table)} "
                                f"WHERE {_quote(column)} <> ''")
                    refs.update(str(r[0]) for r in cur.fetchall())
    finally:
        own.close()
    return Snapshot(dump, tables, migrations, refs, schema)


def _pg_restore(alias: str, manifest: Manifest, dump: Path, workdir: Path) -> None:
    conn = connections[alias]
    env = pg_environment(conn.settings_dict)
    script = workdir / "restore.sql"
    _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(dump)], {**env},
         "pg_restore")
    with conn.cursor() as cur:
        cur.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') ORDER BY 3 DESC, 2")
        present = [(str(s), str(n), str(k)) for s, n, k in cur.fetchall()]
    conn.close()
    kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE",
             "S": "SEQUENCE"}
    drops = ["SET client_min_messages = warning;"]
    drops += [f"DROP {kinds[k]} IF EXISTS {_quote(s)}.{_quote(n)} CASCADE;" for s, n, k in present]
    (workdir / "drop.sql").write_text("\n".join(drops) + "\n", "utf-8")
    schema = manifest.schema or "public"
    checks = ["RESET search_path;", "DO $sakip_check$", "DECLARE n bigint;", "BEGIN"]
    for table, rows in sorted(manifest.tables.items()):
        checks += [
            f"  SELECT count(*) INTO n FROM {_quote(schema)}.{_quote(table)};",
            f"  IF n <> {int(rows)} THEN RAISE EXCEPTION 'tabel %: % baris, manifest {int(rows)}', "
            f"'{table}', n; END IF;",
        ]
    checks += ["END", "$sakip_check$;"]
    (workdir / "check.sql").write_text("\n".join(checks) + "\n", "utf-8")
    _run([pg_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
          "-f", str(workdir / "drop.sql"), "-f", str(script), "-f", str(workdir / "check.sql")],
         env, _("Pemulihan basis data PostgreSQL (dibatalkan seluruhnya; basis data tujuan tidak berubah)"))


# ----------------------------------------------------------------------------- both


def check_table_names(manifest: Manifest) -> None:
    bad = [t for t in manifest.tables if not _TABLE_NAME.match(t)]
    if bad:
        raise ArchiveError(_("manifest.json memuat nama tabel yang tidak sah"), bad)


def restore_database(alias: str, manifest: Manifest, staged: Path, workdir: Path) -> None:
    """Replace the target database with the archived one, all or nothing."""
    check_table_names(manifest)
    if vendor_of(alias) == "sqlite":
        _sqlite_restore(alias, manifest, staged)
    else:
        _pg_restore(alias, manifest, staged, workdir)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def live_rows(alias: str) -> dict[str, int]:
    """Rows per table of the target database now (every table; empty dict before ``migrate``)."""
    conn = connections[alias]
    out: dict[str, int] = {}
    with conn.cursor() as cur:
        for name in sorted(conn.introspection.table_names(cur)):
            cur.execute(f"SELECT count(*) FROM {conn.ops.quote_name(name)}")
            row = cur.fetchone()
            out[name] = int(row[0]) if row else 0
    return out


def migration_gap(archived: dict[str, str]) -> tuple[list[str], list[str]]:
    """(migrations in the archive this code does not know — a newer Sakip; this code's migrations the archive
    has not applied — migrated forward after the restore)."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    nodes = set(graph.nodes)
    unknown = sorted(f"{app}.{name}" for app, name in archived.items() if (app, name) not in nodes)
    behind = sorted(f"{app}.{name}" for app, name in graph.leaf_nodes() if archived.get(app) != name)
    return unknown, behind


def migrate_forward(alias: str) -> list[str]:
    """Apply this code's migrations the restored database lacks; the ones applied."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", database=alias, interactive=False, verbosity=0)
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _table_differences(want: dict[str, int], got: dict[str, int]) -> list[str]:
    out = []
    for name in sorted(set(want) | set(got)):
        if want.get(name) != got.get(name):
            out.append(_("%(t)s: %(got)s baris, manifest %(want)s") % {"t": name, "got": got.get(name, "-"),
                                                                      "want": want.get(name, "-")})
    return out
