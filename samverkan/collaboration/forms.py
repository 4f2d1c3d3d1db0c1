"""The inventory's forms: a collaboration with its parties, the yearly review, the filters.

The forms check shape only; collaboration.services checks the rest (privacy, the fixed
lists, the link) and its messages are shown next to the fields (core.forms.add_service_errors).
"""

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.collaboration.models import Collaboration, FocusArea, Level, TargetGroup
from samverkan.collaboration.selectors import filter_collaborations
from samverkan.organisations.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 3}


class CollaborationForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=300)
    purpose = forms.CharField(label=_("Syfte"), widget=forms.Textarea(attrs=TEXT))
    legal_basis = forms.CharField(
        label=_("Rättslig grund (om det finns en)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    target_group = forms.ChoiceField(label=_("Målgrupp"), choices=TargetGroup.choices)
    level = forms.ChoiceField(label=_("Preventionsnivå"), choices=Level.choices)
    focus_areas = forms.MultipleChoiceField(
        label=_("Fokusområden"),
        choices=FocusArea.choices,
        help_text=_("Håll ned Ctrl (⌘ på Mac) för att välja flera."),
        widget=forms.SelectMultiple(attrs={"size": len(FocusArea.choices)}),
    )
    leadership = forms.CharField(
        label=_("Hur samverkan leds"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    meeting_frequency = forms.CharField(
        label=_("Hur ofta den möts"), max_length=200, required=False
    )
    contact_roles = forms.CharField(
        label=_("Kontaktroller"),
        required=False,
        help_text=_(
            "En roll per rad, till exempel ”Samordnare, socialförvaltningen”. Aldrig namn på klienter."
        ),
        widget=forms.Textarea(attrs=TEXT),
    )
    start = forms.DateField(label=_("Start"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Collaboration.Status.choices,
        initial=Collaboration.Status.RUNNING,
    )
    follow_up_method = forms.CharField(
        label=_("Hur den följs upp"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up_by = forms.CharField(label=_("Vem som följer upp"), max_length=300, required=False)
    documentation_url = forms.CharField(
        label=_("Länk till dokumentation"), max_length=500, required=False
    )
    is_example = forms.BooleanField(label=_("Exempel att komplettera"), required=False)

    @staticmethod
    def initial_for(collaboration: Collaboration) -> dict:
        return {name: getattr(collaboration, name) for name in CollaborationForm.base_fields}


class PartyForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.Select(attrs={"aria-label": _("Organisation")}),
    )
    role = forms.CharField(
        label=_("Roll i samverkan"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("Roll i samverkan")}),
    )


PartyFormSet = formset_factory(PartyForm, extra=3)


def party_initial(collaboration: Collaboration | None) -> list[dict]:
    if collaboration is None:
        return []
    return [
        {"organisation": party.organisation_id, "role": party.role}
        for party in collaboration.parties.all()
    ]


def parties_of(formset) -> list[tuple]:
    return [
        (form.cleaned_data["organisation"], form.cleaned_data.get("role", ""))
        for form in formset
        if form.cleaned_data.get("organisation")
    ]


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label=_("Granskad"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(
        label=_("Anteckning"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FilterForm(forms.Form):
    focus_area = forms.ChoiceField(
        label=_("Fokusområde"), required=False, choices=[("", _("Alla"))] + FocusArea.choices
    )
    level = forms.ChoiceField(
        label=_("Nivå"), required=False, choices=[("", _("Alla"))] + Level.choices
    )
    target_group = forms.ChoiceField(
        label=_("Målgrupp"), required=False, choices=[("", _("Alla"))] + TargetGroup.choices
    )

    def apply(self, collaborations):
        if not self.is_valid():
            return collaborations
        return filter_collaborations(collaborations, **self.cleaned_data)
