"""``sakip office export|import`` between two real instances of the pass's database (SQLite or PostgreSQL).

The populated instance (the demo regency; the operator of Kaloran entered realisations
and uploaded two evidence files through the quarterly entry page) exports Kaloran as a
bundle. An empty instance — ``migrate`` and one regency, no user — imports it from the
command line and exports it again: every evidence file arrives byte-identical (read from
its disk, not through the code under test), the provenance is the same, and no row of the
new instance names a user as author (it has none; the file's words are claims audited as
imported by the command line). A tampered bundle is refused with exit code 2 and leaves
the instance exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .support import Instance, new_instance

REGENCY = (
    "import django; django.setup()\n"
    "from sakip.accounts.models import Regency\n"
    "Regency.objects.create(code='baru', name='Kabupaten Baru', province='Jawa Tengah')\n"
)


def query(instance: Instance, sql: str) -> list[tuple[Any, ...]]:
    """Rows read straight from the instance's database (not through Django)."""
    if instance.database_url is None:
        db = sqlite3.connect(f"file:{instance.sqlite_path}?mode=ro", uri=True)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()
    import psycopg

    with psycopg.connect(instance.database_url) as pg:
        return pg.execute(sql).fetchall()


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def provenance(doc: dict[str, Any]) -> dict[str, Any]:
    """Per year and indicator: who entered each quarter, and each evidence item without its place in the zip."""
    out: dict[str, Any] = {}
    for y in doc["years"]:
        for code, m in (y.get("indicators") or {}).items():
            items = [{k: v for k, v in e.items() if k != "path"} if isinstance(e, dict) else e
                     for e in m.get("evidence", [])]
            if m.get("entered") or items:
                out[f"{y['year']}/{code}"] = {"entered": m.get("entered"), "evidence": items}
    return out


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("paket")


@pytest.fixture(scope="module")
def source(base: Path) -> Iterator[Instance]:
    with new_instance(base, "asal") as instance:
        instance.populate()
        yield instance


@pytest.fixture(scope="module")
def bundle(source: Instance, base: Path) -> Path:
    path = base / "kaloran.zip"
    done = source.sakip("office", "export", "kaloran", "-o", str(path))
    assert done.returncode == 0, done.stderr
    assert "2 berkas dengan berkasnya" in done.stdout
    return path


@pytest.fixture()
def empty(base: Path, request: pytest.FixtureRequest) -> Iterator[Instance]:
    with new_instance(base, f"kosong-{request.node.name[:20].replace('_', '-')}") as instance:
        instance.populate("--migrate-only")
        instance.run("-c", REGENCY, check=True)
        yield instance


def test_a_bundle_moves_an_office_with_its_files_and_provenance_to_an_empty_instance(
    source: Instance, bundle: Path, empty: Instance, base: Path
) -> None:
    shipped = members(bundle)
    doc = yaml.safe_load(shipped["dataset.yaml"])
    files = {n: data for n, data in shipped.items() if n.startswith("evidence/")}
    assert len(files) == 2
    # the bundle's files are Kaloran's stored files, byte for byte
    names = query(source, "SELECT e.file FROM monitoring_evidence e "
                          "JOIN monitoring_indicatoryear y ON e.indicator_year_id = y.id "
                          "JOIN planning_indicator i ON y.indicator_id = i.id "
                          "JOIN planning_planperiod p ON i.plan_id = p.id "
                          "JOIN accounts_office o ON p.office_id = o.id WHERE o.code = 'kaloran' AND e.file <> ''")
    on_disk = source.files()
    assert sorted(files.values()) == sorted(on_disk[name] for (name,) in names)
    done = empty.sakip("office", "import", str(bundle))
    assert done.returncode == 0, done.stderr
    assert "kaloran" in done.stdout and "2 dengan berkas" in done.stdout
    # every evidence file on the new instance's disk, byte-identical
    stored = {hashlib.sha256(data).hexdigest(): data for name, data in empty.files().items()
              if name.startswith("evidence/")}
    assert sorted(stored.values()) == sorted(files.values())
    # exported again: the same provenance, the same office
    again = base / "kaloran-lagi.zip"
    done = empty.sakip("office", "export", "kaloran", "-o", str(again))
    assert done.returncode == 0, done.stderr
    second = yaml.safe_load(members(again)["dataset.yaml"])
    assert provenance(second) == provenance(doc)
    entered = [m["entered"] for y in doc["years"] for m in (y.get("indicators") or {}).values() if "entered" in m]
    assert entered and all(e["entered_by"] == "operator-kaloran" for q in entered for e in q.values())
    assert {n: hashlib.sha256(d).hexdigest() for n, d in members(again).items() if n.startswith("evidence/")} \
        == {n: hashlib.sha256(d).hexdigest() for n, d in files.items()}
    # nobody of the new instance is an author: it has no user; the claims are audited as the command line's
    assert query(empty, "SELECT COUNT(*) FROM auth_user") == [(0,)]
    assert query(empty, "SELECT COUNT(*) FROM monitoring_quarter WHERE entered_by_id IS NOT NULL") == [(0,)]
    claims = query(empty, "SELECT user_name, comment FROM audit_auditentry WHERE comment LIKE '%per berkas%'")
    assert len(claims) >= len(entered) + 2 and {u for u, _c in claims} == {"sistem"}


def test_a_tampered_bundle_is_refused_and_the_instance_is_unchanged(bundle: Path, empty: Instance,
                                                                     base: Path) -> None:
    shipped = members(bundle)
    name = next(n for n in shipped if n.startswith("evidence/"))
    data = bytearray(shipped[name])
    data[len(data) // 2] ^= 0x01
    tampered = base / "kaloran-ubah.zip"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n, content in shipped.items():
            z.writestr(n, bytes(data) if n == name else content)
    tampered.write_bytes(out.getvalue())
    rows, files = empty.rows(), empty.files()
    done = empty.sakip("office", "import", str(tampered))
    assert done.returncode == 2
    assert "tidak ada yang disimpan" in done.stderr and "tidak cocok dengan ukuran dan SHA-256" in done.stderr
    assert empty.rows() == rows and empty.files() == files
