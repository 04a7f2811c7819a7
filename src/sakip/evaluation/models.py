"""SAKIP evaluation (LKE): the criteria as editable data, evaluations, answers, recommendations (SPEC §8).

The structure — template → component → sub-component → criterion, with answer sets — is
data a regency edits in the admin, loaded from a preset (`presets.install_preset`) and
copied per year (`presets.copy_template`). `Template.framework()` turns the rows into the
domain's `Framework` through `domain.evaluation.framework_from_dict`, the one construction
path, which refuses weights that do not add up.

An `Evaluation` of an office and year moves self-assessment → evaluation → finished; each
`Answer` keeps the office's value, evidence and note beside the evaluator's value and note;
`Recommendation`s carry their follow-up into the next year's evaluation.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakip.accounts.models import Office, Regency
from sakip.core.fields import ExactDecimalField
from sakip.domain.evaluation import Framework, SubKind, framework_from_dict
from sakip.domain.lke_grading import GRADES, METHOD_LABELS, QUALIFIER_LABELS, Method

KIND_CHOICES = [
    (SubKind.KEBERADAAN.value, _("Keberadaan")),
    (SubKind.KUALITAS.value, _("Kualitas")),
    (SubKind.PEMANFAATAN.value, _("Pemanfaatan")),
    (SubKind.OTHER.value, _("Lainnya")),
]

METHOD_CHOICES = [(m.value, _(label)) for m, label in METHOD_LABELS.items()]
GRADE_CHOICES = [(g, g) for g in GRADES]
QUALIFIER_CHOICES = [(q.value, _(label)) for q, label in QUALIFIER_LABELS.items()]


class Template(models.Model):
    """An LKE of a regency for one year (a version); copied to the next year and edited there."""

    regency = models.ForeignKey(
        Regency, on_delete=models.CASCADE, related_name="lke_templates", verbose_name=_("pemda")
    )
    code = models.SlugField(_("kode"), max_length=60)
    year = models.PositiveSmallIntegerField(_("tahun"))
    name = models.CharField(_("nama"), max_length=200)
    regulation = models.TextField(_("dasar hukum"), blank=True)
    scale = models.CharField(_("skala predikat"), max_length=40, default="lke-akip")
    # the scoring method (data, not code): a template made before it existed keeps the legacy average
    method = models.CharField(
        _("metode penilaian"), max_length=30, choices=METHOD_CHOICES, default=Method.GRADED_88_2021.value
    )
    total = ExactDecimalField(_("nilai maksimum"), default=100)
    preset = models.CharField(_("preset asal"), max_length=60, blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies", verbose_name=_("disalin dari")
    )

    class Meta:
        verbose_name = _("LKE (templat evaluasi)")
        verbose_name_plural = _("LKE (templat evaluasi)")
        ordering = ["regency", "-year", "code"]
        constraints = [models.UniqueConstraint(fields=["regency", "code", "year"], name="lke_template_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def as_data(self) -> dict[str, Any]:
        """The template as plain data, in the preset file's shape."""
        sets = {s.code: {"name": s.name, "options": s.options} for s in self.answer_sets.all()}
        components = []
        for c in self.components.prefetch_related("subcomponents__criteria__answer_set"):
            subs = []
            for s in c.subcomponents.all():
                subs.append(
                    {
                        "code": s.code,
                        "name": s.name,
                        "kind": s.kind,
                        "weight": str(s.weight),
                        "criteria": [
                            {
                                "code": k.code,
                                "text": k.text,
                                "guidance": k.guidance,
                                "answers": k.answer_set.code,
                                "weight": str(k.weight),
                            }
                            for k in s.criteria.all()
                        ],
                    }
                )
            components.append({"code": c.code, "name": c.name, "weight": str(c.weight), "subcomponents": subs})
        return {
            "code": self.code,
            "name": self.name,
            "regulation": self.regulation,
            "scale": self.scale,
            "method": self.method,
            "total": str(self.total),
            "answer_sets": sets,
            "components": components,
        }

    def framework(self) -> Framework:
        """The domain framework; `EvaluationError` (with the path of each problem) when it is not valid."""
        return framework_from_dict(self.as_data(), source=f"{self.code} {self.year}")


class AnswerSet(models.Model):
    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="answer_sets", verbose_name=_("LKE (templat)")
    )
    code = models.SlugField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=100)
    options = models.JSONField(
        _("pilihan jawaban"),
        default=list,
        help_text=_('Daftar pilihan: [{"code": "Y", "label": "Ya", "value": "1"}, …]; nilai 0 sampai 1.'),
    )

    class Meta:
        verbose_name = _("jenis jawaban")
        verbose_name_plural = _("jenis jawaban")
        ordering = ["template", "code"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="lke_answer_set_unique")]

    def __str__(self) -> str:
        return self.name


