"""What attendance holds about a household, for export and erasure (see core/personal_data.py).

Marks stay after erasure (reports count them); the free text a mediator typed about a person goes.
"""

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.personal_data import HouseholdDataHolder, household_data

from .models import (
    Attendance,
    AttendanceCorrection,
    CheckOut,
    CollectedBy,
    FollowUp,
    RegisterSignature,
)

# What an erased name or note becomes (the rows stay: reports count check-outs).
ERASED = "***"


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _attendance(household) -> list[dict[str, Any]]:
    marks = (
        Attendance.objects.filter(participant__household=household)
        .select_related("session__programme")
        .prefetch_related("corrections")
        .order_by("session__starts_at", "pk")
    )
    return [
        {
            "id": mark.pk,
            "participant_id": mark.participant_id,
            "programme": mark.session.programme.title,
            "session_starts_at": _iso(mark.session.starts_at),
            "status": mark.status,
            "walk_in": mark.walk_in,
            "note": mark.note,
            "marked_at": _iso(mark.marked_at),
            "corrections": [
                {
                    "old_status": correction.old_status,
                    "new_status": correction.new_status,
                    "old_note": correction.old_note,
                    "new_note": correction.new_note,
                    "reason": correction.reason,
                    "corrected_at": _iso(correction.corrected_at),
                }
                for correction in mark.corrections.all()
            ],
        }
        for mark in marks
    ]


def _erase_attendance(household, now: datetime.datetime) -> int:
    AttendanceCorrection.objects.filter(attendance__participant__household=household).update(
        old_note="", new_note="", reason=""
    )
    return Attendance.objects.filter(participant__household=household).update(note="")


def _follow_ups(household) -> list[dict[str, Any]]:
    return [
        {
            "id": follow_up.pk,
            "participant_id": follow_up.participant_id,
            "programme": follow_up.programme.title,
            "status": follow_up.status,
            "outcome": follow_up.outcome,
            "outcome_note": follow_up.outcome_note,
            "opened_at": _iso(follow_up.opened_at),
            "closed_at": _iso(follow_up.closed_at),
        }
        for follow_up in FollowUp.objects.filter(participant__household=household)
        .select_related("programme")
        .order_by("opened_at", "pk")
    ]


def _erase_follow_ups(household, now: datetime.datetime) -> int:
    return FollowUp.objects.filter(participant__household=household).update(outcome_note="")


def _signatures(household) -> list[dict[str, Any]]:
    return [
        {
            "participant_id": signature.participant_id,
            "programme": signature.session.programme.title,
            "session_starts_at": _iso(signature.session.starts_at),
            "signed_at": _iso(signature.signed_at),
            "image": signature.image,
        }
        for signature in RegisterSignature.objects.filter(participant__household=household)
        .select_related("session__programme")
        .order_by("signed_at", "pk")
    ]


def _erase_signatures(household, now: datetime.datetime) -> int:
    # The drawing goes; the marks of the register stay, so the session still counts as held.
    deleted, _by_model = RegisterSignature.objects.filter(participant__household=household).delete()
    return deleted


def _check_outs(household) -> list[dict[str, Any]]:
    return [
        {
            "id": check_out.pk,
            "participant_id": check_out.participant_id,
            "programme": check_out.session.programme.title,
            "session_starts_at": _iso(check_out.session.starts_at),
            "collected_by": check_out.collected_by,
            "collector_name": check_out.collector_name,
            "note": check_out.note,
            "checked_out_at": _iso(check_out.checked_out_at),
        }
        for check_out in CheckOut.objects.filter(participant__household=household)
        .select_related("session__programme")
        .order_by("checked_out_at", "pk")
    ]


def _erase_check_outs(household, now: datetime.datetime) -> int:
    rows = CheckOut.objects.filter(participant__household=household)
    rows.exclude(collected_by=CollectedBy.ALONE).update(collector_name=ERASED)
    return rows.exclude(note="").update(note=ERASED)


def register() -> None:
    household_data.register(
        HouseholdDataHolder(
            key="check_outs",
            covers={CheckOut: ("collector_name", "note")},
            export=_check_outs,
            erase=_erase_check_outs,
            title=_("Check-outs"),
            codes={"collected_by": CheckOut._meta.get_field("collected_by").choices},
        )
    )
    household_data.register(
        HouseholdDataHolder(
            key="attendance",
            covers={
                Attendance: ("note",),
                AttendanceCorrection: ("old_note", "new_note", "reason"),
            },
            export=_attendance,
            erase=_erase_attendance,
            title=_("Attendance"),
            codes={
                "status": Attendance._meta.get_field("status").choices,
                "corrections.old_status": Attendance._meta.get_field("status").choices,
                "corrections.new_status": Attendance._meta.get_field("status").choices,
            },
        )
    )
    household_data.register(
        HouseholdDataHolder(
            key="signatures",
            covers={RegisterSignature: ("image",)},
            export=_signatures,
            erase=_erase_signatures,
            title=_("Signatures"),
        )
    )
    household_data.register(
        HouseholdDataHolder(
            key="follow_ups",
            covers={FollowUp: ("outcome_note",)},
            export=_follow_ups,
            erase=_erase_follow_ups,
            title=_("Follow-ups"),
            codes={
                "status": FollowUp._meta.get_field("status").choices,
                "outcome": FollowUp._meta.get_field("outcome").choices,
            },
        )
    )
