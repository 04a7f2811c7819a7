"""Fuzz tests: every page route and every API operation, hostile input, no 500.

Budget: ``SAKIP_FUZZ_EXAMPLES`` (default `CI_EXAMPLES`) hypothesis examples per route and
method (pages); ``SAKIP_FUZZ_API_EXAMPLES`` (default `CI_API_EXAMPLES`) per API operation and
generation mode (an API request costs far less than a page). Hypothesis runs derandomized
(``derandomize=True``, no example database): CI sends the same requests on every run. A long
local run::

    SAKIP_FUZZ_EXAMPLES=200 SAKIP_FUZZ_API_EXAMPLES=1000 .venv/bin/python -m pytest tests/fuzz -q

The number of requests sent, and the API's answers by status, are printed at the end of the
run (``fuzz requests: …``); with ``SAKIP_FUZZ_REPORT=<file>`` they are also written there as JSON.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from tests.web.demo_support import demo, demo_once  # noqa: F401

CI_EXAMPLES = 5
CI_API_EXAMPLES = 40
EXAMPLES = int(os.environ.get("SAKIP_FUZZ_EXAMPLES", str(CI_EXAMPLES)))
API_EXAMPLES = int(os.environ.get("SAKIP_FUZZ_API_EXAMPLES", str(CI_API_EXAMPLES)))

#: requests sent, by kind ("pages GET", "pages POST", "api"), for the summary line
SENT: Counter[str] = Counter()
#: the API's answers by status code
STATUSES: Counter[int] = Counter()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not SENT:
        return
    parts = ", ".join(f"{k} {v}" for k, v in sorted(SENT.items()))
    statuses = ", ".join(f"{code}: {n}" for code, n in sorted(STATUSES.items()))
    terminalreporter.write_line(
        f"fuzz requests: {sum(SENT.values())} ({parts}); API answers {{{statuses}}}; "
        f"SAKIP_FUZZ_EXAMPLES={EXAMPLES}, SAKIP_FUZZ_API_EXAMPLES={API_EXAMPLES}"
    )
    report = os.environ.get("SAKIP_FUZZ_REPORT")
    if report:
        Path(report).write_text(
            json.dumps(
                {
                    "requests": sum(SENT.values()),
                    "by_kind": dict(SENT),
                    "api_statuses": {str(k): v for k, v in sorted(STATUSES.items())},
                    "examples": {"pages": EXAMPLES, "api": API_EXAMPLES},
                },
                indent=2,
            )
        )
