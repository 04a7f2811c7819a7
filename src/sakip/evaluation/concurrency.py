"""No lost update on the LKE pages: the self-assessment, the evaluator's scores and summary, the follow-up.

Several people of an office answer the self-assessment, several evaluators score it, and the
office's staff record the follow-up of the recommendations — each from a page loaded earlier.
The rows have no ``version`` column: an answer's and a recommendation's *token* is its id and
the time of its last save (``updated_at``, kept to the microsecond by both databases), so no
migration was needed; the evaluator's summary, a single text, is compared with the text the
page was loaded with. Everything else follows `sakip.core.concurrency`: a stale row whose
stored value differs from what was typed is a `Conflict` (409, nothing stored, one click
re-applies); the save runs under the office's lock, re-reads the tokens (`verify`) and the
evaluation's status, and is read again (`retrying`) when a parallel save came in between.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext as _

from sakip.accounts.models import Office
from sakip.core.concurrency import Conflict, last_changes, lock_office, locked, verify

from .models import Answer, Evaluation, Recommendation

#: The hidden field with the summary as the score page was loaded.
SUMMARY_LOADED = "summary-loaded"


def row_token(row: Answer | Recommendation) -> str:
    """A row's version: its id and the time of its last save."""
    return f"{row.pk}.{row.updated_at.isoformat()}" if row.updated_at else str(row.pk)


def _labels() -> dict[str, str]:
    return {
        "self_value": _("Jawaban"),
        "self_note": _("Catatan"),
        "evidence_link": _("Tautan bukti"),
        "evaluator_value": _("Nilai evaluator"),
        "evaluator_note": _("Catatan evaluator"),
    }


#: The posted key of each answer field a role edits, and the field it is stored in.
ANSWER_FIELDS = {
    "self": (("value", "self_value"), ("note", "self_note"), ("link", "evidence_link")),
    "evaluator": (("value", "evaluator_value"), ("note", "evaluator_note")),
}


def answer_conflicts(
    ev: Evaluation, typed: dict[int, dict[str, str]], role: str
) -> tuple[list[Conflict], dict[int, str]]:
    """The typed answers that differ from answers changed since the page was loaded, and the tokens read now.

    A conflicting field of ``typed`` is set to the stored value (the 409 form shows it; what was
    typed is kept by the conflict for "use my values"), and every typed row gets its current token.
    """
    answers = {a.pk: a for a in ev.answers.select_related("criterion").filter(pk__in=list(typed))}
    now = {pk: row_token(a) for pk, a in answers.items()}
    stale = [pk for pk, t in typed.items() if t.get("ver") and pk in now and t["ver"] != now[pk]]
    who = last_changes(Answer, stale)
    labels = _labels()
    found: list[Conflict] = []
    for pk in stale:
        a = answers[pk]
        by, at = who.get(str(pk), ("", None))
        for key, attr in ANSWER_FIELDS[role]:
            stored = str(getattr(a, attr) or "")
            if key in typed[pk] and typed[pk][key] != stored:
                found.append(
                    Conflict(
                        f"{a.criterion.code} {a.criterion.text[:60]}",
                        labels[attr],
                        stored,
                        typed[pk][key],
                        by,
                        at,
                        name=f"c{pk}-{key}",
                    )
                )
                typed[pk][key] = stored
    for pk in typed:
        if pk in now:
            typed[pk]["ver"] = now[pk]
    return found, now


def summary_conflict(ev: Evaluation, post: QueryDict) -> Conflict | None:
    """The summary typed over a summary changed since the score page was loaded (``None``: no conflict)."""
    typed, loaded = post.get("summary"), post.get(SUMMARY_LOADED)
    if typed is None or loaded is None:
        return None
    stored = Evaluation.objects.filter(pk=ev.pk).values_list("summary", flat=True).first() or ""
    if _text(loaded) == _text(stored) or _text(typed) == _text(stored):
        return None
    by, at = last_changes(Evaluation, [ev.pk]).get(str(ev.pk), ("", None))
    return Conflict(_("Simpulan"), _("Simpulan evaluator"), stored, typed.strip(), by, at, name="summary")


