"""Fuzz tests: every page route and every API operation, hostile input, no 500.

Budget: ``SAKIP_FUZZ_EXAMPLES`` (default `CI_EXAMPLES`) hypothesis examples per route and
method (pages) and per operation and generation mode (API). Hypothesis runs derandomized
(``derandomize=True``): CI sends the same requests on every run. A long local run::

    SAKIP_FUZZ_EXAMPLES=200 .venv/bin/python -m pytest tests/fuzz -q

The number of requests sent is printed at the end of the run (``fuzz requests: …``).
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

from tests.web.demo_support import demo, demo_once  # noqa: F401

CI_EXAMPLES = 4
EXAMPLES = int(os.environ.get("SAKIP_FUZZ_EXAMPLES", str(CI_EXAMPLES)))

#: requests sent, by kind ("pages GET", "pages POST", "api"), for the summary line
SENT: Counter[str] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if SENT:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(SENT.items()))
        terminalreporter.write_line(
            f"fuzz requests: {sum(SENT.values())} ({parts}); SAKIP_FUZZ_EXAMPLES={EXAMPLES}"
        )
