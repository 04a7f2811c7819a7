"""Images for the profile tests: real PNG/JPEG bytes made with Pillow, and a logo stored for an office."""

from __future__ import annotations

import io

from PIL import Image

from sakip.accounts.models import Office


def png(width: int = 40, height: int = 30, color: tuple[int, int, int] = (0, 90, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buf, "PNG")
    return buf.getvalue()


def jpeg_with_exif(width: int = 64, height: int = 48) -> bytes:
    """A JPEG carrying EXIF (camera, GPS position, orientation 6: to be turned upright)."""
    im = Image.new("RGB", (width, height), (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    exif[0x8825] = {1: "S", 2: (7.0, 18.0, 0.0)}  # GPSInfo
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif.tobytes(), comment=b"lokasi rahasia")
    return buf.getvalue()


def stored_logo(office: Office) -> str:
    """Give ``office`` a stored logo (through `images.store`); its file name as the serving URL takes it."""
    from sakip.profiles import images
    from sakip.profiles.models import OfficeProfile

    row, _ = OfficeProfile.objects.get_or_create(office=office)
    if not row.logo:
        row.logo = images.store_upload(office.pk, png())
        row.save()
    return row.logo.name.rsplit("/", 1)[1]
