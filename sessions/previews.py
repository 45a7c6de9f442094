"""What a schedule would generate, computed without writing anything."""

import datetime
from dataclasses import dataclass, field

from sessions.models import Schedule, Session
from sessions.scheduling import Occurrence, ScheduleRule, SkippedDate, plan_schedule
from sessions.selectors import venue_clashes
from sessions.services import ScheduleConflict, schedule_apply


@dataclass
class PreviewRow:
    occurrence: Occurrence
    is_new: bool
    clash: Session | None = None
    is_past: bool = False


@dataclass
class SchedulePreview:
    rows: list[PreviewRow] = field(default_factory=list)
    skipped: list[SkippedDate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[ScheduleConflict] = field(default_factory=list)
    removed: list[datetime.date] = field(default_factory=list)
    past: list[datetime.date] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def schedule_preview(*, schedule: Schedule, rule: ScheduleRule) -> SchedulePreview:
    """The dates ``rule`` gives ``schedule`` (saved or not): holidays skipped with their
    names, the unpublished-calendar warning, sessions that would stay as they are (conflicts),
    and other sessions already held at the venue at the same time."""
    plan = plan_schedule(rule)
    report = schedule_apply(schedule=schedule, rule=rule, dry_run=True)
    venue_id = schedule.venue_id or schedule.programme.venue_id
    clashes = venue_clashes(
        venue_id=venue_id, occurrences=plan.occurrences, exclude_schedule_id=schedule.pk
    )
    created, past = set(report.created_dates), set(report.created_past)
    rows = [
        PreviewRow(
            occurrence,
            occurrence.date in created,
            clashes.get(occurrence.date),
            is_past=occurrence.date in past,
        )
        for occurrence in plan.occurrences
    ]
    return SchedulePreview(
        rows=rows,
        skipped=report.skipped,
        warnings=report.warnings,
        conflicts=report.conflicts,
        removed=report.deleted,
        past=report.created_past,
    )
