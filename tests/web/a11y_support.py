"""axe-core in the browser tests: no serious or critical WCAG 2.1 AA violation on a page.

axe-core comes bundled in the ``axe-playwright-python`` package (dev extra, hashed in requirements.lock);
it is injected into the page under test by Playwright (no CDN, no change to the pages' CSP).
"""

from __future__ import annotations

from typing import Any

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

_axe: Any = None


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2.1 AA violations axe-core finds on the page as it is now."""
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n.get("target")) for n in v["nodes"][:3])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])}×: {targets})")
    return "\n".join(lines)


def assert_accessible(page: Any, where: str = "") -> None:
    violations = axe_violations(page)
    assert not violations, f"axe-core on {where or page.url}:\n{describe(violations)}"