class Component(models.Model):
    template = models.ForeignKey(
        Template, on_delete=models.CASCADE, related_name="components", verbose_name=_("LKE (templat)")
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("komponen"), max_length=200)
    weight = ExactDecimalField(_("bobot"))
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("komponen LKE")
        verbose_name_plural = _("komponen LKE")
        ordering = ["template", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="lke_component_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SubComponent(models.Model):
    component = models.ForeignKey(
        Component, on_delete=models.CASCADE, related_name="subcomponents", verbose_name=_("komponen LKE")
    )
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("subkomponen"), max_length=500)
    kind = models.CharField(_("jenis"), max_length=20, choices=KIND_CHOICES)
    weight = ExactDecimalField(_("bobot"))
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("subkomponen LKE")
        verbose_name_plural = _("subkomponen LKE")
        ordering = ["component", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["component", "code"], name="lke_subcomponent_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Criterion(models.Model):
    subcomponent = models.ForeignKey(
        SubComponent, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("subkomponen LKE")
    )
    code = models.CharField(_("kode"), max_length=20)
    text = models.TextField(_("kriteria"))
    guidance = models.TextField(_("petunjuk"), blank=True)
    answer_set = models.ForeignKey(
        AnswerSet, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("jenis jawaban")
    )
    weight = ExactDecimalField(_("bobot relatif"), default=1)
    order = models.PositiveIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("kriteria LKE")
        verbose_name_plural = _("kriteria LKE")
        ordering = ["subcomponent", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["subcomponent", "code"], name="lke_criterion_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"

    def clean(self) -> None:
        if (
            self.answer_set_id is not None
            and self.subcomponent_id is not None
            and self.answer_set.template_id != self.subcomponent.component.template_id
        ):
            raise ValidationError({"answer_set": _("Jenis jawaban harus dari LKE yang sama dengan kriteria ini.")})


class Evaluation(models.Model):
    class Status(models.TextChoices):
        SELF = "self", _("Penilaian mandiri")
        EVALUATION = "evaluation", _("Evaluasi oleh evaluator")
        FINISHED = "finished", _("Selesai")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("perangkat daerah")
    )
    year = models.PositiveSmallIntegerField(_("tahun yang dievaluasi"))
    template = models.ForeignKey(
        Template, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("LKE (templat)")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SELF)
    summary = models.TextField(_("simpulan evaluator"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diajukan oleh"),
    )
    submitted_at = models.DateTimeField(_("waktu pengajuan"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diselesaikan oleh"),
    )
    finished_at = models.DateTimeField(_("waktu selesai"), null=True, blank=True)
    # the result when finished (kept so that a later edit of the template cannot change a finished score)
    final_score = ExactDecimalField(_("nilai akhir"), null=True, blank=True)
    final_predicate = models.CharField(_("predikat"), max_length=5, blank=True)
    created_at = models.DateTimeField(_("waktu dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluasi SAKIP")
        verbose_name_plural = _("evaluasi SAKIP")
        ordering = ["office", "-year"]
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="one_evaluation_per_office_year")]

    def __str__(self) -> str:
        return f"{self.office} {self.year}"


def evidence_path(instance: Answer, filename: str) -> str:
    ev = instance.evaluation
    return f"lke/{ev.office_id}/{ev.year}/{instance.criterion_id}/{filename}"


class Answer(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="answers", verbose_name=_("evaluasi")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="answers", verbose_name=_("kriteria LKE")
    )
    self_value = models.CharField(_("jawaban mandiri"), max_length=10, blank=True)
    self_note = models.TextField(_("catatan perangkat daerah"), blank=True)
    evidence_link = models.URLField(_("tautan bukti"), max_length=500, blank=True)
    evidence_file = models.FileField(_("berkas bukti"), upload_to=evidence_path, blank=True, max_length=300)
    evidence_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    evaluator_value = models.CharField(_("nilai evaluator"), max_length=10, blank=True)
    evaluator_note = models.TextField(_("catatan evaluator"), blank=True)
    # who chose each side's value (a confirmed proposal and an override are told apart by who and what)
    self_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dijawab oleh"),
    )
    evaluator_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dinilai oleh"),
    )
    # the answer Sakip proposes from its own data (`evidence.propose`): kept beside both sides' answers, so
    # the page and the report tell a confirmed proposal from an overridden one
    proposed_value = models.CharField(_("usulan Sakip"), max_length=10, blank=True)
    proposed_evidence = models.JSONField(_("bukti usulan Sakip"), default=dict, blank=True)
    proposed_at = models.DateTimeField(_("waktu usulan Sakip"), null=True, blank=True)
    updated_at = models.DateTimeField(_("waktu perubahan"), auto_now=True)

    class Meta:
        verbose_name = _("jawaban LKE")
        verbose_name_plural = _("jawaban LKE")
        ordering = [
            "evaluation",
            "criterion__subcomponent__component__order",
            "criterion__subcomponent__order",
            "criterion__order",
            "criterion_id",
        ]
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_answer_per_criterion")]


