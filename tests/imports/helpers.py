"""Running an import the way the CLI and the worker do: create the job, check it, commit it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lojal.imports import services
from lojal.imports.models import ImportJob

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def check(kind: str, path: Path | str, actor: Any = None, **options: Any) -> ImportJob:
    path = FIXTURES / path if isinstance(path, str) else path
    job = services.import_job_create(actor=actor, kind=kind, upload=path, file_name=path.name, **options)
    return services.import_job_check(job_id=job.pk)


def run(kind: str, path: Path | str, actor: Any = None, **options: Any) -> ImportJob:
    job = check(kind, path, actor, **options)
    assert job.status == ImportJob.Status.CHECKED, (
        job.status,
        job.error,
        list(job.rejections.values_list("line", "field", "reason")),
    )
    return services.import_job_commit(job_id=job.pk, actor=actor)


def rejections(job: ImportJob) -> list[tuple[int, str, str]]:
    return list(job.rejections.order_by("line", "id").values_list("line", "field", "reason"))


CDNOW = Path(__file__).resolve().parents[3] / "shared" / "data" / "cdnow" / "CDNOW_sample.txt"
