from django import forms
from django.utils.translation import gettext_lazy as _

from core.ids import IdField
from core.text import TextFormMixin
from households.models import Channel, Language

from .models import Channel as MessageChannel
from .models import MessageKind, MessageState


class MessageFilterForm(TextFormMixin, forms.Form):
    session = IdField(label=_("Session number"), required=False)
    household = IdField(label=_("Household number"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any"))] + MessageState.choices
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any"))] + MessageChannel.choices
    )
    kind = forms.ChoiceField(
        label=_("Message"), required=False, choices=[("", _("Any"))] + MessageKind.choices
    )


class PreferencesForm(TextFormMixin, forms.Form):
    preferred_channel = forms.ChoiceField(
        label=_("Send me messages by"), choices=Channel.choices, widget=forms.RadioSelect
    )
    language = forms.ChoiceField(label=_("Language of the messages"), choices=Language.choices)
    opt_out_sms = forms.BooleanField(label=_("I do not want any SMS"), required=False)
    opt_out_email = forms.BooleanField(label=_("I do not want any e-mail"), required=False)