def _text(value: str) -> str:
    """A text as compared: a browser sends a textarea's (and a hidden field's) line breaks as CR LF."""
    return value.replace("\r\n", "\n").strip()


def save_answers(
    office: Office,
    ev: Evaluation,
    status: str,
    changes: dict[int, dict[str, Any]],
    read: dict[int, str],
    store: Callable[[], int],
) -> int:
    """``store()`` under the office's lock if the evaluation is still in ``status`` and the answers still the
    versions read (else `core.concurrency.Changed`: the caller reads again); ``ValidationError`` when the
    evaluation moved on meanwhile (submitted, finished)."""
    with transaction.atomic():
        lock_office(office)
        now = locked(Evaluation.objects.filter(pk=ev.pk)).values_list("status", flat=True).first()
        if now != status:
            raise ValidationError(_("Evaluasi ini baru saja berpindah tahap; tidak ada yang disimpan."))
        current = {str(a.pk): row_token(a) for a in locked(Answer.objects.filter(pk__in=list(changes)))}
        verify({str(pk): read.get(pk, "-") for pk in changes}, current)
        return store()


# ----------------------------------------------------------------------------- the follow-up of recommendations

FOLLOW_UP_FIELDS = (
    ("status", "follow_up_status"),
    ("note", "follow_up_note"),
    ("link", "follow_up_link"),
    ("date", "follow_up_date"),
)


def follow_up_conflicts(recs: Iterable[Recommendation], post: QueryDict) -> list[Conflict]:
    """The typed follow-ups that differ from recommendations changed since the page was loaded."""
    labels = {
        "status": _("Status tindak lanjut"),
        "note": _("Uraian tindak lanjut"),
        "link": _("Tautan bukti"),
        "date": _("Tanggal tindak lanjut"),
    }
    stale = [r for r in recs if (v := post.get(f"r{r.pk}-ver")) and v != row_token(r)]
    who = last_changes(Recommendation, [r.pk for r in stale])
    found = []
    for r in stale:
        by, at = who.get(str(r.pk), ("", None))
        choices = dict(Recommendation.FollowUp.choices)
        for key, attr in FOLLOW_UP_FIELDS:
            name = f"r{r.pk}-{key}"
            if name not in post:
                continue
            typed, stored = post.get(name, "").strip(), str(getattr(r, attr) or "")
            if typed != stored:
                shown = (
                    (str(choices.get(stored, stored)), str(choices.get(typed, typed)))
                    if key == "status"
                    else (stored, typed)
                )
                found.append(Conflict(r.text[:80], labels[key], *shown, by, at, name=name, raw=(typed,)))
    return found


def follow_up_form(recs: Iterable[Recommendation], post: QueryDict | None, found: Iterable[Conflict]) -> None:
    """What each row of the follow-up form shows (``r.form``): what was typed, but the stored value in a
    conflicting field; the version the page was loaded with while the user fixes errors, the current one
    after conflicts (every row then shows what it may be saved over)."""
    found = list(found)
    names = {c.name for c in found}
    for r in recs:
        loaded = post.get(f"r{r.pk}-ver") if post is not None and not found else None
        shown: dict[str, str] = {"ver": loaded or row_token(r)}
        for key, attr in FOLLOW_UP_FIELDS:
            name = f"r{r.pk}-{key}"
            stored = str(getattr(r, attr) or "")
            shown[key] = post.get(name, stored).strip() if post is not None and name not in names else stored
        r.form = shown  # type: ignore[attr-defined]


def verify_follow_ups(ev: Evaluation, post: QueryDict, pks: Iterable[int]) -> None:
    """Under the office's lock: the recommendations about to be saved (the evaluation's own and the originals
    of those carried into it) are still the versions read."""
    shown = Recommendation.objects.filter(Q(evaluation=ev) | Q(carried_to__evaluation=ev), pk__in=list(pks))
    current = {str(r.pk): row_token(r) for r in locked(Recommendation.objects.filter(pk__in=shown.values("pk")))}
    verify({str(pk): v for pk in pks if (v := post.get(f"r{pk}-ver"))}, current)
