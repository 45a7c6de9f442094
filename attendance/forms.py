"""Forms of the register pages: a walk-in, a headcount, the close of a follow-up."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.age_bands import age_bands
from core.text import SEARCH_MAX_LENGTH, TextFormMixin, validate_search
from core.time import BoundedDateField
from households.services import earliest_birth_date

from .models import FOLLOW_UP_NOTE_LENGTH, FollowUpOutcome


class WalkInSearchForm(TextFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Name"), max_length=SEARCH_MAX_LENGTH, required=False, validators=[validate_search]
    )


class NewcomerForm(TextFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = BoundedDateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=120, required=False)
    in_qpv = forms.BooleanField(label=_("Lives in a priority neighbourhood (QPV)"), required=False)
    # Chosen when the form is drawn: the same form sent twice (a double tap, a retry) adds one person.
    client_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client_id"].initial = uuid.uuid4()
        # The page may be used offline: the script refuses what the server would refuse.
        self.fields["birth_date"].widget.attrs.update(
            {"min": earliest_birth_date().isoformat(), "max": timezone.localdate().isoformat()}
        )

    def tie_errors(self) -> None:
        """Point each field in error at its message, for screen readers."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "aria-describedby": f"{self[name].id_for_label}-errors",
                        "aria-invalid": "true",
                    }
                )


class HeadcountForm(TextFormMixin, forms.Form):
    """One number per age band."""

    def __init__(self, *args, initial_counts: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for band in age_bands():
            value = band.key
            self.fields[value] = forms.IntegerField(
                label=band.label,
                min_value=0,
                max_value=9999,
                required=False,
                initial=(initial_counts or {}).get(value, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def counts(self) -> dict[str, int]:
        return {band: count for band, count in self.cleaned_data.items() if count is not None}


class FollowUpCloseForm(TextFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=FollowUpOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("What was done"),
        required=False,
        max_length=FOLLOW_UP_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HeldDeclarationForm(forms.Form):
    reason = forms.CharField(
        label=_("Why there is no register"),
        max_length=300,
        help_text=_("For example: the register was kept on paper; the phone had no battery."),
    )
