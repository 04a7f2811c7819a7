"""The archive reader on its own: every damaged byte and every unsafe name is refused (no database needed)."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from sakip.backup.archive import ArchiveError, ArchiveWriter, FileEntry, Manifest, extract, unsafe_reason, verify


def small_archive(tmp_path: Path) -> Path:
    (tmp_path / "db").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    (tmp_path / "bukti.pdf").write_bytes(b"%PDF-1.4\n" + b"isi bukti " * 500)
    path = tmp_path / "arsip.tar.gz"
    writer = ArchiveWriter(path)
    db = writer.add_file(tmp_path / "db", "database/sakip.sqlite3")
    writer.add_file(tmp_path / "bukti.pdf", "media/evidence/1/2020/3/bukti.pdf")
    writer.finish(Manifest("0.1.0", "2026-01-01T00:00:00+00:00", "sqlite", db.path, {"auth_user": 1},
                           {"accounts": "0001_initial"}, list(writer.entries)))
    return path


def test_a_good_archive_verifies_and_extracts_byte_for_byte(tmp_path: Path) -> None:
    path = small_archive(tmp_path)
    manifest = verify(path)
    assert [f.path for f in manifest.files] == ["database/sakip.sqlite3", "media/evidence/1/2020/3/bukti.pdf"]
    assert manifest.files[1] == FileEntry("media/evidence/1/2020/3/bukti.pdf", 5009,
                                          manifest.files[1].sha256)
    out = tmp_path / "keluar"
    out.mkdir()
    extract(path, manifest, out)
    assert (out / "media/evidence/1/2020/3/bukti.pdf").read_bytes() == (tmp_path / "bukti.pdf").read_bytes()
    assert (out / "database/sakip.sqlite3").read_bytes() == (tmp_path / "db").read_bytes()


def _contents(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isreg()}  # type: ignore[union-attr]


def test_no_changed_byte_passes_with_different_contents(tmp_path: Path) -> None:
    """Flip one bit at every byte: the archive is refused, or it still holds exactly the same files.

    Not every flip can be refused: gzip's header flags and time (bytes 3–9) are not covered by its
    CRC, and deflate has redundant bits (an unused code length, an alternative encoding) whose flip
    decodes to the very same bytes — the checksums then agree because the data did not change.
    What must never happen is a changed file, manifest or member list that verifies.
    """
    path = small_archive(tmp_path)
    data = path.read_bytes()
    original = _contents(path)
    refused = same = 0
    for offset in range(len(data)):
        bad = bytearray(data)
        bad[offset] ^= 0x01
        path.write_bytes(bytes(bad))
        try:
            verify(path)
        except ArchiveError:
            refused += 1
            continue
        assert _contents(path) == original, f"byte {offset} changed the contents and still verified"
        same += 1
    assert refused + same == len(data)
    assert refused > 0.95 * len(data)  # flips that decode to the same bytes are rare


def test_a_truncated_archive_is_refused(tmp_path: Path) -> None:
    path = small_archive(tmp_path)
    data = path.read_bytes()
    for keep in (10, len(data) // 2, len(data) - 4):
        path.write_bytes(data[:keep])
        with pytest.raises(ArchiveError, match="rusak"):
            verify(path)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("manifest.json", True),
        ("database/sakip.sqlite3", True),
        ("media/evidence/1/2020/3/laporan_é.pdf", True),
        ("media/../../etc/passwd", False),
        ("media/evidence/../../../x", False),
        ("../media/x", False),
        ("/etc/passwd", False),
        ("C:/Windows/x", False),
        ("media\\..\\x", False),
        ("media/./x", False),
        ("media//x", False),
        ("media/x\x00.pdf", False),
        ("media", False),
        ("lain/x", False),
        ("", False),
    ],
)
def test_member_names(name: str, safe: bool) -> None:
    assert (unsafe_reason(name) is None) is safe


def test_unsafe_members_are_all_listed_and_nothing_is_extracted(tmp_path: Path) -> None:
    path = small_archive(tmp_path)
    with tarfile.open(path) as tar:
        items = [(m, tar.extractfile(m).read() if m.isreg() else b"") for m in tar.getmembers()]  # type: ignore[union-attr]
    link = tarfile.TarInfo("media/tautan")
    link.type, link.linkname = tarfile.SYMTYPE, "../../../etc/passwd"
    fifo = tarfile.TarInfo("media/pipa")
    fifo.type = tarfile.FIFOTYPE
    bad = tmp_path / "jahat.tar.gz"
    with tarfile.open(bad, "w:gz") as out:
        for info, data in [*items, (tarfile.TarInfo("media/../../jahat.txt"), b"x"), (link, b""), (fifo, b"")]:
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    with pytest.raises(ArchiveError) as info:
        verify(bad)
    text = str(info.value)
    assert "tidak aman" in text and "jahat.txt" in text and "tautan simbolik" in text and "FIFO" in text
    assert not list(tmp_path.rglob("jahat.txt"))


def test_a_manifest_that_lies_is_refused(tmp_path: Path) -> None:
    path = small_archive(tmp_path)
    with tarfile.open(path) as tar:
        items = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    for change, message in (
        (lambda m: m.update(format="sakip-backup/9"), "Format arsip"),
        (lambda m: m["files"][1].update(size=1), "ukuran"),
        (lambda m: m["files"][1].update(path="media/../x"), "manifest.json tidak sah"),
        (lambda m: m["database"].update(tables={"auth_user": -1}), "jumlah baris"),
        (lambda m: m["database"].update(file="database/lain"), "database.file"),
    ):
        doc = json.loads(items[-1][1])
        change(doc)
        data = json.dumps(doc).encode()
        bad = tmp_path / "bohong.tar.gz"
        with tarfile.open(bad, "w:gz") as out:
            for info, content in [*items[:-1], (items[-1][0], data)]:
                info.size = len(content)
                out.addfile(info, io.BytesIO(content))
        with pytest.raises(ArchiveError, match=message):
            verify(bad)
