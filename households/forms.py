"""Forms of the household pages: the family's and the mediator's. Rules stay in the services:
a form only shapes input, and a domain error is shown on the field it names."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.text import SEARCH_MAX_LENGTH, TextFormMixin, validate_search, validate_text
from core.time import BoundedDateField

from .models import Channel, ConsentAnswer, ConsentKind, Guardian, Language, Sex

PHONE_INVALID = _("This phone number is not valid: type it as on a phone, e.g. 06 12 34 56 78.")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def show_error(form: forms.Form, error: DomainError) -> None:
    """Attach a service's error to the field it names, or to the form as a whole."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


class GuardianForm(TextFormMixin, forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    preferred_channel = forms.ChoiceField(
        label=_("Messages by"),
        choices=Channel.choices,
        initial=Channel.SMS,
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language of messages"), choices=Language.choices, initial=Language.FRENCH
    )


class GuardianEditForm(GuardianForm):
    opt_out_sms = forms.BooleanField(label=_("No SMS at all"), required=False)
    opt_out_email = forms.BooleanField(label=_("No e-mail at all"), required=False)


class FamilyHouseholdForm(GuardianForm):
    """A family registering itself: no code of urban policy (QPV) asked; a mediator records it."""

    neighbourhood = forms.CharField(label=_("Neighbourhood"), max_length=120, required=False)


class HouseholdForm(FamilyHouseholdForm):
    in_qpv = forms.BooleanField(
        label=_("Lives in a priority neighbourhood (QPV)"),
        required=False,
    )


class ChildForm(TextFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    birth_date = BoundedDateField(label=_("Birth date"), widget=DATE_INPUT)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, initial=Sex.UNSPECIFIED)
    school = forms.CharField(label=_("School"), max_length=200, required=False)
    school_class = forms.CharField(label=_("Class"), max_length=40, required=False)


class QuickHouseholdForm(HouseholdForm):
    """A mediator in the field: the guardian, and optionally a first child, in one screen."""

    child_first_name = forms.CharField(
        label=_("Child's first name"), max_length=100, required=False
    )
    child_birth_date = BoundedDateField(
        label=_("Child's birth date"), required=False, widget=DATE_INPUT
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("child_first_name")) != bool(cleaned.get("child_birth_date")):
            self.add_error(
                "child_birth_date" if cleaned.get("child_first_name") else "child_first_name",
                _("Give both the child's first name and birth date, or neither."),
            )
        return cleaned


class HouseholdSearchForm(TextFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Name, phone or reference"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        validators=[validate_search],
        widget=forms.TextInput(attrs={"type": "search", "autofocus": True}),
    )


class ConsentForm(TextFormMixin, forms.Form):
    """One answer to one consent: the button pressed says given or refused. A mediator
    recording it says which guardian answered; a guardian answers for themselves."""

    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    answer = forms.ChoiceField(
        choices=ConsentAnswer.choices,
        error_messages={"required": _("Choose “I agree” or “I refuse”.")},
    )
    given_by = forms.ModelChoiceField(
        queryset=Guardian.objects.none(),
        label=_("Who answered"),
        required=False,
        empty_label=None,
    )

    def __init__(self, *args, guardians=None, ask_who: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_who and guardians:
            self.fields["given_by"].queryset = guardians
            self.fields["given_by"].required = True
        else:
            del self.fields["given_by"]


SHEET_ROWS = 3
PHONE_WIDGET = forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"})


class SafetySheetForm(TextFormMixin, forms.Form):
    """The safety sheet on one page, in the order of the paper one; the service checks it.

    Rows of people left empty are skipped: contact 3 filled alone becomes the first contact,
    and an error the service finds on it is still shown on row 3 (``row_field``)."""

    allergies = forms.CharField(
        label=_("Allergies"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Food, medicine, insects… and what to do. Leave empty if none."),
    )
    diet = forms.CharField(
        label=_("Diet"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    treatment = forms.CharField(
        label=_("Treatment to take"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Leave empty if none."),
    )
    has_pai = forms.BooleanField(
        label=_("The child has an individual care plan (PAI)"), required=False
    )
    pai_details = forms.CharField(
        label=_("What the PAI says to do"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pai_document = forms.FileField(
        label=_("PAI document"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        help_text=_("A PDF, JPEG or PNG file of 5 MB at most; it replaces the previous one."),
    )
    doctor_name = forms.CharField(label=_("Doctor"), required=False, max_length=200)
    doctor_phone = forms.CharField(
        label=_("Doctor's phone"), required=False, max_length=32, widget=PHONE_WIDGET
    )
    may_leave_alone = forms.BooleanField(
        label=_("The child may leave alone at the end of the activity"), required=False
    )
    leave_alone_signed_on = BoundedDateField(
        label=_("Date the guardian signed this authorisation"), required=False, widget=DATE_INPUT
    )
    image_internal = forms.BooleanField(label=_("Photos for internal use"), required=False)
    image_printed = forms.BooleanField(label=_("Photos in printed documents"), required=False)
    image_web = forms.BooleanField(label=_("Photos on the town's website"), required=False)
    image_social = forms.BooleanField(label=_("Photos on social networks"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for prefix, title in (
            ("contact", _("Emergency contact %(n)s")),
            ("authorised", _("Authorised person %(n)s")),
        ):
            for n in range(1, SHEET_ROWS + 1):
                label = title % {"n": n}
                # Added after TextFormMixin ran: given the same rule here.
                self.fields[f"{prefix}_{n}_name"] = forms.CharField(
                    label=_("%(who)s: name") % {"who": label},
                    required=False,
                    max_length=200,
                    validators=[validate_text],
                )
                self.fields[f"{prefix}_{n}_relation"] = forms.CharField(
                    label=_("%(who)s: relation to the child") % {"who": label},
                    required=False,
                    max_length=200,
                    validators=[validate_text],
                )
                self.fields[f"{prefix}_{n}_phone"] = forms.CharField(
                    label=_("%(who)s: phone") % {"who": label},
                    required=False,
                    max_length=32,
                    widget=PHONE_WIDGET,
                    validators=[validate_text],
                )

    def _filled_rows(self, prefix: str) -> list[tuple[int, tuple[str, str, str]]]:
        data = self.cleaned_data
        rows = []
        for n in range(1, SHEET_ROWS + 1):
            row = (
                data.get(f"{prefix}_{n}_name", ""),
                data.get(f"{prefix}_{n}_relation", ""),
                data.get(f"{prefix}_{n}_phone", ""),
            )
            if any(value.strip() for value in row):
                rows.append((n, row))
        return rows

    def people(self, prefix: str) -> list[tuple[str, str, str]]:
        """The filled rows, in order, without the empty ones between them."""
        return [row for _n, row in self._filled_rows(prefix)]

    def row_field(self, prefix: str, index: int, part: str) -> str:
        """The form field of the ``index``-th person the service was given."""
        rows = self._filled_rows(prefix)
        n = rows[index][0] if 0 <= index < len(rows) else index + 1
        return f"{prefix}_{n}_{part}"

    def _rows(self, prefix: str) -> list[list]:
        return [
            [self[f"{prefix}_{n}_{part}"] for part in ("name", "relation", "phone")]
            for n in range(1, SHEET_ROWS + 1)
        ]

    # What the template lays out, section by section.
    def health_fields(self) -> list:
        return [
            self[name]
            for name in (
                "allergies",
                "diet",
                "treatment",
                "has_pai",
                "pai_details",
                "pai_document",
                "doctor_name",
                "doctor_phone",
            )
        ]

    def contact_rows(self) -> list[list]:
        return self._rows("contact")

    def authorised_rows(self) -> list[list]:
        return self._rows("authorised")

    def leave_alone_fields(self) -> list:
        return [self["may_leave_alone"], self["leave_alone_signed_on"]]

    def image_fields(self) -> list:
        return [
            self[name] for name in ("image_internal", "image_printed", "image_web", "image_social")
        ]
