"""Who fits a programme: one rule, used by the services (which refuse) and by the pages and the
API (which show every member of a household with the reason beside those who do not fit)."""

import datetime
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Audience, Programme
from programmes.selectors import age_on

from .models import Household, Sex

ADULT_AGE = 18
CHILD_AUDIENCES = {Audience.CHILDREN, Audience.TEENAGERS}
ADULT_AUDIENCES = {
    Audience.PARENTS,
    Audience.ADULTS,
    Audience.WOMEN,
    Audience.SENIORS,
    Audience.PROFESSIONALS,
}
# Audiences whose pages list the adults of a household first.
ADULT_FIRST = ADULT_AUDIENCES | {Audience.PARENT_AND_CHILD}


def _age_on_day(name: str, age: int, day: datetime.date) -> str:
    """ "Lina will be 8 on …", in the past tense for a day already gone (a cycle under way)."""
    params = {"name": name, "count": age, "date": long_date(day)}
    if day < timezone.localdate():
        return (
            ngettext(
                "%(name)s was %(count)s on %(date)s", "%(name)s was %(count)s on %(date)s", age
            )
            % params
        )
    return (
        ngettext(
            "%(name)s will be %(count)s on %(date)s", "%(name)s will be %(count)s on %(date)s", age
        )
        % params
    )


def long_date(day: datetime.date) -> str:
    """A date as people read it, with its year ("mardi 1 septembre 2026")."""
    return formats.date_format(day, "l j F Y")


def long_datetime(moment: datetime.datetime | None) -> str:
    """A moment in the service's zone, in full: "mardi 1 septembre 2026, 14:00"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'l j F Y')}, {formats.time_format(local, 'H:i')}"


def ineligibility_reason(
    *,
    first_name: str,
    birth_date: datetime.date | None,
    sex: str,
    programme: Programme,
    day: datetime.date,
) -> str | None:
    """Why this person does not fit ``programme`` on ``day`` (their first session), or None.

    An unknown birth date (an adult of the household not yet a participant) is checked only
    against what is known: a guardian is taken to be an adult.
    """
    params = {
        "name": first_name,
        "date": long_date(day),
        "min": programme.min_age,
        "max": programme.max_age,
    }
    audience = str(programme.get_audience_display()).lower()
    if birth_date is None:
        if programme.audience in CHILD_AUDIENCES:
            return _("This programme is for %(audience)s; %(name)s is an adult.") % {
                "audience": audience,
                "name": first_name,
            }
        return None
    age = age_on(birth_date, day)
    params["who"] = _age_on_day(first_name, age, day)
    # In a parent-and-child programme the ages bound the children; their parents come too.
    ages_apply = not (programme.audience == Audience.PARENT_AND_CHILD and age >= ADULT_AGE)
    if ages_apply and programme.min_age is not None and age < programme.min_age:
        if programme.max_age is not None:
            return _("%(who)s: this programme is for ages %(min)s to %(max)s.") % params
        return _("%(who)s: this programme is for people aged %(min)s and over.") % params
    if ages_apply and programme.max_age is not None and age > programme.max_age:
        if programme.min_age is not None:
            return _("%(who)s: this programme is for ages %(min)s to %(max)s.") % params
        return _("%(who)s: this programme is for people aged up to %(max)s.") % params
    if programme.audience in CHILD_AUDIENCES and age >= ADULT_AGE:
        return _("This programme is for %(audience)s; %(name)s is an adult.") % {
            "audience": audience,
            "name": first_name,
        }
    if programme.audience in ADULT_AUDIENCES and age < ADULT_AGE:
        return _("This programme is for %(audience)s; %(name)s is a minor.") % {
            "audience": audience,
            "name": first_name,
        }
    if programme.audience == Audience.WOMEN and sex == Sex.MALE:
        return _("This programme is for women.")
    return None


@dataclass(kw_only=True)
class Member:
    """A person of a household as an enrolment page offers them: ``key`` is ``p-<participant>``
    or ``g-<guardian>`` (an adult not yet a participant, whose birth date is then asked)."""

    key: str
    name: str
    first_name: str
    is_adult: bool
    reason: str | None = None
    needs_birth_date: bool = False
    participant_id: int | None = None
    # What the member already holds in the programme: filled by the enrolment app.
    enrolled_session_ids: set[int] = field(default_factory=set)
    enrolled_in_cycle: bool = False

    @property
    def fits(self) -> bool:
        return self.reason is None


def household_members(
    *, household: Household, programme: Programme, day: datetime.date
) -> list[Member]:
    """Every member of ``household`` (prefetched guardians and participants) for
    ``programme``: those who fit first, then the others with the reason beside them.
    ``day`` is the day ages are taken on."""
    participants = list(household.participants.all())
    members = []
    for participant in participants:
        members.append(
            Member(
                key=f"p-{participant.pk}",
                name=participant.full_name,
                first_name=participant.first_name,
                is_adult=age_on(participant.birth_date, day) >= ADULT_AGE,
                reason=ineligibility_reason(
                    first_name=participant.first_name,
                    birth_date=participant.birth_date,
                    sex=participant.sex,
                    programme=programme,
                    day=day,
                ),
                participant_id=participant.pk,
            )
        )
    taking_part = {p.guardian_record_id for p in participants if p.guardian_record_id}
    for guardian in household.guardians.all():
        if guardian.pk in taking_part:
            continue
        members.append(
            Member(
                key=f"g-{guardian.pk}",
                name=guardian.full_name,
                first_name=guardian.first_name,
                is_adult=True,
                needs_birth_date=True,
                reason=ineligibility_reason(
                    first_name=guardian.first_name,
                    birth_date=None,
                    sex="",
                    programme=programme,
                    day=day,
                ),
            )
        )
    return sorted(
        members,
        key=lambda member: (
            not member.fits,
            not member.is_adult if programme.audience in ADULT_FIRST else member.is_adult,
        ),
    )
