"""Hypothesis strategies of hostile input: text for any field, values for URL keywords, files for uploads."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache

from hypothesis import strategies as st

from sakip.importers.kinds import ANGGARAN, KOMPONEN, PK, REALISASI, SASARAN, SIPD, TUJUAN, write_template

#: texts that broke, or could break, a reader somewhere
NASTY = [
    "NaN", "nan", "Infinity", "-Infinity", "1e309", "1E5", "9" * 400, "99999999999999999999", "-0", "-0,0",
    "１２３", "١٢٣", "۱۲۳", "²", "1_000", "85%", "Rp 5.000", "1.234", "1,5", "12.5", "0,1234567", "+-1",
    "-1", "0", "1", "2", "4", "5", "2020", "2100", "1999", "", " ", "\t", "\r\n", "null", "None", "true",
    "[]", "{}", "=cmd|' /C calc'!A0", "=1+1", "+SUM(A1)", "@x", "<script>alert(1)</script>", "' OR '1'='1",
    "'; DROP TABLE x; --", "../../etc/passwd", "%00", "%", "\\", "\x00", "a\x00b", "\x01\x02\x03", "\x1b[2J",
    "\x0b", "\ufeff", "\u202e", "\ufffe", "💥", "T" * 101, "x" * 5000, "AA", "BB", "D", "S1.1", "IK1", "1 – 4",
    "4 – 1", "s.d.", "2 s.d. 4", "quarter", "pk", "annual", "goal", "objective", "delete", "preset:x",
    "preset:permenpanrb-88-2021", "kaloran", "kaliwates", "https://evil.example/", "//evil.example",
    "javascript:alert(1)", "2020-13-45", "2020-01-01", "0001-01-01",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=3).map("".join),
)

#: values for a URL keyword: the real one most of the time, else something hostile that the converter takes
INT_KWARG = st.sampled_from([0, 1, 3, 5, 1999, 2100, 2**31, 2**63, 10**20, 10**40])
TEXT_KWARG = st.sampled_from(["x", "a" * 300, "null", "0", "-", "kaliwates", "kinerja", "anggaran", "pdf", "docx"])
#: what a person may type in place of any keyword (the URL is then built by hand, not reversed)
RAW_KWARG = st.sampled_from(
    ["-1", "0000", "00002020", "2020.0", "1e3", "٢٠٢٠", "２０２０", "²", "NaN", " ", "%", "a b"]
)

QUERY_KEYS = [
    "tahun", "triwulan", "tw", "versi", "jenis", "row", "hal", "page", "opd", "pemda", "id", "dari", "sampai",
    "pengguna", "tindakan", "tujuan", "sasaran", "next", "q", "format", "kind", "o", "e", "p", "all",
]
query_params = st.dictionaries(
    st.one_of(st.sampled_from(QUERY_KEYS), st.text(min_size=1, max_size=8)), hostile_text, max_size=4
)


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _laughs(levels: int = 9) -> bytes:
    """A YAML "billion laughs": under 1 KB, 9**8 nodes with its aliases expanded."""
    lines = ['a0: &a0 ["lol"]'] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return ("\n".join(lines) + "\n").encode()


def _hostile_row(keys: list[str], i: int) -> dict[str, str]:
    return {k: NASTY[(i * 7 + j * 13) % len(NASTY)] for j, k in enumerate(keys)}


@cache
def hostile_files() -> list[tuple[str, bytes]]:
    """(name, content) of files a form must refuse with a message, never a 500."""
    files: list[tuple[str, bytes]] = [
        ("kosong.xlsx", b""),
        ("bukan-zip.xlsx", b"this is not a zip file at all"),
        ("bom.xlsx", _zip({"[Content_Types].xml": b"<Types/>", "xl/worksheets/sheet1.xml": b"\0" * (20 << 20)})),
        ("zip-tanpa-isi.xlsx", _zip({"a.txt": b"hello"})),
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 100),
        ("dokumen.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n"),
        ("palsu.pdf", b"<html>not a pdf</html>"),
        ("gambar.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("tanpa-akhiran", b"abc"),
        ("data.csv", b"U1,U2,U3\n1,2,\x00\n5,NaN,1e309\n"),
        ("data.yaml", _laughs()),
        ("dalam.json", b"[" * 10_000 + b"]" * 10_000),
        ("angka.json", json.dumps({"format": "sakip-office/1", "x": 1}).replace("1}", "NaN}").encode()),
        ("lkjip.docx", _zip({"word/document.xml": b"<w:document/>"})),
    ]
    # real templates of every import kind, each row full of hostile text
    for spec in (REALISASI, KOMPONEN, ANGGARAN, PK, TUJUAN, SASARAN, SIPD):
        keys = [c.key for c in spec.columns]
        rows = [_hostile_row(keys, i) for i in range(6)]
        kind = {"Realisasi": "realisasi", "Komponen": "realisasi", "Anggaran": "anggaran", "PK": "pk"}.get(
            spec.name, "renstra" if spec.name in ("Tujuan", "Sasaran") else "sipd"
        )
        try:
            data = write_template(kind, [(spec, rows)], title="fuzz")
        except Exception:  # a kind key this module does not know: the rows still make a workbook
            data = write_template("realisasi", [(spec, rows)], title="fuzz")
        files.append((f"templat-{spec.name.lower()}.xlsx", data))
    return files


upload = st.integers(min_value=0, max_value=10_000).map(lambda i: hostile_files()[i % len(hostile_files())])
