from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Datum"), widget=DATE, initial=timezone.localdate)
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    agenda = forms.CharField(
        label=_("Dagordning"),
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        help_text=_("En punkt per rad; en rad som börjar med - är en underpunkt."),
    )


class MinutesForm(forms.Form):
    agenda = forms.CharField(
        label=_("Dagordning"), widget=forms.Textarea(attrs={"rows": 10}), required=False
    )
    minutes = forms.CharField(
        label=_("Protokoll (anteckningar)"),
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
    )


class DecisionForm(forms.Form):
    target = forms.ChoiceField(label=_("Beslutet fastställer"), required=False)
    text = forms.CharField(
        label=_("Beslut"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Lämnas texten tom skrivs den ut efter vad beslutet fastställer."),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("Inget (ett beslut utan föremål)"))] + [
            (c.key, c.label) for c in candidates
        ]
