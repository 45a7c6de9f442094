"""Coordination forms: schedules with their limits, cancelling and moving a session."""

import datetime

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.time import BoundedDateField, local_datetime, local_time_exists
from programmes.models import Mediator, Venue
from sessions.models import ChangeReason, Schedule, ScheduleKind, Weekday
from sessions.scheduling import ScheduleRule, schedule_rule_problems, skipped_time_message

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _parse_dates(text: str) -> list[datetime.date]:
    """One date per line or separated by commas, as 2027-02-15 or 15/02/2027."""
    dates = []
    for chunk in text.replace(",", "\n").split():
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                dates.append(datetime.datetime.strptime(chunk, pattern).date())  # noqa: DTZ007
                break
            except ValueError:
                continue
        else:
            raise forms.ValidationError(
                _("“%(value)s” is not a date: write it as 15/02/2027."),
                params={"value": chunk},
                code="invalid",
            )
    for day in dates:
        BoundedDateField().validate(day)
    return sorted(set(dates))


class DateListField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        return _parse_dates(super().to_python(value) or "")

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join((day if isinstance(day, str) else day.isoformat()) for day in value)
        return value


class ScheduleForm(forms.Form):
    """A schedule's rule; ``rule()`` gives it to the planner before anything is saved."""

    kind = forms.ChoiceField(label=_("Repeats"), choices=ScheduleKind.choices)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days of the week"),
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a weekly schedule."),
    )
    start_date = BoundedDateField(label=_("First date"), required=False, widget=DATE_INPUT)
    end_date = BoundedDateField(label=_("Last date"), required=False, widget=DATE_INPUT)
    dates = DateListField(
        label=_("Dates"),
        required=False,
        help_text=_("For a list of dates: one per line, e.g. 15/02/2027."),
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End time"), widget=TIME_INPUT)
    skip_school_holidays = forms.BooleanField(
        label=_("Skip school holidays"), required=False, initial=True
    )
    skip_public_holidays = forms.BooleanField(
        label=_("Skip public holidays"), required=False, initial=True
    )
    excluded_dates = DateListField(
        label=_("Dates without a session"),
        required=False,
        help_text=_("One per line, e.g. a day the venue is closed."),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.all(),
        required=False,
        empty_label=_("The programme's venue"),
    )
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"),
        queryset=Mediator.objects.select_related("user"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    create_past_dates = forms.BooleanField(
        label=_("Also create the dates already past"),
        required=False,
        help_text=_("A past session counts as held only once its register is taken."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skip_school_holidays"].help_text = _(
            "Zone %(zone)s of the national school calendar."
        ) % {"zone": settings.SCHOOL_HOLIDAY_ZONE}

    @classmethod
    def initial_from(cls, schedule: Schedule) -> dict:
        return {
            "kind": schedule.kind,
            "weekdays": schedule.weekdays,
            "start_date": schedule.start_date,
            "end_date": schedule.end_date,
            "dates": schedule.dates,
            "start_time": schedule.start_time,
            "end_time": schedule.end_time,
            "skip_school_holidays": schedule.skip_school_holidays,
            "skip_public_holidays": schedule.skip_public_holidays,
            "excluded_dates": schedule.excluded_dates,
            "venue": schedule.venue,
            "facilitators": list(schedule.facilitators.all()),
        }

    def clean(self):
        cleaned = super().clean()
        required = (
            "kind",
            "start_time",
            "end_time",
            "skip_school_holidays",
            "skip_public_holidays",
        )
        if all(name in cleaned for name in required):
            for field, message in schedule_rule_problems(self.rule()):
                self.add_error(field, message)
        return cleaned

    def rule(self) -> ScheduleRule:
        data = self.cleaned_data
        return ScheduleRule(
            kind=data["kind"],
            start_time=data["start_time"],
            end_time=data["end_time"],
            start_date=data.get("start_date"),
            end_date=data.get("end_date"),
            weekdays=tuple(data.get("weekdays") or ()),
            dates=tuple(data.get("dates") or ()),
            skip_school_holidays=data["skip_school_holidays"],
            skip_public_holidays=data["skip_public_holidays"],
            excluded_dates=tuple(data.get("excluded_dates") or ()),
        )

    def fill(self, schedule: Schedule) -> Schedule:
        """Copy the rule onto a schedule instance, without saving it."""
        data = self.cleaned_data
        schedule.kind = data["kind"]
        schedule.weekdays = sorted(data.get("weekdays") or [])
        schedule.start_date, schedule.end_date = data.get("start_date"), data.get("end_date")
        schedule.dates = [day.isoformat() for day in data.get("dates") or ()]
        schedule.start_time, schedule.end_time = data["start_time"], data["end_time"]
        schedule.skip_school_holidays = data["skip_school_holidays"]
        schedule.skip_public_holidays = data["skip_public_holidays"]
        schedule.excluded_dates = [day.isoformat() for day in data.get("excluded_dates") or ()]
        schedule.venue = data.get("venue")
        return schedule


REASON_CODE_HELP = _("The families read it in their own language.")
REASON_HELP = _(
    "Optional with a reason from the list, required with “another reason”; "
    "sent as written, for example: “Salle fermée pour travaux, reprise le 12.”"
)


def reason_code_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Reason given to the people enrolled"),
        choices=[("", _("Choose a reason")), *ChangeReason.choices],
        help_text=REASON_CODE_HELP,
    )


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("In your own words"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=REASON_HELP,
    )


class SessionCancelForm(forms.Form):
    reason_code = reason_code_field()
    reason = reason_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason_code") == ChangeReason.OTHER and not cleaned.get("reason"):
            self.add_error("reason", _("Write the reason the families will read."))
        return cleaned


class SessionMoveForm(forms.Form):
    date = BoundedDateField(label=_("New date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End time"), widget=TIME_INPUT)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Venue.objects.all())
    reason_code = reason_code_field()
    reason = reason_field()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason_code") == ChangeReason.OTHER and not cleaned.get("reason"):
            self.add_error("reason", _("Write the reason the families will read."))
        begins, finishes = cleaned.get("start_time"), cleaned.get("end_time")
        if begins and finishes and finishes <= begins:
            self.add_error("end_time", _("The end must come after the start."))
        day = cleaned.get("date")
        for name in ("start_time", "end_time"):
            time = cleaned.get(name)
            if day and time and not local_time_exists(day, time) and name not in self.errors:
                self.add_error(name, skipped_time_message(day, time))
        return cleaned

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        return (
            local_datetime(data["date"], data["start_time"]),
            local_datetime(data["date"], data["end_time"]),
        )
