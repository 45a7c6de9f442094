"""Who fits a programme: one rule, used by the services (which refuse) and by the pages and the
API (which show every member of a household with the reason beside those who do not fit)."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from programmes.models import Audience, Programme
from programmes.selectors import age_on

from .models import Sex

ADULT_AGE = 18
CHILD_AUDIENCES = {Audience.CHILDREN, Audience.TEENAGERS}
ADULT_AUDIENCES = {
    Audience.PARENTS,
    Audience.ADULTS,
    Audience.WOMEN,
    Audience.SENIORS,
    Audience.PROFESSIONALS,
}


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
    params["age"] = age
    # In a parent-and-child programme the ages bound the children; their parents come too.
    ages_apply = not (programme.audience == Audience.PARENT_AND_CHILD and age >= ADULT_AGE)
    if ages_apply and programme.min_age is not None and age < programme.min_age:
        if programme.max_age is not None:
            return (
                _(
                    "%(name)s will be %(age)s on %(date)s: this programme is for ages "
                    "%(min)s to %(max)s."
                )
                % params
            )
        return (
            _(
                "%(name)s will be %(age)s on %(date)s: this programme is for people "
                "aged %(min)s and over."
            )
            % params
        )
    if ages_apply and programme.max_age is not None and age > programme.max_age:
        if programme.min_age is not None:
            return (
                _(
                    "%(name)s will be %(age)s on %(date)s: this programme is for ages "
                    "%(min)s to %(max)s."
                )
                % params
            )
        return (
            _(
                "%(name)s will be %(age)s on %(date)s: this programme is for people "
                "aged up to %(max)s."
            )
            % params
        )
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
