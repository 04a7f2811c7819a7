"""Forms as a browser submits them: read a page's form with its current values, change one field, send it.

A tiny HTML form reader (standard library): inputs (text, hidden, number, checked
checkboxes and radios), selects (the selected option, else the first) and textareas,
per form, with the form's action, method and ``data-testid``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Form:
    action: str
    method: str
    testid: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def names(self) -> set[str]:
        return {n for n, _v in self.fields}

    def data(self, **changes: Any) -> dict[str, Any]:
        """The values with ``changes`` (name → value; None removes the field), as the test client posts them."""
        out: dict[str, Any] = {}
        for name, value in self.fields:
            if name in out:
                existing = out[name]
                out[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
            else:
                out[name] = value
        for name, value in changes.items():
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._option: tuple[str | None, bool] | None = None
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), a.get("data-testid", ""))
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or ("name" not in a and tag != "option"):
            return
        name = a.get("name", "")
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif "disabled" not in a:
                form.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = (a.get("value"), "selected" in a)
            self._option_text = ""
        elif tag == "textarea":
            self._textarea = name
            self._text = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data
        if self._option is not None:
            self._option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected = self._option
            self._select[1].append((value if value is not None else self._option_text.strip(), selected))
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options = self._select
            chosen = next((v for v, s in options if s), options[0][0] if options else "")
            self._form.fields.append((name, chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[Form]:
    reader = _Reader()
    reader.feed(html)
    return reader.forms


def form_with(html: str, *, testid: str = "", name: str = "", value: str | None = None) -> Form:
    """The first form with this ``data-testid``, or holding a field ``name`` (with ``value`` if given)."""
    for form in forms_of(html):
        if testid and form.testid != testid:
            continue
        if name and not any(n == name and (value is None or v == value) for n, v in form.fields):
            continue
        return form
    raise AssertionError(f"no form testid={testid!r} name={name!r} value={value!r} in the page")
