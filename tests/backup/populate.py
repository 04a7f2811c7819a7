"""Fill a fresh instance for the backup tests (run in a subprocess: ``python -m tests.backup.populate``).

The database comes from ``DATABASE_URL`` or the SQLite file under ``SAKIP_DATA_DIR``; the files
go to its MEDIA_ROOT. It holds: every table ``migrate`` creates, the demo regency (three
offices, a user per role, the workflow's states and log, the audit trail of all of it),
evidence uploaded by an operator through the real quarterly entry page (who entered the
realisation and uploaded the file, sign-in and session rows), an LKE evaluation with its
evidence and follow-up files, a survey questionnaire file and a batch of generated documents.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakip.web.settings")

import django

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

PDF = b"%PDF-1.4\n% bukti dukung realisasi\n" + bytes(range(256)) * 8
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(255, -1, -1)) * 4


def upload_evidence(office_code: str, year: int, quarter: int) -> int:
    """The office's operator enters a realisation with an evidence file for each of two PK indicators."""
    from sakip.agreements.models import PkVersion
    from sakip.core.demo import DEMO_PASSWORD

    version = PkVersion.objects.filter(office__code=office_code, year=year).order_by("-number").first()
    assert version is not None
    targets = [t for t in version.targets.select_related("indicator").order_by("order")
               if t.value is not None and not t.indicator.formula][:2]
    client = Client()
    assert client.login(username=f"operator-{office_code}", password=DEMO_PASSWORD)
    data: dict[str, object] = {}
    for i, t in enumerate(targets):
        pk = t.indicator.pk
        data[f"v-{pk}"] = format(t.value, "f").replace(".", ",")
        data[f"e-{pk}"] = "Sesuai target; bukti terlampir."
        name, content = (("laporan triwulan é.pdf", PDF) if i == 0 else ("foto kegiatan.png", PNG))
        data[f"f-{pk}"] = SimpleUploadedFile(name, content)
    response = client.post(reverse("quarter-entry", args=[office_code, year, quarter]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(targets)


def main() -> None:
    call_command("migrate", interactive=False, verbosity=0)
    if "--migrate-only" in sys.argv:
        return
    from sakip.accounts.models import Office, Regency
    from sakip.core.demo import setup_demo
    from sakip.surveys.models import Survey
    from tests.documents.support import finished_job
    from tests.evaluation.support import make_evaluation

    setup_demo()
    regency = Regency.objects.get(code="demo")
    uploaded = upload_evidence("kaloran", 2020, 1) + upload_evidence("kaliwates", 2020, 2)
    assert uploaded == 4, uploaded
    make_evaluation(Office.objects.get(code="kaloran"), 2020)
    survey = Survey.objects.filter(office__code="kaliwates").first()
    assert survey is not None
    survey.source_file.save("kuesioner skm.csv", ContentFile(b"u1;u2;u3\n4;3;4\n3;3;4\n"), save=True)
    finished_job(regency)


if __name__ == "__main__":
    main()
