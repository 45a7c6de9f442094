"""Writes on referrals made by partner organisations."""

from typing import Any

from django.db import transaction

from programmes.models import Partner, Programme
from sessions.models import Session

from ..models import Enrolment
from .enrolments import referral_create
from .households import household_register, participant_create


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
) -> Enrolment:
    """A partner refers a family the service does not know yet: household, child and referral
    in one go, all or nothing."""
    household = household_register(created_by=created_by, **guardian)
    participant = participant_create(household=household, **child)
    return referral_create(participant=participant, programme=programme, session=session,
                           partner=partner, created_by=created_by, note=note)
