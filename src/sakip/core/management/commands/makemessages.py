"""``makemessages`` that also extracts the domain's messages, marked ``N_("…")``.

The domain core (`sakip.domain`) imports no Django, so it marks its Indonesian
msgids with its own no-op `sakip.domain.errors.N_`; this adds that keyword to
xgettext. Run from ``src/sakip`` (see docs/architecture.md, "Translations").
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
