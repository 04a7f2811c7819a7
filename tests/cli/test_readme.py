"""The README's command table and documentation list are current (issue #14): every command and option
of the table exists in the Typer app, every command of the app is in the table, every doc is linked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from typer.main import get_command

from sakip.cli import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text("utf-8")


def _commands() -> dict[str, set[str]]:
    """Every leaf command of `sakip` ("report lkjip", "demo") → its option names."""
    out: dict[str, set[str]] = {}

    def walk(cmd: Any, path: list[str]) -> None:
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        else:
            out[" ".join(path)] = {opt for p in cmd.params for opt in p.opts if opt.startswith("-")}

    walk(get_command(app), [])
    return out


def _table_spans() -> list[str]:
    """The command spans of the first column of the README's command table."""
    section = README[README.index("## The command line") :]
    section = section[: section.index("\n## ")]
    spans: list[str] = []
    for line in section.splitlines():
        if line.startswith("| `sakip"):
            first = re.split(r"(?<!\\)\|", line)[1]
            spans += re.findall(r"`(sakip [^`]*)`", first)
    return spans


def _paths_and_options(span: str) -> tuple[list[str], list[str]]:
    """``sakip report lkjip|pk --office CODE [--year Y]`` → (["report lkjip", "report pk"], ["--office", "--year"])."""
    words = span.replace("\\|", "|").split()[1:]
    names: list[list[str]] = []
    for w in words:
        if not re.fullmatch(r"[a-z][a-z-]*(\|[a-z][a-z-]*)*", w):
            break
        names.append(w.split("|"))
    paths = [""]
    known = _commands()
    for alternatives in names:  # stop at the first words that are arguments, not commands (`template renstra`)
        longer = [f"{p} {a}".strip() for p in paths for a in alternatives]
        if not any(any(c == q or c.startswith(q + " ") for c in known) for q in longer):
            break
        paths = longer
    options = re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", span.replace("\\|", " "))
    return paths, options


def test_every_command_and_option_of_the_table_exists() -> None:
    known = _commands()
    spans = _table_spans()
    assert len(spans) >= 15
    for span in spans:
        paths, options = _paths_and_options(span)
        for path in paths:
            assert path in known, f"README names `sakip {path}`, which the app does not have"
            for opt in options:
                assert opt in known[path], f"README: `sakip {path}` has no option {opt}"


def test_every_command_is_in_the_table() -> None:
    listed = {p for span in _table_spans() for p in _paths_and_options(span)[0]}
    missing = sorted(set(_commands()) - listed)
    assert not missing, f"commands missing from the README's table: {missing}"


def test_every_doc_is_linked_and_the_status_is_current() -> None:
    docs = sorted(p.name for p in (ROOT / "docs").glob("*.md"))
    assert "panduan.md" in docs
    for name in docs:
        assert f"(docs/{name})" in README, f"docs/{name} is not linked from the README"
    status = README[: README.index("## Quick start")]
    assert "come next" not in status
    for word in ("documents", "workflow", "review", "Excel", "LKE", "audit trail"):
        assert word in status, word
    assert "--reset" in README
