"""Forms of the RPJMD editor and of an office's links to it. Numbers in the Indonesian format."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakip.accounts.models import Office
from sakip.core.concurrency import token
from sakip.core.i18n import error_text
from sakip.core.versioned_forms import VERSION_FIELD, add_version_field
from sakip.core.web import LinesField, NumberField
from sakip.domain.cascade import Computation
from sakip.domain.errors import FormulaError
from sakip.domain.formulas import Formula
from sakip.planning.forms import check_code, check_plan_years

from .models import RegencyIndicator, Rpjmd, RpjmdGoal, RpjmdObjective, year_decimals

INPUT_LINE_RE = re.compile(r"^([a-z_][a-z0-9_]*)\s*(?:[:=]\s*(.*))?$")


class StaleEdit(Exception):
    """The row changed since the page was loaded (another person saved it): nothing is stored (409)."""


def check_version(form: forms.ModelForm) -> None:  # type: ignore[type-arg]
    """Refuse (`StaleEdit`) a save of a row whose version changed since the page showed it (read under a row lock)."""
    instance = form.instance
    if instance.pk is None:
        return
    stored = type(instance)._default_manager.select_for_update().filter(pk=instance.pk).first()
    sent = form.cleaned_data.get(VERSION_FIELD) or form.data.get(form.add_prefix(VERSION_FIELD))
    if stored is None or (sent and sent != token(stored)):
        raise StaleEdit


class RpjmdForm(forms.ModelForm):  # type: ignore[type-arg]
    missions = LinesField(label=gettext_lazy("Misi (satu per baris)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_version_field(self)

    class Meta:
        model = Rpjmd
        fields = ["start_year", "end_year", "legal_basis", "vision", "missions", "note"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 2}), "note": forms.Textarea(attrs={"rows": 2})}

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        check_plan_years(self, data)
        return data


class _CodedForm(forms.ModelForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, rpjmd: Rpjmd, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rpjmd = rpjmd
        add_version_field(self)

    def clean_code(self) -> str:
        code = check_code(self.cleaned_data["code"])
        model = self._meta.model
        if model._default_manager.filter(rpjmd=self.rpjmd, code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Kode %(code)s sudah dipakai") % {"code": code})
        return code


class GoalForm(_CodedForm):
    class Meta:
        model = RpjmdGoal
        fields = ["code", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "code": forms.TextInput(attrs={"size": 8})}


class ObjectiveForm(_CodedForm):
    class Meta:
        model = RpjmdObjective
        fields = ["goal", "code", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "code": forms.TextInput(attrs={"size": 8})}

    def __init__(self, *args: Any, rpjmd: Rpjmd, **kwargs: Any) -> None:
        super().__init__(*args, rpjmd=rpjmd, **kwargs)
        self.fields["goal"].queryset = RpjmdGoal.objects.filter(rpjmd=rpjmd)  # type: ignore[attr-defined]


class IndicatorForm(_CodedForm):
    """An IKU Pemda: one target field per year of the RPJMD; the formula checked by the domain."""

    baseline = NumberField(label=gettext_lazy("Kondisi awal (baseline)"))
    end_target = NumberField(label=gettext_lazy("Target akhir periode"))
    input_lines = forms.CharField(
        label=gettext_lazy("Komponen rumus (satu per baris: nama: keterangan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = RegencyIndicator
        fields = [
            "objective", "code", "name", "unit", "polarity", "rollup", "method", "baseline", "end_target",
            "computation", "formula", "aggregation", "responsible_offices", "definition",
        ]
        widgets = {
            "definition": forms.Textarea(attrs={"rows": 2}),
            "code": forms.TextInput(attrs={"size": 10}),
            "responsible_offices": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, rpjmd: Rpjmd, **kwargs: Any) -> None:
        super().__init__(*args, rpjmd=rpjmd, **kwargs)
        self.fields["objective"].queryset = RpjmdObjective.objects.filter(rpjmd=rpjmd)  # type: ignore[attr-defined]
        self.fields["responsible_offices"].queryset = (  # type: ignore[attr-defined]
            Office.objects.filter(regency_id=rpjmd.regency_id).order_by("name")
        )
        targets = year_decimals(self.instance.targets) if self.instance.pk else {}
        for year in rpjmd.years():
            self.fields[f"target_{year}"] = NumberField(
                label=_("Target %(year)s") % {"year": year}, initial=targets.get(year)
            )
        if self.instance.pk and not self.is_bound:
            self.initial["input_lines"] = "\n".join(
                f"{i['name']}: {i.get('label', '')}".rstrip(": ") for i in self.instance.inputs if isinstance(i, dict)
            )

    def target_fields(self) -> list[forms.BoundField]:
        return [self[f"target_{y}"] for y in self.rpjmd.years()]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if not name.startswith("target_") and name != VERSION_FIELD]

    def clean_input_lines(self) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for line in str(self.cleaned_data.get("input_lines") or "").splitlines():
            line = line.strip()
            if not line:
                continue
            m = INPUT_LINE_RE.match(line)
            if m is None:
                raise forms.ValidationError(
                    _("Baris «%(line)s»: nama komponen huruf kecil, angka dan garis bawah, mis. kasus_selesai")
                    % {"line": line}
                )
            out.append({"name": m.group(1), "label": (m.group(2) or "").strip()})
        return out

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        computation = data.get("computation")
        if computation == Computation.FORMULA.value:
            names = {i["name"] for i in data.get("input_lines") or []}
            try:
                Formula(data.get("code") or "-", data.get("formula") or "", names)
            except FormulaError as exc:
                self.add_error("formula", error_text(exc))
        elif computation == Computation.AGGREGATE.value and not data.get("aggregation"):
            self.add_error("aggregation", _("Pilih cara agregasi: rata-rata, jumlah, terendah atau tertinggi."))
        return data

    def save(self, commit: bool = True) -> RegencyIndicator:
        ri: RegencyIndicator = super().save(commit=False)
        ri.rpjmd = self.rpjmd
        ri.inputs = self.cleaned_data.get("input_lines") or []
        targets: dict[str, str] = {}
        for year in self.rpjmd.years():
            value = self.cleaned_data.get(f"target_{year}")
            if isinstance(value, Decimal):
                targets[str(year)] = format(value, "f")
        ri.targets = targets
        if ri.computation != Computation.FORMULA.value:
            ri.formula, ri.inputs = "", []
        if ri.computation != Computation.AGGREGATE.value:
            ri.aggregation = ""
        if commit:
            ri.save()
            self.save_m2m()
        return ri
