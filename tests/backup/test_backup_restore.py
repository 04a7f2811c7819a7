"""``sakip backup`` / ``sakip restore`` on real instances of the pass's database (SQLite or PostgreSQL).

A populated instance (the demo regency, evidence uploaded through the quarterly entry
page, evaluation files, a questionnaire file, a batch of generated documents, the
audit trail and the sessions of all that) is backed up and restored into an empty
instance; every row of every table (and on PostgreSQL every sequence) and every file
under MEDIA_ROOT is compared, byte for byte, without going through the code under
test. Refusals — a tampered archive, unsafe members, a newer Sakip, another vendor,
a non-empty target without ``--force`` — must leave the target exactly as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import sqlite3
import tarfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .support import VENDOR, Instance, differences, new_instance

OTHER_VENDOR = {"sqlite": "postgresql", "postgresql": "sqlite"}[VENDOR]


@dataclass
class Archive:
    path: Path
    report: dict[str, Any]
    seconds: float


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cadangan")


@pytest.fixture(scope="module")
def source(base: Path) -> Iterator[Instance]:
    with new_instance(base, "sumber") as instance:
        instance.populate()
        yield instance


@pytest.fixture(scope="module")
def archive(source: Instance, base: Path) -> Archive:
    path = base / "cadangan.tar.gz"
    started = time.monotonic()
    done = source.sakip("backup", "-o", str(path), "--json")
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    return Archive(path, json.loads(done.stdout), seconds)


@pytest.fixture(scope="module")
def occupied(archive: Archive, base: Path) -> Iterator[Instance]:
    """An instance holding the archive's data (the target of the refusals, which must not change it)."""
    with new_instance(base, "terisi") as instance:
        done = instance.sakip("restore", str(archive.path))
        assert done.returncode == 0, done.stderr
        yield instance



def demo_users() -> int:
    """The demo's users (`core.demo.setup_demo`): four regency roles, an operator and a head per seed office."""
    from sakip.dataset.loader import SEEDS

    return 4 + 2 * len(SEEDS)

def manifest_of(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        data: dict[str, Any] = json.load(member)
        return data


def repack(
    source: Path,
    dest: Path,
    *,
    manifest: Callable[[dict[str, Any]], None] | None = None,
    members: Callable[[list[tuple[tarfile.TarInfo, bytes]]], list[tuple[tarfile.TarInfo, bytes]]] | None = None,
) -> Path:
    """A copy of an archive with its manifest or members changed (a well-formed .tar.gz)."""
    with tarfile.open(source) as tar:
        items = []
        for info in tar.getmembers():
            f = tar.extractfile(info)
            items.append((info, f.read() if f else b""))
    if manifest is not None:
        for i, (info, data) in enumerate(items):
            if info.name == "manifest.json":
                doc = json.loads(data)
                manifest(doc)
                items[i] = (info, json.dumps(doc).encode())
    if members is not None:
        items = members(items)
    with tarfile.open(dest, "w:gz", format=tarfile.PAX_FORMAT) as out:
        for info, data in items:
            info.size = len(data) if info.isreg() else 0
            out.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return dest


def staging_left(instance: Instance) -> list[str]:
    return [p.name for p in instance.media.iterdir() if p.name.startswith(".sakip-")] if instance.media.exists() else []


def row_count(rows: dict[str, list[Any]]) -> int:
    return sum(len(r) for name, r in rows.items() if not name.startswith("sequence "))


# ----------------------------------------------------------------------------- the round trip


@pytest.mark.parametrize("state", ["tanpa-tabel", "sudah-migrasi"])
def test_restore_into_an_empty_instance_brings_back_every_row_and_file(
    source: Instance, archive: Archive, base: Path, state: str
) -> None:
    with new_instance(base, f"pulih-{state}") as target:
        if state == "sudah-migrasi":  # a fresh installation: only what `migrate` writes
            target.populate("--migrate-only")
        started = time.monotonic()
        done = target.sakip("restore", str(archive.path), "--json")
        seconds = time.monotonic() - started
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["replaced"]["rows"] == 0 and report["replaced"]["files"] == 0 and report["migrated"] == []
        want, got = source.rows(), target.rows()
        assert differences(want, got) == []
        assert got == want
        files = source.files()
        assert target.files() == files
        assert staging_left(target) == []
        # what was compared is the populated instance, not two empty ones
        assert len(want["monitoring_evidence"]) >= 4 and len(want["django_session"]) >= 2
        assert len(want["audit_auditentry"]) > 300 and len(want["auth_user"]) == demo_users()
        assert {p.split("/")[0] for p in files} == {"evidence", "lke", "surveys", "documents"} and len(files) == 8
        print(
            f"\n[backup figures, {VENDOR}, target {state}] {len(want)} tables, {row_count(want)} rows and "
            f"{len(files)} files ({sum(map(len, files.values()))} bytes) compared; archive "
            f"{archive.path.stat().st_size} bytes; backup {archive.seconds:.2f} s "
            f"(service {archive.report['seconds']} s), restore {seconds:.2f} s (service {report['seconds']} s)"
        )


def test_the_restored_instance_serves_its_evidence(archive: Archive, occupied: Instance) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "from django.urls import reverse\n"
        "from sakip.monitoring.models import Evidence\n"
        "c = Client(); assert c.login(username='operator-kaloran', password='sakip-demo-2026')\n"
        "for ev in Evidence.objects.filter(indicator_year__indicator__plan__office__code='kaloran'):\n"
        "    r = c.get(reverse('evidence-download', args=['kaloran', ev.pk]))\n"
        "    assert r.status_code == 200, r.status_code\n"
        "    print(ev.file.name, len(r.content))\n"
    )
    done = occupied.run("-c", script)
    assert done.returncode == 0, done.stderr
    served = dict(line.rsplit(" ", 1) for line in done.stdout.splitlines())
    files = occupied.files()
    assert len(served) == 2
    assert all(int(size) == len(files[name]) for name, size in served.items())


