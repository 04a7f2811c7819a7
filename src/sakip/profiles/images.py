"""The profile's images (the office's and the regency's logos, the achievement photos): checked, re-encoded, stored.

An upload is trusted for nothing but its bytes: Pillow must recognise them as one of `FORMATS`
(never the file name or the browser's content type), at most `MAX_FILE_BYTES`, at most
`MAX_SIDE` pixels a side and `MAX_PIXELS` in all (a decompression bomb is refused before it is
decoded), at least `MIN_SIDE`. The image is then decoded, turned upright (EXIF orientation) and
written anew — PNG when it has transparency or is a PNG/GIF, else JPEG; scaled down to
`STORED_SIDE` pixels on its longer side — so no metadata (EXIF, GPS, comments; only the colour
profile is kept) and nothing else hidden in the file survives. It is stored through Django's
storage as ``profile/<office id>/<random>.<ext>``: a name nobody can guess, and it is served only
by `views.profile_file` to users who may see the office (MEDIA is not served publicly).

A bundle's image (`core.bundle`) is checked the same way but stored byte for byte (`check`
without re-encoding): it was re-encoded when first uploaded, and the round trip keeps it exact.
"""

from __future__ import annotations

import contextlib
import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from sakip.dataset.profile import MAX_FILE_BYTES

#: Pillow's format name → the stored file's extension and media type
FORMATS: dict[str, tuple[str, str]] = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
MEDIA_TYPES = {ext: media for ext, media in FORMATS.values()}
MAX_SIDE = 6000
#: an upload larger than this on its longer side is scaled down (the documents print a photo 12 cm wide: 1600 px is
#: over 300 dpi there), which keeps the documents small and quick to write
STORED_SIDE = 1600
MIN_SIDE = 16
MAX_PIXELS = 24_000_000
JPEG_QUALITY = 88
PREFIX = "profile"


def _mb() -> int:
    return MAX_FILE_BYTES // (1024 * 1024)


def check(data: bytes) -> str:
    """The Pillow format of an acceptable image's bytes; `ValidationError` (Indonesian) otherwise."""
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError(_("Gambar lebih besar dari %(n)d MB.") % {"n": _mb()}, code="size")
    try:
        with Image.open(io.BytesIO(data)) as im:
            fmt = im.format or ""
            width, height = im.size
            if fmt not in FORMATS:
                raise ValidationError(_("Berkas bukan gambar PNG, JPEG, GIF atau WebP."), code="type")
            if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
                raise ValidationError(
                    _("Gambar %(w)d×%(h)d piksel terlalu besar (paling besar %(m)d piksel per sisi).")
                    % {"w": width, "h": height, "m": MAX_SIDE}, code="dimensions")
            if width < MIN_SIDE or height < MIN_SIDE:
                raise ValidationError(
                    _("Gambar %(w)d×%(h)d piksel terlalu kecil (paling kecil %(m)d piksel per sisi).")
                    % {"w": width, "h": height, "m": MIN_SIDE}, code="dimensions")
            im.verify()
        with Image.open(io.BytesIO(data)) as im:  # verify() leaves the image unusable; decode it fully once
            im.load()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("Berkas bukan gambar yang dapat dibaca."), code="type") from None
    return fmt


def reencode(data: bytes) -> tuple[bytes, str]:
    """The checked image written anew without metadata: (bytes, extension)."""
    fmt = check(data)
    with Image.open(io.BytesIO(data)) as src:
        im = ImageOps.exif_transpose(src) or src
        transparent = im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)
        icc = im.info.get("icc_profile")  # the colours' meaning is kept; nothing else of the source's metadata
        out = io.BytesIO()
        png = fmt in ("PNG", "GIF") or transparent
        clean = im.convert("RGBA" if transparent else "RGB")
        if max(clean.size) > STORED_SIDE:
            clean.thumbnail((STORED_SIDE, STORED_SIDE), Image.Resampling.LANCZOS)
        clean.info = {}  # no comment, EXIF, XMP or text chunk is written again
        extra = {"icc_profile": icc} if icc else {}
        if png:
            clean.save(out, "PNG", optimize=True, **extra)
            return out.getvalue(), "png"
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **extra)
        return out.getvalue(), "jpg"


def new_name(office_id: int, ext: str) -> str:
    return f"{PREFIX}/{office_id}/{secrets.token_urlsafe(18)}.{ext}"


def store(office_id: int, data: bytes, ext: str) -> str:
    """Store the bytes under a new random name of the office; the name stored."""
    return default_storage.save(new_name(office_id, ext), ContentFile(data))


def store_upload(office_id: int, data: bytes) -> str:
    """Check, re-encode and store an uploaded image; the stored name."""
    encoded, ext = reencode(data)
    return store(office_id, encoded, ext)


def owned(office_id: int, name: str) -> bool:
    """Whether a stored name is one of the office's profile files (a plain name under its folder)."""
    head = f"{PREFIX}/{office_id}/"
    rest = name[len(head):]
    return name.startswith(head) and bool(rest) and "/" not in rest and "\\" not in rest and ".." not in rest


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")


def delete(name: str) -> None:
    """Remove a stored file nothing refers to any more (a missing file is no error)."""
    with contextlib.suppress(OSError):
        default_storage.delete(name)
