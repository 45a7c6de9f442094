"""Writes on referrals made by partner organisations."""

from typing import Any

from django.db import transaction

from households.models import Household, Participant
from households.services import household_register, participant_create
from programmes.models import Partner, Programme
from sessions.models import Session

from ..models import Enrolment
from .enrolments import referral_create


@transaction.atomic
def referral_register(
    *,
    partner: Partner,
    created_by,
    programme: Programme,
    session: Session | None = None,
    guardian: dict[str, Any],
    child: dict[str, Any],
    note: str = "",
    household: Household | None = None,
) -> Enrolment:
    """A partner refers a family: household, child and referral in one go, all or nothing.

    With ``household`` (an existing family the partner recognised among the possible
    duplicates), the child is found in it by first name and birth date, or added to it."""
    if household is None:
        household = household_register(created_by=created_by, **guardian)
        participant = participant_create(household=household, **child)
    else:
        participant = Participant.objects.filter(
            household=household,
            first_name__iexact=child["first_name"].strip(),
            birth_date=child["birth_date"],
        ).first() or participant_create(household=household, **child)
    return referral_create(
        participant=participant,
        programme=programme,
        session=session,
        partner=partner,
        created_by=created_by,
        note=note,
    )