class GradeDecision(models.Model):
    """The evaluator's grade of a sub-component (88/2021 method) where it differs from the computed one.

    Above the computed grade only A/AA with the qualifier and a note, below only with a reason:
    the rule is `domain.lke_grading.decide_grade`, asked by `services.set_grade` before a write.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="grade_decisions")
    subcomponent = models.ForeignKey(SubComponent, on_delete=models.PROTECT, related_name="grade_decisions")
    grade = models.CharField(_("nilai evaluator"), max_length=2, choices=GRADE_CHOICES)
    qualifier = models.CharField(_("kualifikasi"), max_length=20, choices=QUALIFIER_CHOICES, blank=True)
    note = models.TextField(_("catatan/alasan evaluator"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nilai subkomponen oleh evaluator")
        verbose_name_plural = _("nilai subkomponen oleh evaluator")
        ordering = ["evaluation", "subcomponent__component__order", "subcomponent__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "subcomponent"], name="one_grade_per_subcomponent")
        ]

    def __str__(self) -> str:
        return f"{self.subcomponent.code} {self.grade}"


def follow_up_path(instance: Recommendation, filename: str) -> str:
    ev = instance.evaluation
    return f"lke/{ev.office_id}/{ev.year}/rekomendasi/{instance.pk or 'baru'}/{filename}"


class Recommendation(models.Model):
    class FollowUp(models.TextChoices):
        OPEN = "open", _("Belum ditindaklanjuti")
        IN_PROGRESS = "in_progress", _("Dalam proses")
        DONE = "done", _("Selesai")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("evaluasi")
    )
    component_code = models.CharField(_("komponen"), max_length=20, blank=True)
    # the sub-component it is about (of its evaluation's template; a carried one: the same code in the new one)
    subcomponent = models.ForeignKey(
        SubComponent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recommendations",
        verbose_name=_("subkomponen LKE"),
    )
    text = models.TextField(_("rekomendasi"))
    follow_up_status = models.CharField(
        _("status tindak lanjut"), max_length=20, choices=FollowUp.choices, default=FollowUp.OPEN
    )
    follow_up_note = models.TextField(_("uraian tindak lanjut"), blank=True)
    follow_up_link = models.URLField(_("tautan bukti tindak lanjut"), max_length=500, blank=True)
    follow_up_file = models.FileField(
        _("berkas bukti tindak lanjut"), upload_to=follow_up_path, blank=True, max_length=300
    )
    follow_up_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    follow_up_date = models.DateField(_("tanggal tindak lanjut"), null=True, blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tindak lanjut dicatat oleh"),
    )
    follow_up_at = models.DateTimeField(_("waktu tindak lanjut dicatat"), null=True, blank=True)
    # the evaluator's confirmation of a finished follow-up (cleared when the office changes it)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikonfirmasi oleh"),
    )
    confirmed_at = models.DateTimeField(_("waktu konfirmasi"), null=True, blank=True)
    confirmation_note = models.TextField(_("catatan evaluator atas tindak lanjut"), blank=True)
    # a recommendation carried into a later evaluation points at the ORIGINAL one (never at another carried
    # row), which holds the follow-up: one history per recommendation (`recommendations.py`)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("rekomendasi asal (tahun sebelumnya)"),
    )
    order = models.PositiveIntegerField(_("urutan"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuat oleh"),
    )
    created_at = models.DateTimeField(_("waktu dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("waktu perubahan"), auto_now=True)

    class Meta:
        verbose_name = _("rekomendasi evaluasi")
        verbose_name_plural = _("rekomendasi evaluasi")
        ordering = ["evaluation", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def origin(self) -> Recommendation:
        """The recommendation that holds the follow-up: the original one (itself unless carried)."""
        return self.carried_from or self
