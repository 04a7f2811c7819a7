"""The domain core stays pure: no web framework, no I/O libraries, no adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import sakip.domain

DOMAIN = Path(sakip.domain.__file__).parent
FORBIDDEN = {
    "django",
    "ninja",
    "typer",
    "rich",
    "yaml",
    "jsonschema",
    "openpyxl",
    "docx",
    "matplotlib",
    "requests",
    "httpx",
    "sqlite3",
    "os",
    "io",
    "pathlib",
    "shutil",
    "subprocess",
    "socket",
    "urllib",
    "csv",
    "json",
    "sakip.dataset",
    "sakip.reports",
    "sakip.cli",
}
FORBIDDEN_CALLS = {"open", "eval", "exec", "compile", "__import__", "input", "print"}


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_domain_modules_exist() -> None:
    modules = {p.stem for p in DOMAIN.glob("*.py")}
    assert {"measurement", "scales", "survey", "budget", "review", "periods", "formulas", "numbers"} <= modules


def test_domain_imports_nothing_impure() -> None:
    offenders = []
    for path in sorted(DOMAIN.glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        for name in _imports(tree):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                offenders.append(f"{path.name}: import {name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
                offenders.append(f"{path.name}:{node.lineno}: {node.func.id}()")
    assert offenders == []


def test_no_float_literals_in_domain_arithmetic() -> None:
    """Money and achievements are Decimal: a float literal in the domain is a bug waiting."""
    floats = []
    for path in sorted(DOMAIN.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                floats.append(f"{path.name}:{node.lineno}: {node.value}")
    assert floats == []
