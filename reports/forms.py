"""The report filters of the pages (a GET form); the API validates the same through schemas."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextFormMixin
from core.time import BoundedDateField
from programmes.models import Field, Kind, Partner, Programme, Venue

from .filters import ReportFilters, build_filters, date_in_range, default_period


class ReportFilterForm(TextFormMixin, forms.Form):
    start = BoundedDateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = BoundedDateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    field = forms.ChoiceField(
        label=_("Field"), required=False, choices=[("", _("All fields")), *Field.choices]
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"),
        required=False,
        queryset=Programme.objects.none(),
        empty_label=_("All programmes"),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"), required=False, queryset=Venue.objects.none(), empty_label=_("All venues")
    )
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        required=False,
        queryset=Partner.objects.none(),
        empty_label=_("All partners"),
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes.order_by("title")
        self.fields["venue"].queryset = Venue.objects.order_by("name")
        self.fields["partner"].queryset = (
            Partner.objects.filter(programmes__in=programmes).distinct().order_by("name")
        )
        start, end = default_period()
        self.fields["start"].initial, self.fields["end"].initial = start, end

    def clean_start(self):
        return self._in_range(self.cleaned_data.get("start"))

    def clean_end(self):
        return self._in_range(self.cleaned_data.get("end"))

    @staticmethod
    def _in_range(day):
        if not date_in_range(day):
            raise forms.ValidationError(_("Choose a date between 2000 and 2100."))
        return day

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end must not be before the start."))
        return cleaned

    def report_filters(self) -> ReportFilters:
        """The filters to report on: the valid ones, the school year for a missing period."""
        # The fields that are valid still count when another one is not.
        cleaned = {}
        if self.is_bound:
            self.is_valid()
            cleaned = self.cleaned_data
        return build_filters(
            start=cleaned.get("start"),
            end=cleaned.get("end"),
            kind=cleaned.get("kind") or "",
            field=cleaned.get("field") or "",
            programme_id=cleaned["programme"].pk if cleaned.get("programme") else None,
            venue_id=cleaned["venue"].pk if cleaned.get("venue") else None,
            partner_id=cleaned["partner"].pk if cleaned.get("partner") else None,
        )
