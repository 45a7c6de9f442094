from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.text import TextFormMixin
from core.time import BoundedDateField, BoundedDateTimeField
from programmes.models import Kind, Programme, ProgrammeStatus

from .models import MAX_WEIGHT, PriorityRule

WISH_SLOTS = 5


class RulesForm(TextFormMixin, forms.Form):
    max_per_child = forms.IntegerField(
        label=_("Activities per child at most"), min_value=1, max_value=20
    )
    max_per_household = forms.IntegerField(
        label=_("Activities per household at most"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty for no household cap."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rule in PriorityRule:
            self.fields[f"weight_{rule.value}"] = forms.IntegerField(
                label=rule.label, min_value=0, max_value=MAX_WEIGHT
            )

    def weights(self) -> dict[str, int]:
        return {rule.value: self.cleaned_data[f"weight_{rule.value}"] for rule in PriorityRule}


class RoundForm(RulesForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    wishes_open_at = BoundedDateTimeField(
        label=_("Wishes open at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    wishes_close_at = BoundedDateTimeField(
        label=_("Wishes close at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    results_on = BoundedDateField(
        label=_("Results published on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    programmes = forms.ModelMultipleChoiceField(
        label=_("Holiday activities in the round"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = [
        "title",
        "wishes_open_at",
        "wishes_close_at",
        "results_on",
        "programmes",
        "max_per_child",
        "max_per_household",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = Programme.objects.filter(
            status=ProgrammeStatus.PUBLISHED, kind=Kind.HOLIDAY_ACTIVITY
        ).order_by("title")
        self.order_fields(self.field_order)


class WishForm(TextFormMixin, forms.Form):
    """Ranked wishes for one child, or for siblings kept together."""

    participants = forms.TypedMultipleChoiceField(
        label=_("For whom?"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    grouped = forms.BooleanField(
        label=_("Keep them together: a place for all of them, or for none"), required=False
    )

    def __init__(self, *args, children, activities, not_offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].choices = [(c.pk, c.full_name) for c in children]
        if not_offered:
            # Members who fit no activity of the round are not offered; say why beside the list.
            self.fields["participants"].help_text = " ".join(
                [gettext("Not offered:"), *not_offered]
            )
        choices = [("", "—")] + [(a.pk, str(a)) for a in activities]
        for rank in range(1, WISH_SLOTS + 1):
            label = _("First choice") if rank == 1 else _("Choice %(rank)s") % {"rank": rank}
            self.fields[f"choice_{rank}"] = forms.TypedChoiceField(
                label=label, choices=choices, coerce=int, required=rank == 1, empty_value=None
            )

    def ranked_activity_ids(self) -> list[int]:
        ranked = [self.cleaned_data.get(f"choice_{rank}") for rank in range(1, WISH_SLOTS + 1)]
        return [pk for pk in ranked if pk is not None]