def test_the_manifest_describes_every_row_and_file(source: Instance, archive: Archive) -> None:
    m = manifest_of(archive.path)
    assert m["format"] == "sakip-backup/1" and m["database"]["vendor"] == VENDOR and m["sakip_version"]
    rows = source.rows()
    assert m["database"]["tables"] == {
        name: len(r) for name, r in rows.items() if not name.startswith(("sqlite_", "sequence "))
    }
    last: dict[str, str] = {}
    for row in rows["django_migrations"]:
        app, name = row[1], row[2]
        last[app] = max(last.get(app, ""), name)
    assert m["migrations"] == last
    files = source.files()
    listed = {f["path"].removeprefix("media/"): f for f in m["files"] if f["path"].startswith("media/")}
    assert set(listed) == set(files)
    for name, data in files.items():
        assert (listed[name]["size"], listed[name]["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    with tarfile.open(archive.path) as tar:
        db_member = tar.extractfile(m["database"]["file"])
        assert db_member is not None
        dump = db_member.read()
    (db_entry,) = [f for f in m["files"] if f["path"] == m["database"]["file"]]
    assert db_entry["sha256"] == hashlib.sha256(dump).hexdigest()
    assert m["missing_media"] == [] and m["skipped_media"] == []
    assert archive.path.stat().st_mode & 0o777 == 0o600  # password hashes and personal data inside
    again = source.sakip("backup", "-o", str(archive.path))
    assert again.returncode == 2 and "sudah ada" in again.stderr


def test_manage_py_commands_and_check_only(source: Instance, archive: Archive, base: Path) -> None:
    path = base / "lewat-manage.tar.gz"
    done = source.run("-m", "django", "backup", "-o", str(path))
    assert done.returncode == 0, done.stderr
    assert manifest_of(path)["database"]["tables"] == manifest_of(archive.path)["database"]["tables"]
    checked = source.run("-m", "django", "restore", str(path), "--check")
    assert checked.returncode == 0 and "diperiksa, tidak ada yang diubah" in checked.stdout
    refused = source.run("-m", "django", "restore", str(path))
    assert refused.returncode == 2 and "tidak kosong" in refused.stderr
    report = json.loads(source.sakip("restore", str(path), "--check", "--json").stdout)
    assert report["checked_only"] and report["replaced"]["files"] == 8
    assert report["replaced"]["tables"]["auth_user"] == demo_users()


# ----------------------------------------------------------------------------- refusals


def test_a_non_empty_target_is_refused_without_force_and_replaced_with_it(
    source: Instance, archive: Archive, base: Path
) -> None:
    with new_instance(base, "berubah") as target:
        assert target.sakip("restore", str(archive.path)).returncode == 0
        target.execute("UPDATE auth_user SET first_name = 'Diubah sesudah cadangan'")
        (target.media / "lama.txt").write_text("berkas sesudah cadangan", "utf-8")
        before = (target.rows(), target.files())
        refused = target.sakip("restore", str(archive.path))
        assert refused.returncode == 2
        assert "tidak kosong" in refused.stderr and "--force" in refused.stderr
        assert f"auth_user: {demo_users()} baris" in refused.stderr and "berkas media: 9" in refused.stderr
        assert (target.rows(), target.files()) == before
        forced = target.sakip("restore", str(archive.path), "--force")
        assert forced.returncode == 0, forced.stderr
        assert "Diganti (--force)" in forced.stdout and f"auth_user: {demo_users()} baris" in forced.stdout
        assert differences(source.rows(), target.rows()) == []
        assert target.rows() == source.rows() and target.files() == source.files()
        assert staging_left(target) == []


def _flip_compressed_byte(src: Path, dest: Path) -> Path:
    data = bytearray(src.read_bytes())
    data[len(data) // 2] ^= 0x40
    dest.write_bytes(bytes(data))
    return dest


def _change_evidence_byte(src: Path, dest: Path) -> Path:
    """One byte of one evidence file changed; the manifest (and the gzip stream) stay well formed."""

    def change(items: list[tuple[tarfile.TarInfo, bytes]]) -> list[tuple[tarfile.TarInfo, bytes]]:
        first = next(i for i, (info, _d) in enumerate(items) if re.match(r"media/evidence/.*\.pdf$", info.name))
        info, data = items[first]
        items[first] = (info, data[:40] + bytes([data[40] ^ 1]) + data[41:])
        return items

    return repack(src, dest, members=change)


def _drop_survey_file(src: Path, dest: Path) -> Path:
    return repack(src, dest, members=lambda items: [(i, d) for i, d in items if not i.name.startswith("media/surveys")])


def _add_unlisted_file(src: Path, dest: Path) -> Path:
    extra = tarfile.TarInfo("media/evidence/tambahan.pdf")
    return repack(src, dest, members=lambda items: [*items, (extra, b"%PDF-1.4 tidak tercantum")])


def _change_database_digest(src: Path, dest: Path) -> Path:
    def edit(m: dict[str, Any]) -> None:
        for f in m["files"]:
            if f["path"] == m["database"]["file"]:
                f["sha256"] = "0" * 64

    return repack(src, dest, manifest=edit)


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_flip_compressed_byte, r"arsip rusak|SHA-256 tidak cocok"),
        (_change_evidence_byte, r"media/evidence/.*\.pdf: SHA-256 tidak cocok"),
        (_drop_survey_file, r"media/surveys/kuesioner_skm\.csv: tercantum di manifest tetapi tidak ada"),
        (_add_unlisted_file, r"media/evidence/tambahan\.pdf: ada di arsip tetapi tidak tercantum"),
        (_change_database_digest, r"database/sakip\.(sqlite3|pgdump): SHA-256 tidak cocok"),
    ],
    ids=["byte-terkompresi", "isi-bukti", "berkas-hilang", "berkas-tambahan", "digest-basis-data"],
)
def test_a_tampered_archive_is_refused_before_anything_changes(
    archive: Archive, occupied: Instance, tmp_path: Path, tamper: Callable[[Path, Path], Path], message: str
) -> None:
    bad = tamper(archive.path, tmp_path / "rusak.tar.gz")
    before = (occupied.rows(), occupied.files())
    done = occupied.sakip("restore", str(bad), "--force")  # even forced
    assert done.returncode == 2, done.stdout
    assert re.search(message, done.stderr), done.stderr
    assert "Traceback" not in done.stderr
    assert (occupied.rows(), occupied.files()) == before
    assert staging_left(occupied) == []


