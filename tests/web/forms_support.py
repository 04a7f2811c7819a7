"""Read a page's form as a browser would submit it: every input, textarea and selected option.

The concurrency tests load a page, keep its form (with the hidden version fields), let
someone else save, and then submit the stale form unchanged but for the fields a person
would edit — exactly what a browser does with a page left open.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _FormParser(HTMLParser):
    def __init__(self, testid: str | None, action: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.testid, self.action = testid, action
        self.depth = 0  # > 0 inside the wanted form
        self.fields: list[tuple[str, str]] = []
        self.buttons: dict[str, str] = {}
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif (self.testid is None or a.get("data-testid") == self.testid) and (
                self.action is None or a.get("action", "") == self.action
            ):
                self.depth = 1
            return
        if not self.depth:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                if kind == "submit":
                    self.buttons[name] = a.get("value", "")
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "button" and name and a.get("type", "submit") == "submit":
            self.buttons[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value")
            self._option = value
            if self._first_option is None:
                self._first_option = value if value is not None else ""
            if "selected" in a and not self._selected:
                self._selected = True
                self.fields.append((self._select, value if value is not None else ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None


def form_fields(html: str, testid: str | None = None, action: str | None = None) -> dict[str, Any]:
    """The fields of the first form (with ``data-testid`` / ``action``) as a dict; repeated names give lists."""
    parser = _FormParser(testid, action)
    parser.feed(html)
    out: dict[str, Any] = {}
    for name, value in parser.fields:
        if name in out:
            out[name] = [*out[name], value] if isinstance(out[name], list) else [out[name], value]
        else:
            out[name] = value
    out.pop("csrfmiddlewaretoken", None)
    return out


def form_buttons(html: str, testid: str | None = None, action: str | None = None) -> dict[str, str]:
    parser = _FormParser(testid, action)
    parser.feed(html)
    return parser.buttons


def all_forms(html: str) -> list[dict[str, Any]]:
    """The fields of every form of the page, in order."""
    out = []
    count = html.count("<form")
    for i in range(count):
        parser = _NthFormParser(i)
        parser.feed(html)
        fields: dict[str, Any] = {}
        for name, value in parser.fields:
            if name in fields:
                fields[name] = [*fields[name], value] if isinstance(fields[name], list) else [fields[name], value]
            else:
                fields[name] = value
        fields.pop("csrfmiddlewaretoken", None)
        out.append(fields)
    return out


def form_with(html: str, **wanted: str) -> dict[str, Any]:
    """The fields of the one form whose fields include ``wanted`` (e.g. ``op="goal", id="3"``)."""
    found = [f for f in all_forms(html) if all(f.get(k) == v for k, v in wanted.items())]
    assert len(found) == 1, f"{len(found)} forms with {wanted}"
    return found[0]


class _NthFormParser(_FormParser):
    """The ``n``-th top-level form (0-based)."""

    def __init__(self, n: int) -> None:
        super().__init__(None, None)
        self.n, self.seen = n, -1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form" and not self.depth:
            self.seen += 1
            if self.seen != self.n:
                return
        super().handle_starttag(tag, attrs)
