from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from core.text import TextFormMixin
from core.time import BoundedDateField

from .audit_words import audit_object_kind
from .contacts import identifier_parse, user_ids_for
from .models import ApiToken, AuditAction


class ApiTokenForm(TextFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What will use it, e.g. “partner calendar sync”."),
    )


class AuditFilterForm(TextFormMixin, forms.Form):
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditAction.choices],
    )
    object_type = forms.ChoiceField(label=_("Object type"), required=False, choices=[])
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    since = BoundedDateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = BoundedDateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = [
            ("", _("Any type")),
            *((value, audit_object_kind(value)) for value in object_types),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date must not be before the start date."))
        return cleaned


IDENTIFIER_LABEL = _("E-mail address or phone")


class SignInForm(AuthenticationForm):
    """Django's login form, asking for what families know: their e-mail or their phone."""

    error_messages = {
        "invalid_login": _(
            "The e-mail address, phone or password is not right. Check them and try again."
        ),
        "inactive": _("This account is closed. Call the service to open it again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = IDENTIFIER_LABEL
        username.max_length = 254
        username.widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "maxlength": 254}
        )
        self.fields["password"].label = _("Password")


class SignInCodeRequestForm(TextFormMixin, forms.Form):
    identifier = forms.CharField(
        label=IDENTIFIER_LABEL,
        max_length=254,
        help_text=_("The e-mail address or mobile phone number the service has for you."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code received"),
        max_length=12,
        help_text=_("6 digits"),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "maxlength": 12,
                "class": "code-input",
            }
        ),
    )


class SignUpForm(TextFormMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 10 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ClaimForm(TextFormMixin, forms.Form):
    CODE = "code"
    PASSWORD = "password"

    way = forms.ChoiceField(
        label=_("How do you want to sign in?"),
        choices=[
            (CODE, _("With a code sent to my phone or e-mail each time")),
            (PASSWORD, _("With a password I choose")),
        ],
        initial=CODE,
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Password (only if you chose a password)"),
        required=False,
        strip=False,
        help_text=_("At least 10 characters."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("way") == self.PASSWORD and not cleaned.get("password"):
            self.add_error("password", _("Choose a password, or sign in with a code instead."))
        if cleaned.get("way") == self.CODE:
            cleaned["password"] = ""
        return cleaned


class FamilyPasswordResetForm(PasswordResetForm):
    """Django's reset form, reaching accounts by any e-mail the service has for them (a
    guardian's too), and accounts that signed in with codes only, so that they can choose a
    password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("E-mail address")

    def get_users(self, email):
        identifier = identifier_parse(email)
        if identifier is None:
            return []
        user_ids = user_ids_for(identifier)
        users = User.objects.filter(pk__in=user_ids, is_active=True)
        for user in users:
            if not user.email:
                # The reset e-mail goes to, and its token is computed from, the account's own
                # address: an account known by its guardian's address takes that address.
                user.email = email.strip().lower()
                User.objects.filter(pk=user.pk, email="").update(email=user.email)
            yield user
