"""`sakip report …` as a user runs it: files written and reopened, DRAFT from the workflow, exit code 2."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from sakip.cli import app
from sakip.dataset import seed_path
from tests.web import demo_support

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["report", *args])
    return result.exit_code, result.stdout, result.stderr


def _docx_text(path: Path) -> tuple[str, str]:
    d = docx.Document(str(path))
    body = "\n".join(p.text for p in d.paragraphs)
    body += "\n" + "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    header = "\n".join(p.text for s in d.sections for p in s.header.paragraphs)
    return body, header


@pytest.fixture
def stored(db: None) -> Any:
    """The demo regency (the seed offices) in the test database."""
    return demo_support.load_demo()


@pytest.fixture
def no_db(db: None) -> None:
    """A local database without the office: --office finds the seeds."""


def test_matrik_of_a_seed_by_code(tmp_path: Path, no_db: None) -> None:
    code, out, err = run("matrik", "--office", "kaloran", "-o", str(tmp_path / "out"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["draft"] is False and data["year"] == 2020
    path = Path(data["files"][0]["path"])
    assert path.name == "matrik-kaloran-2020.xlsx"
    ws = load_workbook(path).active
    assert ws is not None
    ikm = next(r for r in ws.iter_rows(values_only=True) if isinstance(r[2], str) and r[2].startswith("Indeks"))
    assert round(Decimal(str(ikm[6])), 2) == Decimal("96.47")  # golden: 82 / 85 × 100
    texts = [v for r in ws.iter_rows(values_only=True) for v in r if isinstance(v, str)]
    assert "belum diukur" in texts


def test_several_formats_and_a_dataset_file(tmp_path: Path) -> None:
    out_dir = tmp_path / "docs"
    code, _out, err = run(
        "pk", "--dataset", str(seed_path("kaliwates-2020")), "-f", "docx", "-o", str(out_dir), "--draft"
    )
    assert code == 0, err
    path = out_dir / "pk-kaliwates-2020.docx"
    body, header = _docx_text(path)
    assert "PERJANJIAN KINERJA" in body.upper()
    assert "DRAFT" in header
    code, _out, err = run("rkt", "--dataset", str(seed_path("kaliwates-2020")), "--format", "xlsx", "-o", str(out_dir))
    assert code == 0, err
    assert (out_dir / "rkt-kaliwates-2020.xlsx").exists()


def test_triwulan_quarter_in_the_file_name(tmp_path: Path, no_db: None) -> None:
    code, _, err = run("triwulan", "--office", "kaliwates", "--quarter", "2", "-o", str(tmp_path))
    assert code == 0, err
    body, _ = _docx_text(tmp_path / "triwulan-kaliwates-2020-tw2.docx")
    assert "Kaliwates" in body


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["rkt", "--office", "nowhere"], "tidak ada di basis data lokal dan bukan data contoh"),
        (["rkt", "--office", "kaloran", "-f", "docx"], "rkt dibuat dalam format xlsx, bukan docx"),
        (["lkjip", "--office", "kaloran", "-f", "docx,odt"], "format odt tidak dikenal"),
        (["pk", "--office", "kaloran", "--quarter", "2"], "--quarter hanya berlaku untuk laporan triwulan"),
        (["triwulan", "--office", "kaloran", "--quarter", "5"], "--quarter harus 1, 2, 3 atau 4"),
        (["matrik", "--office", "kaloran", "--year", "2031"], "tidak ada data untuk tahun 2031"),
        (["matrik", "--dataset", "missing.yaml"], "missing.yaml: berkas tidak ditemukan"),
        (["matrik"], "beri --office KODE atau --dataset BERKAS"),
        (["lkjip", "--office", "kaloran", "--amendment"], "--amendment hanya berlaku untuk dokumen pk"),
        (["batch", "-f", "xlsx"], "beri --regency KODE atau --dataset BERKAS"),
        (
            ["batch", "--dataset", "x.yaml", "-d", "lkjip", "-f", "xlsx"],
            "tidak ada dari lkjip yang dibuat dalam format xlsx",
        ),
        (["batch", "--regency", "nope", "-f", "xlsx"], "pemda nope tidak ada di basis data lokal"),
    ],
)
def test_bad_input_exits_2_with_one_line(args: list[str], message: str, no_db: None, tmp_path: Path) -> None:
    code, _out, err = run(*args, "-o", str(tmp_path)) if args[0] != "batch" else run(*args)
    assert code == 2
    assert err.startswith("sakip: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.xlsx"))


def test_batch_of_dataset_files(tmp_path: Path) -> None:
    out_dir = tmp_path / "batch"
    code, out, err = run(
        "batch",
        "--dataset",
        str(seed_path("kaloran-2020")),
        "--dataset",
        str(seed_path("kandangserang-2021")),
        "-d",
        "rkt,matrik,iku",
        "-f",
        "docx,xlsx",
        "-o",
        str(out_dir),
        "--workers",
        "1",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    names = sorted(Path(p).relative_to(out_dir).as_posix() for p in data["files"])
    assert names == [
        "kaloran/iku-kaloran-2020.docx",
        "kaloran/matrik-kaloran-2020.xlsx",
        "kaloran/rkt-kaloran-2020.xlsx",
        "kandangserang/iku-kandangserang-2021.docx",
        "kandangserang/matrik-kandangserang-2021.xlsx",
        "kandangserang/rkt-kandangserang-2021.xlsx",
    ]
    assert data["errors"] == []
    for p in data["files"]:
        if p.endswith(".xlsx"):
            assert load_workbook(p).active is not None


def test_amended_pk(tmp_path: Path, no_db: None) -> None:
    code, out, err = run("pk", "--office", "kandangserang", "--amendment", "-o", str(tmp_path), "--json")
    assert code == 0, err
    path = Path(json.loads(out)["files"][0]["path"])
    assert path.name == "pk-perubahan-kandangserang-2021.docx"
    body, _ = _docx_text(path)
    assert "PERUBAHAN" in body.upper()
    code, _out, err = run("pk", "--office", "kaloran", "--amendment", "-o", str(tmp_path))
    assert code == 2 and "tidak ada Perjanjian Kinerja Perubahan untuk tahun 2020" in err


def test_batch_shows_a_progress_bar(tmp_path: Path) -> None:
    code, out, err = run(
        "batch",
        "--dataset",
        str(seed_path("kaloran-2020")),
        "-d",
        "matrik",
        "-f",
        "xlsx",
        "-o",
        str(tmp_path),
        "--workers",
        "1",
    )
    assert code == 0, err
    assert "Membuat dokumen (kaloran)" in err and "1/1" in err  # Rich's bar, on standard error
    assert "1 berkas untuk 1 perangkat daerah" in out


# --------------------------------------------------------------------------- a stored office


def _approve(office: Any, year: int, step: str, quarter: int | None = None) -> None:
    from sakip.workflow.models import PeriodState

    PeriodState.objects.update_or_create(
        office=office, year=year, step=step, quarter=quarter, defaults={"state": "approved"}
    )


def test_stored_office_is_draft_until_approved(tmp_path: Path, stored: Any) -> None:
    from sakip.accounts.models import Office

    office = Office.objects.get(code="kaloran", regency__code="demo")
    code, out, err = run("pk", "--office", "kaloran", "--regency", "demo", "-o", str(tmp_path), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["draft"] is True
    _, header = _docx_text(Path(data["files"][0]["path"]))
    assert "DRAFT" in header
    _approve(office, 2020, "pk")
    code, out, err = run("pk", "--office", "kaloran", "-o", str(tmp_path / "approved"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["draft"] is False
    _, header = _docx_text(Path(data["files"][0]["path"]))
    assert "DRAFT" not in header
    # the annual report of the same year is still a draft
    code, out, _ = run("matrik", "--office", "kaloran", "-o", str(tmp_path), "--json")
    assert json.loads(out)["draft"] is True
    ws = load_workbook(io.BytesIO(Path(json.loads(out)["files"][0]["path"]).read_bytes())).active
    assert ws is not None and "DRAFT" in str(ws["A1"].value)


def test_batch_of_a_stored_regency(tmp_path: Path, stored: Any) -> None:
    code, out, err = run(
        "batch", "--regency", "demo", "-d", "matrik", "-f", "xlsx", "-o", str(tmp_path), "--workers", "1", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert sorted(Path(p).name for p in data["files"]) == [
        "matrik-kaliwates-2020.xlsx",
        "matrik-kaloran-2020.xlsx",
        "matrik-kandangserang-2021.xlsx",
        "matrik-karangsari-2024.xlsx",
    ]


@pytest.mark.pdf
def test_pdf_of_a_seed(tmp_path: Path, no_db: None) -> None:
    from pypdf import PdfReader

    code, out, err = run("pk", "--office", "kandangserang", "-f", "docx,pdf", "-o", str(tmp_path), "--json")
    assert code == 0, err
    paths = [Path(f["path"]) for f in json.loads(out)["files"]]
    assert [p.suffix for p in paths] == [".docx", ".pdf"]
    text = "\n".join(page.extract_text() for page in PdfReader(str(paths[1])).pages)
    assert "PERJANJIAN KINERJA" in text.upper()
    assert "80,31" in text  # the PK target of IKM (seed 003)
