"""The imports app's part of the right to erasure: rows an import staged for the person (waiting for a
commit), the values rejected rows copied from a file, and uploaded files that still hold the person.
Imports are not in the export: what they brought in is in the customer's record and transactions, and
the source systems' ids are in the sales section (docs/gdpr.md)."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from django.db.models import Q, TextField
from django.db.models.functions import Cast, Lower

from lojal.core.data_subject import DataSubject
from lojal.imports.models import ImportJob, ImportRejection, StagedRow, StagedTransaction
from lojal.imports.retention import FINISHED, file_kept, import_file_delete

logger = logging.getLogger(__name__)
_CHUNK = 1 << 20


def _needles(subject: DataSubject) -> list[str]:
    """Values that, found in a staged row or a file, tie it to the person: addresses, numbers, phones."""
    return sorted(
        value.casefold() for value in (*subject.emails, *subject.phones, *subject.national_ids) if value
    )


def _staged_rows(subject: DataSubject, needles: list[str]) -> Q:
    mentions = Q()
    for needle in needles:
        mentions |= Q(data_text__contains=needle)
    alt_keys = [
        f"{country}:{number}" for number in subject.national_ids for country in ("SE", "NO", "DK", "FI")
    ]
    return Q(target_id__in=subject.customer_ids) | Q(alt_key__in=alt_keys) | mentions


def _file_mentions(path: Path, needles: list[bytes]) -> bool:
    """Whether an uploaded CSV (read as bytes) or XLSX (its shared strings and sheets) holds one of
    ``needles``; read in chunks, never whole."""
    if not needles:
        return False
    longest = max(len(needle) for needle in needles)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".xml") and _stream_mentions(archive.open(name), needles, longest):
                        return True
            return False
        with path.open("rb") as stream:
            return _stream_mentions(stream, needles, longest)
    except (OSError, zipfile.BadZipFile):
        logger.warning("Could not read the import file %s for an erasure", path, exc_info=True)
        return False


def _stream_mentions(stream: object, needles: list[bytes], longest: int) -> bool:
    tail = b""
    read = stream.read  # type: ignore[attr-defined]
    while chunk := read(_CHUNK):
        window = (tail + chunk).lower()
        if any(needle in window for needle in needles):
            return True
        tail = window[-longest:]
    return False


def imports_erase(subject: DataSubject, *, actor: object) -> dict[str, int]:
    """Delete the rows imports staged for the person, blank the values rejected rows copied from a file
    when they are the person's, and delete the uploaded files of finished imports that hold the person
    (they would be deleted after LOJAL_IMPORT_KEEP_DAYS anyway; the jobs and their counts stay). The
    file of an import still to be committed stays: the person's rows are gone from its staging, so the
    commit cannot bring them back; a new check of that file would (docs/gdpr.md)."""
    needles = _needles(subject)
    staged = StagedRow.objects.annotate(data_text=Lower(Cast("data", TextField())))
    staged_ids = list(staged.filter(_staged_rows(subject, needles)).values_list("pk", flat=True))
    jobs = set(StagedRow.objects.filter(pk__in=staged_ids).values_list("job_id", flat=True))
    counts = {"staged_rows": StagedRow.objects.filter(pk__in=staged_ids).delete()[0]}
    counts["staged_transactions"] = (
        StagedTransaction.objects.filter(customer_id__in=subject.customer_ids)
        .exclude(attributes={})
        .update(attributes={})
    )
    rejections = Q(value_lower__in=sorted(subject.identifiers))
    for needle in needles:
        rejections |= Q(value_lower__contains=needle)
    rejected = (
        ImportRejection.objects.annotate(value_lower=Lower("value")).exclude(value="").filter(rejections)
    )
    jobs |= set(rejected.values_list("job_id", flat=True))
    counts["rejected_values"] = ImportRejection.objects.filter(pk__in=rejected.values("pk")).update(value="")
    encoded = [needle.encode() for needle in needles]
    deleted = 0
    for job in ImportJob.objects.filter(status__in=FINISHED, file_deleted_at__isnull=True).exclude(
        file_path=""
    ):
        if file_kept(job) and (job.pk in jobs or _file_mentions(Path(job.file_path), encoded)):
            import_file_delete(actor=actor, job_id=job.pk)
            deleted += 1
    counts["import_files"] = deleted
    return counts
