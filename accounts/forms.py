from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextFormMixin

from .audit_words import audit_object_kind
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
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
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
