"""Background work started from the coordination pages."""

from django.urls import reverse
from django.utils.translation import gettext as _

from jobs.models import BackgroundJob
from jobs.registry import JobOutcome, ProgressReport
from programmes.models import ProgrammeStatus
from sessions.models import Schedule
from sessions.services import schedule_apply

REGENERATE_SESSIONS = "sessions.regenerate"


def regenerate_sessions(job: BackgroundJob, report: ProgressReport) -> JobOutcome:
    """Apply every schedule of one programme, or of every programme not archived, one schedule
    per transaction, so that the page shows progress and a failure keeps what was done."""
    schedules = Schedule.objects.select_related("programme").order_by("programme__title", "pk")
    programme_id = job.params.get("programme_id")
    if programme_id:
        schedules = schedules.filter(programme_id=programme_id)
    else:
        schedules = schedules.exclude(programme__status=ProgrammeStatus.ARCHIVED)
    schedules = list(schedules)
    totals = {"created": 0, "updated": 0, "deleted": 0, "conflicts": 0}
    warnings: set[str] = set()
    for index, schedule in enumerate(schedules):
        report(
            index,
            len(schedules),
            _("Generating the sessions of “%(programme)s”…")
            % {"programme": schedule.programme.title},
        )
        applied = schedule_apply(schedule=schedule)
        totals["created"] += len(applied.created)
        totals["updated"] += len(applied.updated)
        totals["deleted"] += len(applied.deleted)
        totals["conflicts"] += len(applied.conflicts)
        warnings.update(applied.warnings)
    message = (
        _(
            "%(created)d sessions created, %(updated)d moved, %(deleted)d removed; "
            "%(conflicts)d to check by hand."
        )
        % totals
    )
    if warnings:
        message = " ".join([message, *sorted(warnings)])
    url = (
        reverse("coordination:programme", kwargs={"pk": programme_id})
        if programme_id
        else reverse("coordination:programmes")
    )
    return JobOutcome(
        message=message, result={**totals, "schedules": len(schedules)}, result_url=url
    )
