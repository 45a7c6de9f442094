"""Which running enrolments still wait for their participant's safety sheet."""

from households.models import Participant, SafetySheet
from households.services import current_sheet, sheet_missing_parts
from programmes.models import Programme

from ..models import ACTIVE_STATUSES, Enrolment


def sheet_pending_refresh(*, participant: Participant, sheet: SafetySheet | None = None) -> int:
    """Recompute ``sheet_pending`` on the participant's running enrolments; returns how many
    changed."""
    sheet = sheet if sheet is not None else current_sheet(participant)
    changed = 0
    for enrolment in Enrolment.objects.filter(
        participant=participant, status__in=ACTIVE_STATUSES
    ).select_related("programme"):
        pending = bool(sheet_missing_parts(sheet, enrolment.programme))
        if pending != enrolment.sheet_pending:
            enrolment.sheet_pending = pending
            enrolment.save(update_fields=["sheet_pending"])
            changed += 1
    return changed


def programme_sheet_pending_refresh(*, programme: Programme) -> int:
    """After a programme's required parts changed: recompute ``sheet_pending`` on its running
    enrolments, in two queries and one update per change."""
    enrolments = list(Enrolment.objects.filter(programme=programme, status__in=ACTIVE_STATUSES))
    sheets = {
        sheet.participant_id: sheet
        for sheet in SafetySheet.objects.filter(
            participant_id__in=[e.participant_id for e in enrolments], superseded_at__isnull=True
        )
    }
    changed = [
        e
        for e in enrolments
        if e.sheet_pending != bool(sheet_missing_parts(sheets.get(e.participant_id), programme))
    ]
    for enrolment in changed:
        enrolment.sheet_pending = not enrolment.sheet_pending
    Enrolment.objects.bulk_update(changed, ["sheet_pending"])
    return len(changed)
