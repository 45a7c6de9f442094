from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextFormMixin


class ErasureConfirmForm(TextFormMixin, forms.Form):
    reference = forms.CharField(
        label=_("Type the household's reference to confirm"),
        max_length=16,
        help_text=_("Erasure cannot be undone."),
    )

    def __init__(self, *args, expected: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_reference(self) -> str:
        value = self.cleaned_data["reference"].strip().upper()
        if value != self.expected.upper():
            raise forms.ValidationError(_("This is not the household's reference."))
        return value
