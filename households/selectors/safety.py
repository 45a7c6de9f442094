"""Reads of safety sheets: always through households.access, and audited by the caller."""

from django.db.models import QuerySet

from ..access import participants_with_sheet_visible_to
from ..models import Participant, SafetySheet


def current_sheets(participant_ids) -> dict[int, SafetySheet]:
    """The current sheet of each participant, in one query."""
    return {
        sheet.participant_id: sheet
        for sheet in SafetySheet.objects.filter(
            participant_id__in=list(participant_ids), superseded_at__isnull=True
        ).select_related("filled_by")
    }


def safety_sheet_participant(*, user, participant_id: int) -> Participant:
    """The participant whose sheet ``user`` asks for; DoesNotExist when they may not see it."""
    return (
        participants_with_sheet_visible_to(user).select_related("household").get(pk=participant_id)
    )


def safety_sheet_versions(*, participant: Participant) -> QuerySet[SafetySheet]:
    return SafetySheet.objects.filter(participant=participant).select_related("filled_by")
