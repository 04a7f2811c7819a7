"""An office's LKE evaluation with an evidence file and a recommendation with a follow-up file.

Used by these tests and by tests/web/test_authorisation_matrix.py (real objects for the
routes that take an answer's or a recommendation's id).
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from sakip.accounts.models import Office
from sakip.evaluation import services
from sakip.evaluation.models import Answer, Evaluation, Recommendation

PDF = b"%PDF-1.4\n% sakip test evidence\n"


def make_evaluation(office: Office, year: int, preset: str = services.DEFAULT_PRESET) -> Evaluation:
    """The office's evaluation of ``year`` with the first criterion answered and evidenced, and a recommendation."""
    template = services.install_preset(office.regency, year, preset)
    ev = services.start_evaluation(office, year, template)
    criterion = (
        template.components.order_by("order")[0].subcomponents.order_by("order")[0].criteria.order_by("order")[0]
    )
    answer, _ = Answer.objects.get_or_create(evaluation=ev, criterion=criterion)
    if not answer.evidence_file:
        answer.self_value = "Y"
        answer.evidence_file.save(f"bukti-{office.code}.pdf", ContentFile(PDF), save=False)
        answer.evidence_name = f"bukti-{office.code}.pdf"
        answer.save()
    if not ev.recommendations.exists():
        rec = Recommendation.objects.create(
            evaluation=ev, text="Perbaiki indikator kinerja sasaran.", component_code="1"
        )
        rec.follow_up_file.save(f"tindak-lanjut-{office.code}.pdf", ContentFile(PDF), save=False)
        rec.follow_up_name = f"tindak-lanjut-{office.code}.pdf"
        rec.save()
    return ev


def answer_with_evidence(office: Office) -> Answer:
    return Answer.objects.filter(evaluation__office=office).exclude(evidence_file="").order_by("id")[0]


def recommendation_with_file(office: Office) -> Recommendation:
    return Recommendation.objects.filter(evaluation__office=office).exclude(follow_up_file="").order_by("id")[0]
