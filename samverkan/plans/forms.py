from django import forms
from django.utils.translation import gettext_lazy as _

from samverkan.organisations.models import Group, Organisation
from samverkan.plans.models import Commitment, CommunicationActivity, FollowUpStatus, Goal


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    progress = forms.IntegerField(
        label=_("Andel genomfört (%)"), min_value=0, max_value=100, required=False
    )
    comment = forms.CharField(
        label=_("Kommentar"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    period_date = forms.DateField(
        label=_("Gäller perioden som innehåller datumet"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Förvalt: i dag, eller planens sista dag om planperioden är slut."),
    )


class ScheduleMixin:
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("continuous") and cleaned.get("due_date"):
            self.add_error("due_date", _("Ett löpande åtagande har inget slutdatum."))
        return cleaned


class CommitmentForm(ScheduleMixin, forms.ModelForm):
    class Meta:
        model = Commitment
        fields = [
            "text",
            "responsible_organisations",
            "responsible_groups",
            "responsible_persons",
            "responsibility_text",
            "due_date",
            "continuous",
            "schedule_text",
        ]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "responsible_organisations": forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            "responsible_groups": forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            "responsible_persons": forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "responsibility_text": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, organisations, groups, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_organisations"].queryset = organisations
        self.fields["responsible_groups"].queryset = groups
        self.fields["responsible_persons"].queryset = persons


class GoalForm(ScheduleMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["text", "due_date", "continuous", "schedule_text"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }


class PlanFilterForm(forms.Form):
    """Filters on the plan page; every field is optional and unknown values are ignored."""

    organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"), queryset=Organisation.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Ansvarig grupp"), queryset=Group.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "Alla")] + FollowUpStatus.choices, required=False
    )
    section = forms.TypedChoiceField(
        label=_("Avsnitt"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, plan, organisations, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = _("Alla")
        self.fields["group"].queryset = groups
        self.fields["group"].empty_label = _("Alla")
        self.fields["section"].choices = [("", _("Alla"))] + [
            (s.pk, f"{s.number}. {s.title}") for s in plan.sections.all()
        ]


class CommunicationForm(forms.ModelForm):
    class Meta:
        model = CommunicationActivity
        fields = ["when", "audience", "message", "channel", "owner_organisation", "goal"]
        widgets = {
            "when": forms.DateInput(attrs={"type": "date"}),
            "message": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisations, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_organisation"].queryset = organisations
        self.fields["goal"].queryset = goals
        self.fields["goal"].required = False