def _with_member(info: tarfile.TarInfo, data: bytes = b"") -> Callable[[Path, Path], Path]:
    def make(src: Path, dest: Path) -> Path:
        return repack(src, dest, members=lambda items: [*items, (info, data)])

    return make


def _link(name: str, kind: bytes, target: str) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (_with_member(tarfile.TarInfo("media/../../jahat.txt"), b"keluar"), r"'media/\.\./\.\./jahat\.txt': jalur"),
        (_with_member(tarfile.TarInfo("/tmp/sakip-jahat-mutlak.txt"), b"mutlak"), r"jalur absolut"),
        (_with_member(tarfile.TarInfo("lain/jahat.txt"), b"lain"), r"hanya manifest\.json, database/"),
        (_with_member(_link("media/evidence/tautan.pdf", tarfile.SYMTYPE, "/etc/passwd")), r"tautan simbolik"),
        (_with_member(_link("media/evidence/keras.pdf", tarfile.LNKTYPE, "/etc/passwd")), r"tautan keras"),
    ],
    ids=["titik-titik", "jalur-mutlak", "di-luar-folder", "tautan-simbolik", "tautan-keras"],
)
def test_unsafe_members_are_refused_and_nothing_is_written(
    archive: Archive, occupied: Instance, base: Path, tmp_path: Path,
    member: Callable[[Path, Path], Path], message: str,
) -> None:
    bad = member(archive.path, tmp_path / "jahat.tar.gz")
    before = (occupied.rows(), occupied.files())
    done = occupied.sakip("restore", str(bad), "--force")
    assert done.returncode == 2, done.stdout
    assert "tidak aman" in done.stderr and re.search(message, done.stderr), done.stderr
    assert (occupied.rows(), occupied.files()) == before
    assert not Path("/tmp/sakip-jahat-mutlak.txt").exists()
    assert not [p for p in base.rglob("jahat.txt")] and not [p for p in occupied.media.rglob("*.pdf") if
                                                              p.is_symlink()]
    assert staging_left(occupied) == []


