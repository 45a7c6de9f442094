"""The coordinator's programme form."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import TextFormMixin

from .models import Mediator, Partner, Programme, SafetySheetPart, Venue


class ProgrammeForm(TextFormMixin, forms.ModelForm):
    safety_sheet_parts = forms.MultipleChoiceField(
        label=gettext_lazy("Safety sheet parts required before the first session"),
        choices=SafetySheetPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "A holiday trip requires the whole sheet; a workshop for adults none. An enrolment "
            'stays "confirmed — safety sheet to complete" until they are filled.'
        ),
    )

    class Meta:
        model = Programme
        fields = [
            "title",
            "description",
            "what_to_bring",
            "kind",
            "field",
            "audience",
            "min_age",
            "max_age",
            "enrolment_mode",
            "capacity",
            "waitlist_enabled",
            "cancellation_deadline_hours",
            "safety_sheet_parts",
            "venue",
            "mediators",
            "partners",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "what_to_bring": forms.Textarea(attrs={"rows": 2}),
            "mediators": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = Mediator.objects.select_related("user")
        self.fields["partners"].queryset = Partner.objects.all()
        self.fields["venue"].queryset = Venue.objects.all()
        self.fields["capacity"].widget.attrs["min"] = 1

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and low > high:
            self.add_error("max_age", _("The maximum age must not be below the minimum age."))
        return cleaned
