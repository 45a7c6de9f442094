"""Writes on referrals made by partner organisations."""

from typing import Any

from django.db import transaction

from households.services import household_child, household_register_unless_known
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
    known_family: str = "",
) -> Enrolment:
    """A partner refers a family: household, child and referral in one go, all or nothing.

    A family the service already knows is not registered twice: until ``known_family`` answers
    (households.services.household_known), FamilyAlreadyKnown; once it does, the child is found
    in, or added to, the household chosen."""
    household = household_register_unless_known(
        created_by=created_by, guardian=guardian, child=child, choice=known_family
    )
    return referral_create(
        participant=household_child(household=household, child=child),
        programme=programme,
        session=session,
        partner=partner,
        created_by=created_by,
        note=note,
    )
