"""The seed LKjIPs carry no placeholder (issue #13, "Done when").

Every wording the renderer can print as a placeholder is read from the renderer's own source (a call of
``placeholder(…)`` / ``operator_or(…, text)``, a paragraph set in the placeholder style, the ``NO_…`` texts),
so a placeholder added later is checked too; each seed office whose seed report is an LKjIP (a printed report
in ``sakip/dataset/printed/``) is rendered to .docx and its whole text — paragraphs, tables, headers — is
searched for each of them. Karangsari's seed is a Laporan Triwulan TW II (a fictional office, no printed
LKjIP): its LKjIP 2024 is a year in progress, where placeholders tell the operator what is still to write.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from docx import Document as Docx

from sakip.dataset.loader import SEEDS, load, seed_path
from sakip.reports.batch import generate

REPORTS = Path(__file__).parents[2] / "src" / "sakip" / "reports"
PRINTED = Path(__file__).parents[2] / "src" / "sakip" / "dataset" / "printed"
LKJIP_SEEDS = [s for s in SEEDS if (PRINTED / f"{s}.yaml").is_file()]


def _pattern(node: ast.AST) -> str | None:
    """A regular expression for a string literal or f-string (each formatted value: any short text)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return re.escape(node.value)
    if isinstance(node, ast.JoinedStr):
        return "".join(
            re.escape(v.value) if isinstance(v, ast.Constant) and isinstance(v.value, str) else ".{1,200}?"
            for v in node.values
        )
    return None


def _texts_under(node: ast.AST) -> list[str]:
    out = []
    for sub in ast.walk(node):
        p = _pattern(sub)
        if p is not None and not (isinstance(sub, ast.Constant) and _in_fstring(sub, node)):
            out.append(p)
    return out


def _in_fstring(const: ast.AST, root: ast.AST) -> bool:
    return any(isinstance(n, ast.JoinedStr) and const in n.values for n in ast.walk(root))


def _name(func: ast.AST) -> str:
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _is_placeholder_style(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "PLACEHOLDER") or (
        isinstance(node, ast.Name) and node.id == "PLACEHOLDER"
    )


def placeholder_wordings() -> list[str]:
    """Regular expressions of every placeholder the report builders and the renderer can print: the texts of
    ``placeholder(…)``, of ``operator_or``'s text for a missing section, of a paragraph set in the placeholder
    style (a named constant is followed to its text), and a fallback ``value or "… belum …"``."""
    found: set[str] = set()
    for path in REPORTS.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            t.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            for t in node.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.BoolOp)
                and isinstance(node.op, ast.Or)
                and isinstance(node.values[-1], ast.Constant)
                and "belum" in str(node.values[-1].value)
            ):
                found.update(_texts_under(node.values[-1]))
            if isinstance(node, ast.Call):
                name = _name(node.func)
                args: list[ast.AST] = []
                if name == "placeholder":
                    args = list(node.args)
                elif name == "operator_or" and len(node.args) >= 3:
                    args = [node.args[2]]
                elif any(k.arg == "style" and _is_placeholder_style(k.value) for k in node.keywords):
                    args = list(node.args)
                elif node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "Sakip Placeholder":
                    args = list(node.args[1:])
                for a in args:
                    found.update(_texts_under(constants[a.id] if isinstance(a, ast.Name) and a.id in constants else a))
    # a pattern of a few characters only ("", a bare value) is not a wording
    return sorted(p for p in found if len(re.sub(r"\\.|\.\{1,200\}\?", "x", p)) >= 12)


def _docx_text(data: bytes) -> str:
    d = Docx(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
    for s in d.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return "\n".join(" ".join(x.split()) for x in parts)


def test_the_renderer_wordings_are_found() -> None:
    wordings = placeholder_wordings()
    # the known ones, so that a change in the collector cannot silently find nothing
    for known in (
        "Uraian latar belakang khusus perangkat daerah belum diisi.",
        "Uraian prestasi kinerja tahun ini belum diisi.",
        "Kesimpulan kualitatif belum diisi oleh operator.",
        "Tidak ada gambar.",
        "Perjanjian Kinerja tahun 2020 belum dicatat.",
        "Penjelasan triwulan ini (penyebab dan upaya/solusi) belum diisi oleh operator perangkat daerah.",
    ):
        assert any(re.fullmatch(p, known) for p in wordings), known
    # data-state wordings are not placeholders
    assert not any(re.fullmatch(p, "target belum ditetapkan") for p in wordings)
    assert len(wordings) >= 20


@pytest.fixture(scope="module")
def lkjip_texts() -> dict[str, str]:
    out = {}
    for seed in LKJIP_SEEDS:
        office = load(seed_path(seed))
        [docx] = generate(office, "lkjip", None, ["docx"])
        out[seed] = _docx_text(docx.data)
    return out


def test_three_seed_lkjips_are_checked() -> None:
    assert LKJIP_SEEDS == ["kaloran-2020", "kaliwates-2020", "kandangserang-2021"]


@pytest.mark.parametrize("seed", LKJIP_SEEDS)
def test_a_seed_lkjip_carries_no_placeholder(lkjip_texts: dict[str, str], seed: str) -> None:
    text = lkjip_texts[seed]
    assert "BAB IV" in text and len(text) > 20_000  # the whole document was read
    printed = [p for p in placeholder_wordings() if re.search(p, text)]
    assert not printed, f"{seed}: {printed}"
    assert "belum diisi" not in text  # the wording every operator's placeholder shares