def test_an_archive_from_a_newer_sakip_is_refused(archive: Archive, occupied: Instance, tmp_path: Path) -> None:
    def future(m: dict[str, Any]) -> None:
        m["migrations"]["accounts"] = "9999_masa_depan"
        m["sakip_version"] = "9.0.0"

    bad = repack(archive.path, tmp_path / "baru.tar.gz", manifest=future)
    before = (occupied.rows(), occupied.files())
    done = occupied.sakip("restore", str(bad), "--force")
    assert done.returncode == 2
    assert "versi Sakip yang lebih baru (9.0.0)" in done.stderr and "accounts.9999_masa_depan" in done.stderr
    assert (occupied.rows(), occupied.files()) == before


def test_an_archive_of_another_database_vendor_is_refused(
    archive: Archive, occupied: Instance, tmp_path: Path
) -> None:
    bad = repack(archive.path, tmp_path / "lain.tar.gz",
                 manifest=lambda m: m["database"].update(vendor=OTHER_VENDOR))
    before = (occupied.rows(), occupied.files())
    done = occupied.sakip("restore", str(bad), "--force")
    assert done.returncode == 2 and "jenis basis data yang sama" in done.stderr
    assert (occupied.rows(), occupied.files()) == before


def test_a_missing_or_foreign_file_is_refused(occupied: Instance, tmp_path: Path) -> None:
    missing = occupied.sakip("restore", str(tmp_path / "tidak-ada.tar.gz"))
    assert missing.returncode == 2 and "berkas tidak ditemukan" in missing.stderr
    foreign = tmp_path / "bukan.tar.gz"
    foreign.write_bytes(b"bukan arsip")
    done = occupied.sakip("restore", str(foreign))
    assert done.returncode == 2 and "bukan arsip cadangan Sakip" in done.stderr


# ----------------------------------------------------------------------------- migrations, WAL


