"""Domain messages in the request's language.

The domain (`sakip.domain`) raises errors carrying an Indonesian msgid and its
parameters (`sakip.domain.errors.Message`); ``str(exc)`` is the Indonesian text.
An adapter that shows a domain error to a user goes through `error_text`, which
translates the template (and every nested template) with the active language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

from sakip.domain.errors import DomainError, Message

if TYPE_CHECKING:
    from sakip.reports.charts import ChartWords


def translate(message: Message) -> str:
    """The message in the active language (Indonesian when no translation exists)."""
    return message.render(gettext)


def error_text(exc: BaseException) -> str:
    """A domain error's message in the active language; any other exception's own text."""
    if isinstance(exc, DomainError):
        return translate(exc.msg)
    return str(exc)


def chart_words() -> ChartWords:
    """The fixed words of a page's chart in the active language (the documents keep the Indonesian defaults)."""
    from sakip.reports.charts import ChartWords

    return ChartWords(gettext("belum diukur"), gettext("tanpa realisasi"), gettext("target"))
