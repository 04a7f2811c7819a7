"""The profile's forms: lists one item a line, table rows as ``a | b | c`` lines (stored in the dataset's shapes)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from sakip.dataset.profile import MAX_FILE_BYTES

from . import images
from .models import OfficeProfile, YearProfile

SEP = "|"


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]


def _cells(line: str, n: int) -> list[str]:
    parts = [p.strip() for p in line.split(SEP)]
    return (parts + [""] * n)[:n] if len(parts) <= n else parts


def _count(text: str, line_no: int) -> int | None:
    if not text:
        return None
    digits = text.replace(".", "").replace(" ", "")
    if not digits.isdigit():
        raise ValidationError(_("baris %(n)d: '%(v)s' bukan bilangan bulat") % {"n": line_no, "v": text})
    return int(digits)


def _table_text(rows: list[dict[str, Any]], keys: tuple[str, ...]) -> str:
    return "\n".join(" | ".join("" if r.get(k) is None else str(r.get(k)) for k in keys) for r in rows)


class LinesField(forms.CharField):
    """A list of texts, one a line."""

    widget = forms.Textarea(attrs={"rows": 5})

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        return _lines(str(value or ""))


class TableField(forms.CharField):
    """Rows of a table, one a line, cells separated by ``|``; ``parse`` makes each row's object."""

    widget = forms.Textarea(attrs={"rows": 6})

    def __init__(self, keys: tuple[str, ...], numbers: tuple[str, ...] = (), required_key: str = "", **kwargs: Any):
        self.keys, self.numbers, self.required_key = keys, numbers, required_key
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return _table_text(value, self.keys) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[dict[str, Any]]:  # type: ignore[override]
        rows = []
        for i, line in enumerate(_lines(str(value or "")), start=1):
            cells = _cells(line, len(self.keys))
            if len(cells) > len(self.keys):
                raise ValidationError(
                    _("baris %(n)d: paling banyak %(k)d kolom dipisah '|'") % {"n": i, "k": len(self.keys)}
                )
            row: dict[str, Any] = {}
            for key, cell in zip(self.keys, cells, strict=True):
                v: Any = _count(cell, i) if key in self.numbers else cell
                if v not in (None, ""):
                    row[key] = v
            if self.required_key and self.required_key not in row:
                raise ValidationError(_("baris %(n)d: kolom pertama wajib diisi") % {"n": i})
            rows.append(row)
        return rows


class ImageUploadField(forms.FileField):
    """An uploaded image, checked and re-encoded by `images.reencode`: cleans to ``(bytes, extension)`` or None."""

    widget = forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        f = super().clean(data, None)
        if not f:
            return None
        if (getattr(f, "size", None) or 0) > MAX_FILE_BYTES:  # before reading it
            raise ValidationError(_("Gambar lebih besar dari %(n)d MB.") % {"n": MAX_FILE_BYTES // (1024 * 1024)})
        return images.reencode(f.read(MAX_FILE_BYTES + 1))


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    units = TableField(
        ("name", "parent", "head_position", "head_name"), required_key="name", label=_("Unit organisasi"),
        help_text=_("Satu unit per baris: nama | unit induk (kosong: langsung di bawah pimpinan) | jabatan kepala | "
                    "nama kepala"),
    )
    tasks = LinesField(label=_("Tugas"), help_text=_("Satu butir per baris."))
    functions = LinesField(label=_("Fungsi"), help_text=_("Satu butir per baris."))
    legal_basis = LinesField(label=_("Dasar hukum"), help_text=_("Satu peraturan per baris, berurutan."))
    logo = ImageUploadField(label=_("Logo perangkat daerah"),
                            help_text=_("PNG, JPEG, GIF atau WebP, paling besar 5 MB; dipakai pada sampul dan kop."))
    remove_logo = forms.BooleanField(label=_("Hapus logo perangkat daerah"), required=False)
    regency_logo = ImageUploadField(label=_("Logo pemerintah daerah"),
                                    help_text=_("Dipakai pada sampul dan kop bila logo perangkat daerah tidak ada."))
    remove_regency_logo = forms.BooleanField(label=_("Hapus logo pemerintah daerah"), required=False)

    class Meta:
        model = OfficeProfile
        fields = [
            "official_name", "address", "telephone", "email", "website", "capital", "region_head_name",
            "region_head_title", "units", "tasks", "functions", "legal_basis",
        ]

    def clean_units(self) -> list[dict[str, Any]]:
        units: list[dict[str, Any]] = self.cleaned_data["units"]
        names = [u["name"] for u in units]
        for u in units:
            if names.count(u["name"]) > 1:
                raise ValidationError(_("Unit '%(u)s' tertulis dua kali.") % {"u": u["name"]})
            if u.get("parent") and u["parent"] not in names:
                raise ValidationError(_("Unit induk '%(p)s' tidak ada dalam daftar.") % {"p": u["parent"]})
            if u.get("parent") == u["name"]:
                raise ValidationError(_("Unit '%(u)s' tidak boleh menjadi induk dirinya.") % {"u": u["name"]})
        return units


class YearProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    staff = TableField(
        ("count", "rank", "education", "gender", "position"), numbers=("count",), required_key="count",
        label=_("Pegawai"),
        help_text=_("Satu kelompok per baris: jumlah | golongan | pendidikan | jenis kelamin | jabatan"),
    )
    facilities = TableField(
        ("name", "count", "condition"), numbers=("count",), required_key="name", label=_("Sarana dan prasarana"),
        help_text=_("Satu jenis per baris: nama | jumlah | kondisi"),
    )
    villages = TableField(
        ("name", "kind", "head", "population"), numbers=("population",), required_key="name",
        label=_("Desa/kelurahan (kecamatan)"),
        help_text=_("Satu per baris: nama | desa atau kelurahan | kepala desa/lurah | jumlah penduduk"),
    )

    class Meta:
        model = YearProfile
        fields = ["staff", "facilities", "villages"]

    def clean_villages(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.cleaned_data["villages"]
        for r in rows:
            kind = str(r.get("kind", "desa")).lower()
            if kind not in ("desa", "kelurahan"):
                raise ValidationError(_("'%(k)s': tulis desa atau kelurahan.") % {"k": r.get("kind")})
            r["kind"] = kind
        return rows


class PhotoForm(forms.Form):
    """A new achievement photo of the year: the image and its caption."""

    image = ImageUploadField(label=_("Foto"), required=True,
                             help_text=_("PNG, JPEG, GIF atau WebP, paling besar 5 MB; data EXIF/lokasi dibuang."))
    caption = forms.CharField(label=_("Keterangan foto"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_caption(self) -> str:
        return " ".join(strip_tags(self.cleaned_data["caption"]).split())
