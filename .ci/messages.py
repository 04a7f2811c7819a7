#!/usr/bin/env python3
"""Update the English catalogue from the source, list what needs translating, compile it.

    python3 dev.py messages           # makemessages, then the list; compiles when nothing is missing
    python3 dev.py messages --check   # the list only (exit 1 when something is untranslated or fuzzy)

Steps: ``django makemessages -l en`` (needs GNU gettext's xgettext/msgmerge) in ``src/sakip``; every
entry that is empty or fuzzy is printed with its source places; then ``django.mo`` is written with
Babel (the same compiler ``tests/web/test_translations.py`` checks it with). Translate the printed
entries in ``src/sakip/locale/en/LC_MESSAGES/django.po`` (remove the ``#, fuzzy`` line once a fuzzy
guess is right) and run it again until it prints nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "sakip"
PO = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def pending() -> list[str]:
    """The entries still to translate: ``msgid`` (with its context and places), empty or fuzzy."""
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    out = []
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple | list) else (m.string,)
        if m.fuzzy or not all(strings):
            ident = m.id if isinstance(m.id, str) else " | ".join(m.id)
            where = ", ".join(f"{p}:{n}" for p, n in m.locations[:3])
            kind = "fuzzy" if m.fuzzy else "empty"
            out.append(f"[{kind}] {f'({m.context}) ' if m.context else ''}{ident!r}  — {where}")
    return out


def compile_mo() -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    with MO.open("wb") as out:
        write_mo(out, catalog)


def main(argv: list[str]) -> int:
    if "--check" not in argv:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sakip.web.settings"}
        subprocess.run([sys.executable, "-m", "django", "makemessages", "-l", "en"], cwd=PACKAGE, env=env, check=True)
    todo = pending()
    for line in todo:
        print(line)
    if todo:
        print(f"{len(todo)} entries to translate in {PO.relative_to(ROOT)}; then run this again", file=sys.stderr)
        return 1
    if "--check" not in argv:
        compile_mo()
        print(f"{PO.relative_to(ROOT)}: complete; {MO.name} compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
