"""What enrolment holds about a household, for export and erasure (see core/personal_data.py):
the enrolments of its members. Their members are exported by the households app."""

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.personal_data import HouseholdDataHolder, household_data

from .models import Enrolment


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _enrolments(household) -> list[dict[str, Any]]:
    return [
        {
            "id": enrolment.pk,
            "participant_id": enrolment.participant_id,
            "programme": enrolment.programme.title,
            "session_starts_at": _iso(enrolment.session.starts_at) if enrolment.session else None,
            "status": enrolment.status,
            "source": enrolment.source,
            "referred_by": enrolment.referred_by_partner.name
            if enrolment.referred_by_partner
            else None,
            "note": enrolment.note,
            "created_at": _iso(enrolment.created_at),
            "confirmed_at": _iso(enrolment.confirmed_at),
            "cancelled_at": _iso(enrolment.cancelled_at),
            "cancel_reason": enrolment.cancel_reason,
        }
        for enrolment in Enrolment.objects.filter(participant__household=household)
        .select_related("programme", "session", "referred_by_partner")
        .order_by("participant_id", "created_at", "pk")
    ]


def _erase_enrolments(household, now: datetime.datetime) -> int:
    """Enrolments stay, without their free text, so that reports keep their counts."""
    return Enrolment.objects.filter(participant__household=household).update(
        note="", cancel_reason=""
    )


def register() -> None:
    household_data.register(
        HouseholdDataHolder(
            key="enrolments",
            covers={Enrolment: ("note", "cancel_reason")},
            export=_enrolments,
            erase=_erase_enrolments,
            title=_("Enrolments"),
            codes={
                "status": Enrolment._meta.get_field("status").choices,
                "source": Enrolment._meta.get_field("source").choices,
            },
        )
    )
