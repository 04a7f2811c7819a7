"""Forms of the plan editor. Numbers in the Indonesian format; formulas checked by the domain."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakip.core.i18n import translate
from sakip.core.versioned_forms import add_version_field
from sakip.core.web import LinesField, NumberField, input_text, parse_target, stored_target_text
from sakip.domain.errors import FormulaError
from sakip.domain.formulas import Formula
from sakip.domain.measurement import Method, Polarity

from .models import ORDINAL_CHOICES, ROLLUP_CHOICES, Goal, Indicator, Objective, PlanPeriod, ProgramNode

CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")
INPUT_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def check_code(value: str) -> str:
    value = value.strip()
    if not CODE_RE.match(value):
        raise forms.ValidationError(_("Kode hanya berisi huruf, angka dan titik, misalnya S1.2 atau 7.01.01.2.01"))
    return value


def check_plan_years(form: forms.BaseForm, data: dict[str, Any]) -> None:
    """A plan period's years (a Renstra, the regency's RPJMD): in order, at most 10 years, within 2000–2100."""
    start, end = data.get("start_year"), data.get("end_year")
    if start is None or end is None:
        return
    if start > end:
        form.add_error("end_year", _("Tahun akhir sebelum tahun awal"))
    elif end - start > 10:
        form.add_error("end_year", _("Periode rencana paling lama 10 tahun"))
    if not 2000 <= start <= 2100:
        form.add_error("start_year", _("Tahun di luar rentang 2000–2100"))


class PlanForm(forms.ModelForm):  # type: ignore[type-arg]
    missions = LinesField(label=gettext_lazy("Misi (satu per baris)"))

    class Meta:
        model = PlanPeriod
        fields = ["kind", "start_year", "end_year", "vision", "missions"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        check_plan_years(self, data)
        return data


class GoalForm(forms.ModelForm):  # type: ignore[type-arg]
    weight = NumberField(label=gettext_lazy("Bobot"))

    class Meta:
        model = Goal
        fields = ["code", "text", "weight"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "code": forms.TextInput(attrs={"size": 8})}

    def __init__(self, *args: Any, plan: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        add_version_field(self)

    def clean_code(self) -> str:
        code = check_code(self.cleaned_data["code"])
        clash = Goal.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Kode %(code)s sudah dipakai tujuan lain") % {"code": code})
        return code

    def clean_weight(self) -> Any:
        w = self.cleaned_data.get("weight")
        if w is None:
            return 1
        if w <= 0:
            raise forms.ValidationError(_("Bobot harus lebih dari 0"))
        return w


class ObjectiveForm(forms.ModelForm):  # type: ignore[type-arg]
    weight = NumberField(label=gettext_lazy("Bobot"))
    strategies = LinesField(label=gettext_lazy("Strategi (satu per baris)"))
    policies = LinesField(label=gettext_lazy("Arah kebijakan (satu per baris)"))

    class Meta:
        model = Objective
        fields = ["code", "goal", "text", "weight", "strategies", "policies"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "code": forms.TextInput(attrs={"size": 8})}

    def __init__(self, *args: Any, plan: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        add_version_field(self)
        self.fields["goal"].queryset = Goal.objects.filter(plan=plan)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = check_code(self.cleaned_data["code"])
        clash = Objective.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Kode %(code)s sudah dipakai sasaran lain") % {"code": code})
        return code

    def clean_weight(self) -> Any:
        w = self.cleaned_data.get("weight")
        if w is None:
            return 1
        if w <= 0:
            raise forms.ValidationError(_("Bobot harus lebih dari 0"))
        return w


class IndicatorForm(forms.ModelForm):  # type: ignore[type-arg]
    """An indicator with its formula inputs, yearly targets and end-of-period target."""

    weight = NumberField(label=gettext_lazy("Bobot"))
    baseline = NumberField(label=gettext_lazy("Baseline"))
    national_standard = NumberField(label=gettext_lazy("Standar nasional"))
    formula_inputs = forms.CharField(
        label=gettext_lazy("Komponen rumus (satu per baris: nama | keterangan | rekap)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "pelanggaran | Jumlah pelanggaran | sum"}),
    )
    end_target = forms.CharField(label=gettext_lazy("Target akhir periode"), required=False)

    class Meta:
        model = Indicator
        fields = [
            "code", "name", "unit", "polarity", "rollup", "method", "baseline", "ordinal_scale", "formula",
            "iku", "weight", "data_source", "responsible_unit", "national_standard", "definition",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 2}), "code": forms.TextInput(attrs={"size": 8})}

    def __init__(self, *args: Any, plan: PlanPeriod, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.locked = locked  # measurements exist: rollup and formula may not change (SPEC §3)
        self.years = list(range(plan.start_year, plan.end_year + 1))
        self.fields["ordinal_scale"].choices = [("", "—"), *ORDINAL_CHOICES]  # type: ignore[attr-defined]
        instance: Indicator = self.instance
        targets = {t.year: t for t in instance.targets.all()} if instance.pk else {}
        for y in self.years:
            self.fields[f"target_{y}"] = forms.CharField(
                label=str(y), required=False, initial=stored_target_text(targets.get(y)),
                widget=forms.TextInput(attrs={"size": 10}),
            )
        if instance.pk:
            self.initial["formula_inputs"] = "\n".join(
                f"{fi.name} | {fi.label} | {fi.rollup}" for fi in instance.inputs.all()
            )
            end = None
            if instance.end_grade:
                end = instance.end_grade
            elif instance.end_low is not None or instance.end_high is not None:
                end = f"{input_text(instance.end_low)} – {input_text(instance.end_high)}"
            elif instance.end_value is not None:
                end = input_text(instance.end_value)
            self.initial["end_target"] = end or ""
        add_version_field(self)

    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"target_{y}"] for y in self.years]

    def clean_code(self) -> str:
        code = check_code(self.cleaned_data["code"])
        clash = Indicator.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Kode %(code)s sudah dipakai indikator lain") % {"code": code})
        return code

    def clean_weight(self) -> Any:
        w = self.cleaned_data.get("weight")
        if w is None:
            return 1
        if w <= 0:
            raise forms.ValidationError(_("Bobot harus lebih dari 0"))
        return w

    def clean_formula_inputs(self) -> list[tuple[str, str, str]]:
        text = self.cleaned_data.get("formula_inputs") or ""
        rollups = {v for v, _label in ROLLUP_CHOICES}
        out: list[tuple[str, str, str]] = []
        errors: list[str] = []
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            name = parts[0]
            label = parts[1] if len(parts) > 1 and parts[1] else name
            rollup = parts[2] if len(parts) > 2 and parts[2] else ""
            if not INPUT_NAME_RE.match(name):
                errors.append(_("Baris %(n)d: nama komponen «%(name)s» hanya huruf kecil, angka dan garis bawah")
                              % {"n": n, "name": name})
            if rollup and rollup not in rollups:
                errors.append(_("Baris %(n)d: rekap «%(r)s» tidak dikenal (pilihan: %(all)s)")
                              % {"n": n, "r": rollup, "all": ", ".join(sorted(rollups))})
            if any(o[0] == name for o in out):
                errors.append(_("Baris %(n)d: komponen «%(name)s» ganda") % {"n": n, "name": name})
            out.append((name, label[:500], rollup))
        if errors:
            raise forms.ValidationError(errors)
        return out

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        polarity = data.get("polarity") or Polarity.HIGHER_IS_BETTER.value
        ordinal = data.get("ordinal_scale") or ""
        if polarity == Polarity.QUALITATIVE.value and not ordinal:
            self.add_error("ordinal_scale", _("Indikator kualitatif memerlukan skala predikat"))
        if polarity != Polarity.QUALITATIVE.value and ordinal:
            data["ordinal_scale"] = ""
        if data.get("method") == Method.BASELINE.value and data.get("baseline") is None:
            self.add_error("baseline", _("Metode kemajuan dari baseline memerlukan nilai baseline"))
        expression = (data.get("formula") or "").strip()
        data["formula"] = expression
        inputs = data.get("formula_inputs") or []
        if expression:
            if polarity == Polarity.QUALITATIVE.value:
                self.add_error("formula", _("Indikator kualitatif tidak memakai rumus"))
            elif not inputs:
                self.add_error("formula_inputs", _("Sebutkan komponen rumus"))
            else:
                try:
                    Formula(data.get("code") or "?", expression, {n for n, _l, _r in inputs})
                except FormulaError as exc:
                    where = _(" (komponen «%(name)s»)") % {"name": exc.input_name} if exc.input_name else ""
                    self.add_error("formula", _("Rumus tidak valid%(where)s: %(message)s")
                                   % {"where": where, "message": translate(exc.detail)})
        elif inputs and "formula_inputs" not in self.errors:
            self.add_error("formula", _("Komponen rumus diisi tetapi rumusnya kosong"))
        if self.locked and self.instance.pk:
            old: Indicator = Indicator.objects.get(pk=self.instance.pk)
            old_inputs = [(fi.name, fi.rollup) for fi in old.inputs.all()]
            new_inputs = [(n, r or data.get("rollup") or old.rollup) for n, _l, r in inputs]
            message = _(
                "Tidak dapat diubah: indikator ini sudah memiliki data pengukuran. Rekap triwulan dan rumus "
                "hanya dapat diubah melalui migrasi data yang tercatat (SPEC §3)."
            )
            if data.get("rollup") and data["rollup"] != old.rollup:
                self.add_error("rollup", message)
            if expression != old.formula:
                self.add_error("formula", message)
            elif [n for n, _r in new_inputs] != [n for n, _r in old_inputs] or (
                expression and new_inputs != old_inputs
            ):
                self.add_error("formula_inputs", message)
            if data.get("polarity") and data["polarity"] != old.polarity:
                self.add_error("polarity", _(
                    "Polaritas tidak dapat diubah karena indikator ini sudah memiliki data pengukuran."
                ))
        targets: dict[int, dict[str, Any] | None] = {}
        for y in self.years:
            text = data.get(f"target_{y}") or ""
            try:
                targets[y] = parse_target(text, polarity, ordinal, f"target {y}")
            except forms.ValidationError as exc:
                self.add_error(f"target_{y}", exc)
        data["targets"] = targets
        try:
            data["end"] = parse_target(data.get("end_target") or "", polarity, ordinal, "target akhir")
        except forms.ValidationError as exc:
            self.add_error("end_target", exc)
        return data


class ProgramForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ProgramNode
        fields = ["level", "parent", "code", "name", "objectives"]
        widgets = {"objectives": forms.CheckboxSelectMultiple, "code": forms.TextInput(attrs={"size": 18})}

    def __init__(self, *args: Any, plan: PlanPeriod, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        add_version_field(self)
        parents = ProgramNode.objects.filter(plan=plan).exclude(level=ProgramNode.Level.SUB_ACTIVITY)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["objectives"].queryset = Objective.objects.filter(plan=plan)  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = check_code(self.cleaned_data["code"])
        clash = ProgramNode.objects.filter(plan=self.plan, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Kode %(code)s sudah dipakai") % {"code": code})
        return code

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        level, parent = data.get("level"), data.get("parent")
        if level == ProgramNode.Level.PROGRAM and parent is not None:
            self.add_error("parent", _("Program tidak memiliki induk"))
        if level != ProgramNode.Level.PROGRAM and parent is None:
            self.add_error("parent", _("Kegiatan dan sub kegiatan memerlukan induk"))
        return data
