"""Forms of the family, mediator and partner spaces. Rules stay in the services: a form only
shapes input, and a domain error is shown on the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import SEARCH_MAX_LENGTH, TextFormMixin, validate_search

from .errors import EnrolmentError
from .models import ENROLMENT_NOTE_LENGTH, Channel, ConsentKind, Language, Sex

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_error(form: forms.Form, error: EnrolmentError) -> None:
    """Attach a service's error to the field it names, or to the form as a whole."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class GuardianForm(TextFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100,
                                 widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label=_("Last name"), max_length=100,
                                widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=32, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel",
                                                          "inputmode": "tel"}))
    email = forms.EmailField(label=_("E-mail"), required=False,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    preferred_channel = forms.ChoiceField(label=_("Messages by"), choices=Channel.choices,
                                          initial=Channel.SMS, widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language of messages"), choices=Language.choices,
                                 initial=Language.FRENCH)


class GuardianEditForm(GuardianForm):
    opt_out_sms = forms.BooleanField(label=_("No SMS at all"), required=False)
    opt_out_email = forms.BooleanField(label=_("No e-mail at all"), required=False)


class HouseholdForm(GuardianForm):
    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=120, required=False)
    in_qpv = forms.BooleanField(
        label=_("Lives in a priority neighbourhood (QPV)"), required=False,
    )


class ChildForm(TextFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = forms.DateField(label=_("Birth date"), widget=DATE_INPUT)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNSPECIFIED)
    school = forms.CharField(label=_("School"), max_length=200, required=False)
    school_class = forms.CharField(label=_("Class"), max_length=40, required=False)


class QuickHouseholdForm(HouseholdForm):
    """A mediator in the field: the guardian, and optionally a first child, in one screen."""

    child_first_name = forms.CharField(label=_("Child's first name"), max_length=100,
                                       required=False)
    child_birth_date = forms.DateField(label=_("Child's birth date"), required=False,
                                       widget=DATE_INPUT)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("child_first_name")) != bool(cleaned.get("child_birth_date")):
            self.add_error("child_birth_date" if cleaned.get("child_first_name")
                           else "child_first_name",
                           _("Give both the child's first name and birth date, or neither."))
        return cleaned


class HouseholdSearchForm(TextFormMixin, forms.Form):
    q = forms.CharField(label=_("Name, phone or reference"), max_length=SEARCH_MAX_LENGTH,
                        required=False, validators=[validate_search],
                        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}))


class EnrolForm(TextFormMixin, forms.Form):
    """Who, and for a per-session programme which session; choices built from the caller's data."""

    participant = forms.TypedChoiceField(label=_("Who takes part?"), coerce=int,
                                         widget=forms.RadioSelect)
    session = forms.TypedChoiceField(label=_("Session"), coerce=int, required=False,
                                     widget=forms.RadioSelect)

    def __init__(self, *args, participants, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.pk, p.full_name) for p in participants]
        if sessions is None:
            del self.fields["session"]
        else:
            self.fields["session"].required = True
            self.fields["session"].choices = [(s.pk, s.label) for s in sessions]


class ConsentForm(TextFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("I agree"), required=True)


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
        label=_("Guardian's mobile phone"), max_length=32,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    note = forms.CharField(label=_("Why this referral?"), required=False,
                           max_length=ENROLMENT_NOTE_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))
    session = forms.TypedChoiceField(label=_("Session"), coerce=int, required=False)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sessions is None:
            del self.fields["session"]
        else:
            self.fields["session"].required = True
            self.fields["session"].choices = [(s.pk, s.label) for s in sessions]
