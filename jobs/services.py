"""Writes on background jobs: start one, run it (from the Celery task), record its progress."""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from core.errors import DomainError
from core.tasks import after_commit

from .models import BackgroundJob, JobState
from .registry import job_handler

logger = logging.getLogger(__name__)


class JobError(DomainError):
    """Background work that cannot be started or read."""


def _dispatch(job_id: int) -> None:
    from .tasks import run_job

    try:
        run_job.delay(job_id)
    except OperationalError:
        # The row stays pending and its page says it is waiting to start.
        logger.exception("Broker unreachable: job %s stays pending", job_id)


@transaction.atomic
def job_start(*, kind: str, owner, title: str, params: dict | None = None) -> BackgroundJob:
    """Record a job and queue it once the transaction commits."""
    if job_handler(kind) is None:
        raise JobError(_("This kind of work cannot run in the background."), field="kind")
    job = BackgroundJob.objects.create(kind=kind, owner=owner, title=title, params=params or {})

    def dispatch_after_commit() -> None:
        _dispatch(job.pk)

    after_commit(dispatch_after_commit)
    return job


# A job still pending this long after it was created lost its task (broker down at start, or a
# worker killed before it claimed it): the sweep queues it again. Running it stays once-only.
STALE_PENDING = datetime.timedelta(minutes=2)


def jobs_redispatch_stale(*, now: datetime.datetime | None = None) -> int:
    stale = list(
        BackgroundJob.objects.filter(
            state=JobState.PENDING,
            created_at__lt=(now or timezone.now()) - STALE_PENDING,
        ).values_list("pk", flat=True)[:100]
    )
    for job_id in stale:
        _dispatch(job_id)
    return len(stale)


def job_report_progress(*, job_id: int, done: int, total: int, message: str = "") -> None:
    """Written at once (outside any transaction of the handler's) so the page sees it."""
    percent = 100 if total <= 0 else max(0, min(100, round(100 * done / total)))
    fields: dict[str, int | str] = {"progress": percent}
    if message:
        fields["message"] = message[:500]
    BackgroundJob.objects.filter(pk=job_id, state=JobState.RUNNING).update(**fields)


def job_run(*, job_id: int) -> str:
    """Claim a pending job, run its handler and record the outcome; returns the final state.

    The claim is a conditional UPDATE, so a task delivered twice runs the work once.
    """
    claimed = BackgroundJob.objects.filter(pk=job_id, state=JobState.PENDING).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    job = BackgroundJob.objects.select_related("owner__profile").get(pk=job_id)
    handler = job_handler(job.kind)
    # Messages the handler writes are read by the person who started the job.
    profile = getattr(job.owner, "profile", None)
    try:
        with translation.override(profile.language if profile else settings.LANGUAGE_CODE):
            if handler is None:
                raise JobError(_("This kind of work cannot run in the background."))
            outcome = handler(
                job,
                lambda done, total, message="": job_report_progress(
                    job_id=job_id, done=done, total=total, message=message
                ),
            )
    except Exception as error:
        logger.exception("Background job %s (%s) failed", job_id, job.kind)
        message = (
            error.message
            if isinstance(error, JobError)
            else _(
                "Something went wrong. Nothing more was done; try again, or tell the coordinator "
                "if it happens again."
            )
        )
        BackgroundJob.objects.filter(pk=job_id).update(
            state=JobState.FAILED, message=message[:500], finished_at=timezone.now()
        )
        return JobState.FAILED
    job.refresh_from_db()
    job.state = JobState.SUCCEEDED
    job.progress = 100
    job.message = outcome.message[:500]
    job.result = outcome.result
    job.result_url = outcome.result_url
    job.finished_at = timezone.now()
    if outcome.file is not None:
        name, content = outcome.file
        job.result_file.save(name, ContentFile(content), save=False)
    job.save()
    return JobState.SUCCEEDED


def job_files_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of jobs finished more than JOB_FILE_KEEP_HOURS ago: exports hold
    personal data, and their page has said how long they are kept."""
    limit = (now or timezone.now()) - datetime.timedelta(hours=settings.JOB_FILE_KEEP_HOURS)
    pruned = 0
    for job in BackgroundJob.objects.filter(finished_at__lt=limit).exclude(result_file=""):
        job.result_file.delete(save=False)
        job.result_file = ""
        job.save(update_fields=["result_file"])
        pruned += 1
    return pruned
