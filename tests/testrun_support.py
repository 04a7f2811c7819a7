"""`.ci/testrun.py` as a module, for the tests that start their own PostgreSQL servers (replica, production)."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


@cache
def testrun() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sakip_testrun", ROOT / ".ci" / "testrun.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
