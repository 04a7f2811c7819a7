"""Translations: the committed English catalogue is complete and compiled, pages and domain errors follow the language.

The msgids are Indonesian (the default language); ``src/sakip/locale/en`` holds the English
catalogue. The ``.mo`` is committed (a fresh machine has no GNU gettext), so it is checked here
against its ``.po``, compiled again with Babel.
"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

import sakip
from sakip.accounts.models import Office
from sakip.core.i18n import error_text
from sakip.domain.errors import DomainError, NumberParseError
from sakip.domain.numbers import parse_number
from sakip.domain.scales import get_scale
from sakip.planning.models import Indicator

from . import pages_support
from .demo_support import OFFICE_A, LiveDemo

media = pages_support.media
regency = pages_support.regency
office = pages_support.office
operator = pages_support.operator

PACKAGE = Path(sakip.__file__).parent
LC_MESSAGES = PACKAGE / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"
YEAR = 2025


def _po() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _messages(catalog: Catalog) -> dict[object, object]:
    def plain(value: object) -> object:
        return tuple(value) if isinstance(value, list | tuple) else value

    return {plain(m.id): plain(m.string) for m in catalog if m.id}


# ----------------------------------------------------------------------------- the catalogue


def test_the_catalogue_is_where_django_and_the_package_look() -> None:
    assert PACKAGE / "locale" in [Path(p) for p in settings.LOCALE_PATHS]
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"] and settings.LANGUAGE_CODE == "id"


def test_every_msgid_is_translated_and_none_is_fuzzy() -> None:
    catalog = _po()
    messages = [m for m in catalog if m.id]
    assert len(messages) > 1000
    untranslated = [m.id for m in messages if not m.string or (isinstance(m.string, tuple) and not all(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [] and fuzzy == []


def test_no_msgid_is_translated_in_indonesian_by_another_catalogue() -> None:
    """Indonesian is the msgid itself: Django's own Indonesian catalogue must not answer for one of ours
    (``"No"``, a row number, came out as ``"Tidak"``; such a msgid takes a context, ``pgettext``)."""
    from django.utils.translation import gettext, ngettext, pgettext

    changed = []
    with translation.override("id"):
        for m in _po():
            if not m.id or m.id in LANGUAGE_NAMES:
                continue
            if isinstance(m.id, tuple):
                shown = ngettext(m.id[0], m.id[1], 1) if not m.context else m.id[0]
                if shown != m.id[0]:
                    changed.append((m.id[0], shown))
            elif (pgettext(m.context, m.id) if m.context else gettext(m.id)) != m.id:
                changed.append((m.id, gettext(m.id)))
    assert changed == []


#: the language switch names each language in the page's language
LANGUAGE_NAMES = {"English", "Bahasa Indonesia"}


# ----------------------------------------------------------------------------- literal text in templates

#: words that read the same in both languages: names, abbreviations of Indonesian institutions, file kinds
NEUTRAL_WORDS = {
    "Sakip", "NIP", "IKU", "PK", "NRR", "CSV", "JSON", "PDF", "DRAFT", "https",
    "kinerja.json", "kinerja.csv", "anggaran.json", "anggaran.csv", "larr", "rarr",
}
_TEMPLATE_DROP = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktranslate\b.*?\{%\s*endblocktranslate\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"<script\b.*?</script>", re.S | re.I),
    re.compile(r"<style\b.*?</style>", re.S | re.I),
    re.compile(r"<!--.*?-->", re.S),
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
]
_SHOWN_ATTRIBUTES = re.compile(r'\b(title|alt|placeholder|aria-label|label)\s*=\s*"([^"]*)"', re.I)
_TAG = re.compile(r"<[^>]*>", re.S)


def literal_text(template: str) -> list[str]:
    """The text a person would read in ``template`` outside ``{% translate %}``/``{% blocktranslate %}``:
    text nodes and shown attributes (title, alt, placeholder, aria-label), without variables, tags, numbers,
    punctuation and `NEUTRAL_WORDS`."""
    for rx in _TEMPLATE_DROP:
        template = rx.sub(" ", template)
    texts = [a.group(2) for tag in _TAG.findall(template) for a in _SHOWN_ATTRIBUTES.finditer(tag)]
    texts += _TAG.sub("\n", template).split("\n")
    found = []
    for text in texts:
        words = [w for w in re.findall(r"[^\W\d_][\w.]*", text) if w.strip(".") not in NEUTRAL_WORDS]
        if any(len(w) > 1 for w in words):
            found.append(" ".join(text.split()))
    return found


def test_the_literal_text_detector() -> None:
    assert literal_text('<th>No</th><td>{% translate "Nama" %}</td>') == ["No"]
    assert literal_text('<input placeholder="cari indikator" value="{{ v }}">') == ["cari indikator"]
    assert literal_text("{% blocktranslate with n=x %}TW {{ n }}{% endblocktranslate %} · 12,5 % (PDF)") == []
    assert literal_text('{# catatan #}<span title="{% translate \'Judul\' %}">{{ x }}</span>') == []


def test_no_template_shows_untranslated_text() -> None:
    found = {
        str(path.relative_to(PACKAGE)): texts
        for path in sorted(PACKAGE.glob("**/templates/**/*.html"))
        if (texts := literal_text(path.read_text(encoding="utf-8")))
    }
    assert found == {}, "wrap these in {% translate %} (or add a word that reads the same to NEUTRAL_WORDS)"


def test_translations_keep_the_placeholders() -> None:
    problems = [(m.id, [str(e) for e in errors]) for m, errors in _po().check() if errors]
    assert problems == []


def test_the_committed_mo_matches_the_po() -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _po())
    compiled.seek(0)
    with MO.open("rb") as f:
        committed = read_mo(f)
    fresh = _messages(read_mo(compiled))
    assert _messages(committed) == fresh
    assert fresh["tidak dapat membaca '%(text)s' sebagai angka: %(reason)s"] == (
        "cannot read '%(text)s' as a number: %(reason)s"
    )


def _domain_msgids() -> set[str]:
    """Every N_("…") literal in the domain core, read from the source (as xgettext does)."""
    found: set[str] = set()
    for path in (PACKAGE / "domain").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
                arg = node.args[0]
                assert isinstance(arg, ast.Constant) and isinstance(arg.value, str), f"{path.name}: N_ of a non-literal"
                found.add(arg.value)
    return found


def test_every_domain_message_is_in_the_catalogue() -> None:
    msgids = _domain_msgids()
    assert len(msgids) > 80
    missing = sorted(msgids - {m.id for m in _po() if isinstance(m.id, str)})
    assert missing == [], "run makemessages (docs/architecture.md, Translations)"


# ----------------------------------------------------------------------------- domain errors


def test_a_domain_error_is_indonesian_without_django_and_translated_through_error_text() -> None:
    with pytest.raises(NumberParseError) as info:
        parse_number("8O", field="IKM TW IV")
    exc = info.value
    assert (exc.text, exc.field) == ("8O", "IKM TW IV")
    assert str(exc).startswith("IKM TW IV: tidak dapat membaca '8O' sebagai angka: bukan angka")
    assert exc.reason.startswith("bukan angka dalam format Indonesia")
    with translation.override("en"):
        english = error_text(exc)
    # the template and the nested reason are both translated, the parameters kept
    assert english == (
        "IKM TW IV: cannot read '8O' as a number: "
        "not a number in Indonesian (1.234,5) or international (1,234.5) format"
    )
    with translation.override("id"):
        assert error_text(exc) == str(exc)


def test_error_text_of_a_scale_error_and_of_another_exception() -> None:
    with pytest.raises(DomainError) as info:
        get_scale("nope")
    assert info.value.params["code"] == "nope"
    with translation.override("en"):
        assert error_text(info.value).startswith("unknown scale 'nope'; available presets: ")
        assert error_text(ValueError("x")) == "x"


# ----------------------------------------------------------------------------- pages


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_office_dashboard_is_indonesian_by_default_and_english_on_request(operator: Client, office: Office) -> None:
    url = reverse("office-dashboard", args=[office.code])
    indonesian = operator.get(url).content.decode()
    assert "Capaian rata-rata indikator PK" in indonesian and '<html lang="id">' in indonesian
    english = operator.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Average achievement of the PK indicators" in english and '<html lang="en">' in english
    assert "Capaian rata-rata indikator PK" not in english


@pytest.mark.django_db
def test_entry_page_follows_the_language_cookie_and_the_switch(operator: Client, office: Office) -> None:
    url = reverse("quarter-entry", args=[office.code, YEAR, 1])
    assert "Penjelasan (penyebab dan solusi)" in operator.get(url).content.decode()
    switched = operator.post(reverse("set_language"), {"language": "en", "next": url})
    assert switched.status_code == 302 and switched["Location"] == url
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = operator.get(url).content.decode()
    assert "Explanation (cause and solution)" in english and "Penjelasan (penyebab dan solusi)" not in english
    operator.post(reverse("set_language"), {"language": "id", "next": url})
    assert "Penjelasan (penyebab dan solusi)" in operator.get(url).content.decode()


@pytest.mark.django_db
def test_a_domain_error_on_the_entry_page_follows_the_language(operator: Client, office: Office) -> None:
    s11 = Indicator.objects.get(code="S1.1", plan__office=office)
    url = reverse("quarter-entry", args=[office.code, YEAR, 1])
    data = {f"i-{s11.pk}-pelanggaran": "3", f"i-{s11.pk}-perangkat_desa": "0"}
    indonesian = operator.post(url, data).content.decode()
    assert "Rumus tidak dapat dihitung: pembagian dengan nol (nilai komponen ini 0)" in indonesian
    english = _english(operator).post(url, data).content.decode()
    assert "The formula cannot be computed: division by zero (this component&#x27;s value is 0)" in english


@pytest.mark.browser
def test_the_language_switch_in_the_header_changes_the_page(live_demo: LiveDemo, page: Any) -> None:
    page.goto(live_demo.at(reverse("login")))
    page.fill("#id_username", f"operator-{OFFICE_A}")
    page.fill("#id_password", live_demo.password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    dashboard = live_demo.at(reverse("office-dashboard", args=[OFFICE_A]))
    assert page.url == dashboard and page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_text("Capaian rata-rata indikator PK").count() >= 1
    with page.expect_navigation():
        page.select_option("form.lang select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.url == dashboard, "the switch returns to the same page"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("Average achievement of the PK indicators").count() >= 1
    assert page.get_by_role("button", name="Sign out").count() == 1
    with page.expect_navigation():
        page.select_option("form.lang select[name=language]", "id")
    assert page.locator("html").get_attribute("lang") == "id"


@pytest.mark.django_db
def test_the_review_and_the_survey_in_english(operator: Client, office: Office) -> None:
    """The review's labels and count, the row number's header, and the survey's chart in English."""
    url = reverse("review-office", args=[office.code, YEAR])
    indonesian = operator.get(url).content.decode()
    assert "<th>No</th>" in indonesian and "<th>Tidak</th>" not in indonesian and "angka/butir diperiksa" in indonesian
    review = _english(operator).get(url).content.decode()
    assert "figures/items checked" in review and "<th>No.</th>" in review and "angka/butir diperiksa" not in review
    survey = _english(operator).get(reverse("survey-detail", args=[office.code, YEAR])).content.decode()
    assert "SKM element scores against the mean" in survey and "Questionnaire templates" in survey
