from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.text import TextFormMixin
from core.time import BoundedDateField
from programmes.models import Field, Kind

from .selectors import EARLIEST_FILTER_DATE, LATEST_FILTER_DATE


class CatalogueFilterForm(TextFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    field = forms.ChoiceField(
        label=_("Field"), required=False, choices=[("", _("All fields")), *Field.choices]
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=120)
    date = BoundedDateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(
            attrs={
                "type": "date",
                "min": EARLIEST_FILTER_DATE.isoformat(),
                "max": LATEST_FILTER_DATE.isoformat(),
            }
        ),
        validators=[MinValueValidator(EARLIEST_FILTER_DATE), MaxValueValidator(LATEST_FILTER_DATE)],
    )
