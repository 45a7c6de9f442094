"""Forms of the enrolment pages and the partner space. Rules stay in the services: a form only
shapes input, and a domain error is shown on the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.phones import phone_to_e164
from core.text import TextFormMixin
from households.forms import DATE_INPUT, PHONE_INVALID, BoundedDateField, ChildForm

from .models import ENROLMENT_NOTE_LENGTH


class EnrolForm(TextFormMixin, forms.Form):
    """Who (a member who fits the programme), and for a per-session programme which dates;
    choices are built from the caller's data. A guardian taking part for the first time gives
    their birth date."""

    participant = forms.ChoiceField(label=_("Who takes part?"), widget=forms.RadioSelect)
    birth_date = BoundedDateField(
        label=_("Birth date of the adult who takes part"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Only for an adult enrolled for the first time: ages are checked on it."),
    )
    sessions = forms.TypedMultipleChoiceField(
        label=_("Dates"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(m.key, m.name) for m in members if m.fits]
        if not any(m.fits and m.needs_birth_date for m in members):
            del self.fields["birth_date"]
        if sessions is None:
            del self.fields["sessions"]
        else:
            self.fields["sessions"].required = True
            self.fields["sessions"].choices = [(s.pk, s.label) for s in sessions]
            self.fields["sessions"].error_messages["required"] = _("Choose at least one date.")


class ProgrammeChoiceForm(TextFormMixin, forms.Form):
    programme = forms.TypedChoiceField(label=_("Programme"), coerce=int)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", "—")] + [(p.pk, p.title) for p in programmes]


class ReferralForm(ChildForm):
    """A partner refers a child or adult the service does not know yet."""

    guardian_first_name = forms.CharField(label=_("Guardian's first name"), max_length=100)
    guardian_last_name = forms.CharField(label=_("Guardian's last name"), max_length=100)
    guardian_phone = forms.CharField(
        label=_("Guardian's mobile phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    note = forms.CharField(
        label=_("Why this referral?"),
        required=False,
        max_length=ENROLMENT_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    session = forms.TypedChoiceField(label=_("Session"), coerce=int, required=False)

    def clean_guardian_phone(self) -> str:
        # Checked before possible duplicates are looked up by it.
        try:
            return phone_to_e164(self.cleaned_data["guardian_phone"])
        except ValueError as exc:
            raise forms.ValidationError(PHONE_INVALID) from exc

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is None:
            del self.fields["session"]
        else:
            self.fields["session"].required = True
            self.fields["session"].choices = [(s.pk, s.label) for s in sessions]
