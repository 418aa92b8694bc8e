"""Background work of the ecosystem app: importing an uploaded IATI file.

The import holds one database transaction per file (nothing partial), and on SQLite nobody else
may write while it does, so its progress cannot go into the database where the page would see it.
The worker writes it instead to a small file beside the upload (`ImportJob.progress_path`), which
the progress page reads; both disappear when the import is over.
"""

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from audit.models import Event, record
from ecosystem.importer import import_files
from ecosystem.models import ImportJob


@task()
def run_import(code: str) -> str:
    job = ImportJob.objects.select_related("organisation", "started_by").get(code=code)
    if job.status != ImportJob.Status.WAITING:
        return job.status  # already run (a task delivered twice)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    upload, progress = job.upload_path, job.progress_path
    try:
        result = import_files(
            [upload], progress=lambda read: _write_progress(progress, read), names={upload: job.file_name}
        )
    except Exception:
        _finish(job, ImportJob.Status.FAILED, {}, "The import stopped on an unexpected error; nothing was imported.")
        raise
    finally:
        upload.unlink(missing_ok=True)
        progress.unlink(missing_ok=True)
    if result.refused:
        _finish(job, ImportJob.Status.FAILED, result.as_json(), result.refused[0])
    else:
        _finish(job, ImportJob.Status.DONE, result.as_json(), "")
    return job.status


def _write_progress(path: Path, read: int) -> None:
    path.write_text(str(read))


def _finish(job: ImportJob, status: str, result: dict, error: str) -> None:
    job.status, job.result, job.error = status, result, error
    job.bytes_read, job.stored_path, job.finished_at = job.size, "", timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "result", "error", "bytes_read", "stored_path", "finished_at"])
        record(
            Event.IATI_IMPORTED,
            actor=job.started_by.email if job.started_by else "",
            organisation=job.organisation.slug,
            target=job.file_name,
            detail={
                "job": str(job.code),
                "status": status,
                "error": error,
                **{key: result[key] for key in ("activities", "relations", "created") if key in result},
            },
        )
