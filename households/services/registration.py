"""Registering a family the service may already know, whoever registers it (a mediator on the
household page, a partner referring a child, on its page or through the API): the possible
duplicates of the details typed are offered before a second household is created. One rule,
one place; what each caller may show of a known family is the caller's business (a partner sees
``Household.masked_contact`` on its page and nothing through the API; a mediator sees the
households households.access lets them see)."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import HouseholdError
from ..models import Household, Participant
from ..selectors import duplicate_sign, household_duplicates
from .households import household_register, participant_create, same_child

# The answers to "is it this family?": the known family that matches best (the one a page
# offers first), or another family. A page may also answer with the id of a household it offered.
USE_KNOWN = "use"
ANOTHER_FAMILY = "new"


class FamilyAlreadyKnown(HouseholdError):
    """The details typed match families the service knows: choose one, or say it is another.

    ``field`` is the detail that matched (``phone``, ``email`` or ``birth_date``: a guardian's
    last name with a child's birth date); ``candidates`` are the families, strongest match first,
    for a page to offer as it may. The message names none of their details."""

    default_status = 409

    def __init__(self, message: str, *, field: str, candidates: list[Household]):
        super().__init__(message, field=field)
        self.candidates = candidates


def _already_known(sign: str) -> str:
    return {
        "phone": _("A family with this phone number is already known to the service."),
        "email": _("A family with this e-mail address is already known to the service."),
        "birth_date": _(
            "A family with this last name and a child born on this day is already known to "
            "the service."
        ),
    }[sign]


def household_known(
    *, guardian: dict[str, Any], birth_date: datetime.date | None, choice: str = ""
) -> Household | None:
    """The known household the family being registered is, or None for a new household.

    ``choice`` answers the question once asked: ``USE_KNOWN``, the id of one of the households
    offered, or ``ANOTHER_FAMILY``. While the details match a known family and no valid answer
    was given: FamilyAlreadyKnown."""
    if choice == ANOTHER_FAMILY:
        return None
    duplicates = household_duplicates(
        phone=guardian.get("phone", ""),
        email=guardian.get("email", ""),
        last_name=guardian.get("last_name", ""),
        birth_date=birth_date,
    )
    if choice == USE_KNOWN and not duplicates:
        raise HouseholdError(
            _("No family known to the service matches these details."), field="known_family"
        )
    if not duplicates:
        return None
    if choice == USE_KNOWN:
        return duplicates[0]
    chosen = next((found for found in duplicates if str(found.pk) == choice), None)
    if chosen is None:
        sign = duplicate_sign(duplicates[0])
        raise FamilyAlreadyKnown(_already_known(sign), field=sign, candidates=duplicates)
    return chosen


def household_child(*, household: Household, child: dict[str, Any]) -> Participant:
    """The child of ``household`` with this first name and birth date, or the child added."""
    known_child = same_child(
        household=household, first_name=child["first_name"], birth_date=child["birth_date"]
    )
    return known_child or participant_create(household=household, **child)


@transaction.atomic
def household_register_unless_known(
    *,
    created_by,
    guardian: dict[str, Any],
    child: dict[str, Any] | None = None,
    choice: str = "",
    neighbourhood: str = "",
    in_qpv: bool = False,
) -> Household:
    """A new household with its primary guardian and first child (if any), unless it is a
    family the service knows (household_known()): then the child is found in that household
    (household_child()) and nothing of the guardian typed is kept."""
    household = household_known(
        guardian=guardian, birth_date=child["birth_date"] if child else None, choice=choice
    )
    if household is None:
        household = household_register(
            created_by=created_by, neighbourhood=neighbourhood, in_qpv=in_qpv, **guardian
        )
    if child is not None:
        household_child(household=household, child=child)
    return household
