"""Backup and restore round trip: `.venv/bin/python benchmarks/backup_roundtrip.py [--databases sqlite,postgres]`.

For each database a source instance (a data folder and a database: SQLite in the folder,
or a database of its own in a throwaway PostgreSQL cluster started with `.ci/testrun.py`'s
``postgres_cluster``) is filled as the backup tests fill it (`tests/backup/populate.py`:
the demo regency, evidence uploaded through the quarterly entry page, LKE files, a
questionnaire file, a batch of generated documents, the audit trail of all of it) —
optionally with ``--offices N`` generated offices on top (`sakip.core.generate`) and
``--evidence-mb M`` evidence files of 1 MB of random bytes for Kaloran. Then,
each as an operator would run it, in a subprocess:

* ``sakip backup`` — seconds and the archive's size;
* ``sakip restore`` into an empty instance — seconds; then every row of every table (and
  on PostgreSQL every sequence) and every file under MEDIA_ROOT of the two instances are
  compared, read without Django (`tests/backup/support.Instance`);
* ``sakip office export kaloran -o kaloran.zip`` and ``sakip office import`` of that
  bundle into another empty instance (``migrate`` and one regency) — seconds, size, and
  the evidence files compared byte for byte.

Prints one line per step and database; ``--json FILE`` writes every figure.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REGENCY = (
    "import django; django.setup()\n"
    "from sakip.accounts.models import Regency\n"
    "Regency.objects.create(code='baru', name='Kabupaten Baru', province='Jawa Tengah')\n"
)
EVIDENCE = (
    "import os, sys, django; django.setup()\n"
    "from django.core.files.base import ContentFile\n"
    "from sakip.monitoring.models import Evidence, IndicatorYear\n"
    "years = list(IndicatorYear.objects.filter(indicator__plan__office__code='kaloran', year=2020))\n"
    "for i in range(int(sys.argv[1])):\n"
    "    data = b'%PDF-1.4\\n' + os.urandom(1024 * 1024 - 9)\n"
    "    Evidence.objects.create(indicator_year=years[i % len(years)], quarter=1 + i % 4, name=f'bukti-{i}.pdf',\n"
    "                            file=ContentFile(data, name=f'bukti-{i}.pdf'), content_type='application/pdf',\n"
    "                            size=len(data))\n"
)
GENERATE = (
    "import sys, django; django.setup()\n"
    "from sakip.core.generate import Size, generate_regency\n"
    "generate_regency('uji', Size(offices=int(sys.argv[1])))\n"
)


def say(message: str) -> None:
    print(f"[backup] {message}", flush=True)


def testrun() -> Any:
    """.ci/testrun.py as a module (its throwaway PostgreSQL cluster)."""
    spec = importlib.util.spec_from_file_location("sakip_testrun", ROOT / ".ci" / "testrun.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def database(vendor: str) -> Iterator[None]:
    """``DATABASE_URL`` for the instances: unset (SQLite files) or a throwaway cluster."""
    if vendor == "sqlite":
        os.environ.pop("DATABASE_URL", None)
        yield
        return
    with testrun().postgres_cluster() as url:
        os.environ["DATABASE_URL"] = url
        try:
            yield
        finally:
            os.environ.pop("DATABASE_URL", None)


def timed(instance: Any, *args: str) -> tuple[float, Any]:
    started = time.monotonic()
    done = instance.sakip(*args)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"sakip {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return seconds, done


def run(vendor: str, offices: int, evidence_mb: int, base: Path) -> dict[str, Any]:
    import importlib

    support = importlib.import_module("tests.backup.support")
    support = importlib.reload(support)  # VENDOR and CLUSTER_URL are read from DATABASE_URL on import
    figures: dict[str, Any] = {"database": vendor, "generated_offices": offices, "evidence_mb": evidence_mb}
    with support.new_instance(base, f"sumber-{vendor}") as source:
        started = time.monotonic()
        source.populate()
        if offices:
            source.run("-c", GENERATE, str(offices), check=True)
        if evidence_mb:
            source.run("-c", EVIDENCE, str(evidence_mb), check=True)
        figures["populate_s"] = round(time.monotonic() - started, 2)
        archive = base / f"cadangan-{vendor}.tar.gz"
        seconds, done = timed(source, "backup", "-o", str(archive), "--json")
        report = json.loads(done.stdout)
        figures.update(backup_s=round(seconds, 2), backup_service_s=report["seconds"],
                       archive_bytes=archive.stat().st_size)
        say(f"{vendor}: backup {seconds:.2f} s, archive {archive.stat().st_size / 1e6:.2f} MB")
        with support.new_instance(base, f"pulih-{vendor}") as target:
            seconds, done = timed(target, "restore", str(archive), "--json")
            figures.update(restore_s=round(seconds, 2), restore_service_s=json.loads(done.stdout)["seconds"])
            want, got = source.rows(), target.rows()
            files = source.files()
            same_rows, same_files = want == got, files == target.files()
            tables = {k: v for k, v in want.items() if not k.startswith("sequence ")}
            figures.update(tables=len(tables), rows=sum(map(len, tables.values())), sequences=len(want) - len(tables),
                           files=len(files), file_bytes=sum(map(len, files.values())),
                           rows_equal=same_rows, files_equal=same_files,
                           differences=support.differences(want, got))
            say(f"{vendor}: restore {seconds:.2f} s; {figures['tables']} tables, {figures['rows']} rows "
                f"{'equal' if same_rows else 'DIFFERENT'}; {len(files)} files "
                f"({figures['file_bytes']} bytes) {'equal' if same_files else 'DIFFERENT'}")
        bundle = base / f"kaloran-{vendor}.zip"
        seconds, _done = timed(source, "office", "export", "kaloran", "-o", str(bundle))
        figures.update(bundle_export_s=round(seconds, 2), bundle_bytes=bundle.stat().st_size)
        with support.new_instance(base, f"paket-{vendor}") as target:
            target.populate("--migrate-only")
            target.run("-c", REGENCY, check=True)
            seconds, _done = timed(target, "office", "import", str(bundle))
            with zipfile.ZipFile(bundle) as z:
                shipped = sorted(hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()
                                 if n.startswith("evidence/"))
            stored = sorted(hashlib.sha256(data).hexdigest() for name, data in target.files().items()
                            if name.startswith("evidence/"))
            figures.update(bundle_import_s=round(seconds, 2), bundle_files=len(shipped),
                           bundle_files_equal=shipped == stored)
            same = "equal" if shipped == stored else "DIFFERENT"
            say(f"{vendor}: office bundle {bundle.stat().st_size / 1e3:.1f} kB, export {figures['bundle_export_s']} s, "
                f"import {seconds:.2f} s; {len(shipped)} evidence files {same}")
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--offices", type=int, default=0, help="generated offices added to the demo data")
    parser.add_argument("--evidence-mb", type=int, default=0,
                        help="evidence files of 1 MB (incompressible, as PDFs and photos are) added to Kaloran's 2020")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="sakip-backup-bench-") as tmp:
        for vendor in [d.strip() for d in args.databases.split(",") if d.strip()]:
            if vendor not in ("sqlite", "postgres"):
                raise SystemExit(f"unknown database {vendor!r}")
            with database(vendor):
                results.append(run("postgresql" if vendor == "postgres" else "sqlite", args.offices,
                                   args.evidence_mb, Path(tmp) / vendor))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    ok = all(r["rows_equal"] and r["files_equal"] and r["bundle_files_equal"] for r in results)
    say("every row and file equal" if ok else "DIFFERENCES FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