def test_an_archive_of_an_older_version_is_migrated_forward(base: Path) -> None:
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    app = "workflow"
    names = sorted(name for a, name in graph.nodes if a == app)
    keep, newer = names[-2], names[-1]
    path = base / "versi-lama.tar.gz"
    with new_instance(base, "versi-lama") as old:
        old.populate("--migrate-only")
        old.run("-m", "django", "migrate", app, keep, "--no-input", "-v", "0", check=True)
        old.execute("INSERT INTO accounts_regency (code, name, province) VALUES ('lama', 'Pemda Lama', '')")
        assert old.sakip("backup", "-o", str(path)).returncode == 0
    assert manifest_of(path)["migrations"][app] == keep
    with new_instance(base, "versi-baru") as target:
        done = target.sakip("restore", str(path), "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["migrated"] == [f"{app}.{newer}"]
        rows = target.rows()
        assert {(r[1], r[2]) for r in rows["django_migrations"]} >= {(app, keep), (app, newer)}
        assert [r for r in rows["accounts_regency"] if r[1] == "lama"]


@pytest.mark.skipif(VENDOR != "sqlite", reason="the write-ahead log is SQLite's")
def test_the_sqlite_copy_is_online_and_includes_the_write_ahead_log(source: Instance, base: Path) -> None:
    path = base / "wal.tar.gz"
    with new_instance(base, "wal") as live:
        shutil.copy(source.sqlite_path, live.sqlite_path)
        shutil.copytree(source.media, live.media)
        keeper = sqlite3.connect(live.sqlite_path)  # kept open: the WAL is not checkpointed into the file
        keeper.execute("PRAGMA journal_mode = WAL")
        keeper.execute("INSERT INTO auth_group (name) VALUES ('hanya-di-wal')")
        keeper.commit()
        wal = live.sqlite_path.with_name(live.sqlite_path.name + "-wal")
        assert wal.stat().st_size > 0
        main_only = base / "tanpa-wal.sqlite3"
        shutil.copy(live.sqlite_path, main_only)  # what a plain file copy would keep
        plain = sqlite3.connect(main_only)
        assert plain.execute("SELECT count(*) FROM auth_group WHERE name = 'hanya-di-wal'").fetchone()[0] == 0
        plain.close()
        writer = sqlite3.connect(live.sqlite_path, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # a write in progress while the backup runs
        writer.execute("INSERT INTO auth_group (name) VALUES ('belum-disimpan')")
        try:
            done = live.sakip("backup", "-o", str(path))
        finally:
            writer.execute("ROLLBACK")
            writer.close()
            keeper.close()
        assert done.returncode == 0, done.stderr
    with new_instance(base, "wal-pulih") as target:
        assert target.sakip("restore", str(path)).returncode == 0
        groups = {r[1] for r in target.rows()["auth_group"]}
        assert "hanya-di-wal" in groups and "belum-disimpan" not in groups


def test_a_failing_database_restore_puts_the_files_back(archive: Archive, base: Path, tmp_path: Path) -> None:
    """The manifest promises one row more than the archived database holds: found only while the database is
    being replaced (SQLite: before the copy; PostgreSQL: at the end of the one transaction), after the files
    were swapped — the files go back and the database stays as it was."""
    lying = repack(archive.path, tmp_path / "selisih.tar.gz",
                   manifest=lambda m: m["database"]["tables"].update(auth_user=demo_users() + 1))
    with new_instance(base, "gagal-tengah") as target:
        assert target.sakip("restore", str(archive.path)).returncode == 0
        target.execute("UPDATE auth_user SET last_name = 'Sesudah cadangan'")
        (target.media / "evidence" / "baru.pdf").write_bytes(b"%PDF-1.4 baru")
        before = (target.rows(), target.files())
        done = target.sakip("restore", str(lying), "--force")
        assert done.returncode == (2 if VENDOR == "sqlite" else 1), done.stdout
        assert re.search(rf"auth_user: {demo_users()} baris, manifest {demo_users() + 1}", done.stderr), done.stderr
        assert (target.rows(), target.files()) == before
        assert staging_left(target) == []
