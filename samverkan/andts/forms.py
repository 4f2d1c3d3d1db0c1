"""Forms of the ANDT(S) pages. They parse; the rules live in andts.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.andts.models import Activity, LocalGoal, Strategy, StrategyGoal
from samverkan.collaboration.models import Collaboration
from samverkan.est.selectors import agreement_organisation_ids
from samverkan.incidents.models import Category
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import Organisation
from samverkan.plans.models import FollowUpStatus

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"})


class GoalChoice(forms.ModelChoiceField):
    def label_from_instance(self, goal: StrategyGoal) -> str:
        return f"{goal.number}. {goal.text}"


class PlanCreateForm(forms.Form):
    strategy = forms.ModelChoiceField(
        label=_("Nationell strategi"), queryset=Strategy.objects.none()
    )
    year = forms.IntegerField(label=_("År"))
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=300,
        required=False,
        help_text=_("Tomt: ”ANDT(S)-handlingsplan” och året."),
    )
    problem_description = forms.CharField(label=_("Problembild"), widget=TEXTAREA, required=False)
    baseline = forms.CharField(
        label=_("Utgångsläge"),
        widget=TEXTAREA,
        required=False,
        help_text=_("De siffror planen utgår från, med källa och år."),
    )

    def __init__(self, *args, strategies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["strategy"].queryset = strategies
        self.fields["year"].initial = timezone.localdate().year


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=300)
    period_start = forms.DateField(label=_("Period från"), widget=DATE)
    period_end = forms.DateField(label=_("Period till"), widget=DATE)
    problem_description = forms.CharField(label=_("Problembild"), widget=TEXTAREA, required=False)
    baseline = forms.CharField(label=_("Utgångsläge"), widget=TEXTAREA, required=False)


class PrioritisedGoalForm(forms.Form):
    goal = GoalChoice(label=_("Nationellt mål"), queryset=StrategyGoal.objects.none())
    rationale = forms.CharField(
        label=_("Motivering"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Varför målet prioriteras, utifrån den lokala lägesbilden. Krävs för beslut."),
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indikatorer"), queryset=Indicator.objects.none(), required=False
    )
    snapshot = forms.ModelChoiceField(
        label=_("Sparad lägesbild"), queryset=Indicator.objects.none(), required=False
    )
    incident_categories = forms.ModelMultipleChoiceField(
        label=_("Händelsekategorier"), queryset=Category.objects.none(), required=False
    )
    figure = forms.CharField(label=_("Siffra ur lägesbilden"), widget=TEXTAREA, required=False)
    figure_source = forms.CharField(label=_("Siffrans källa"), max_length=300, required=False)
    figure_period = forms.CharField(label=_("Siffrans period"), max_length=60, required=False)

    def __init__(self, *args, plan, indicators, snapshots, with_goal=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_goal:
            taken = plan.prioritised_goals.values("goal")
            self.fields["goal"].queryset = plan.strategy.goals.exclude(pk__in=taken)
        else:
            del self.fields["goal"]
        self.fields["indicators"].queryset = indicators.order_by("focus_area", "name")
        self.fields["snapshot"].queryset = snapshots.filter(agreement=plan.agreement)
        self.fields["incident_categories"].queryset = Category.objects.filter(active=True)


class LocalGoalForm(forms.Form):
    text = forms.CharField(label=_("Lokalt mål"), widget=TEXTAREA)


class ActivityForm(forms.Form):
    goal = GoalChoice(label=_("Prioriterat mål"), queryset=StrategyGoal.objects.none())
    local_goal = forms.ModelChoiceField(
        label=_("Lokalt mål"), queryset=LocalGoal.objects.none(), required=False
    )
    title = forms.CharField(label=_("Aktivitet"), max_length=300)
    kind = forms.ChoiceField(label=_("Typ"), choices=Activity.Kind.choices)
    description = forms.CharField(label=_("Beskrivning"), widget=TEXTAREA, required=False)
    intervention = forms.ModelChoiceField(
        label=_("Insats"), queryset=Indicator.objects.none(), required=False
    )
    collaboration = forms.ModelChoiceField(
        label=_("Samverkan"), queryset=Collaboration.objects.none(), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Ansvarig organisation"), queryset=Organisation.objects.none()
    )
    owner_role = forms.CharField(
        label=_("Ansvarig funktion"),
        max_length=200,
        required=False,
        help_text=_("En roll, till exempel alkoholhandläggare, aldrig en enskild person."),
    )
    start = forms.DateField(label=_("Start"), widget=DATE, required=False)
    end = forms.DateField(label=_("Slut"), widget=DATE, required=False)
    schedule_text = forms.CharField(label=_("Tidplan"), max_length=300, required=False)
    indicator = forms.ModelChoiceField(
        label=_("Indikator"), queryset=Indicator.objects.none(), required=False
    )

    def __init__(self, *args, plan, indicators, interventions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = StrategyGoal.objects.filter(
            pk__in=plan.prioritised_goals.values("goal")
        )
        self.fields["local_goal"].queryset = LocalGoal.objects.filter(prioritised_goal__plan=plan)
        self.fields["intervention"].queryset = interventions.filter(
            problem__agreement=plan.agreement
        )
        self.fields["collaboration"].queryset = Collaboration.objects.filter(
            agreement=plan.agreement
        )
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=agreement_organisation_ids(plan.agreement)
        ).order_by("name")
        self.fields["indicator"].queryset = indicators.order_by("focus_area", "name")


class NewVersionForm(forms.Form):
    year = forms.IntegerField(label=_("År för den nya versionen"))


class FollowUpForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=20, help_text=_("Till exempel 2026-T1."))
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    comment = forms.CharField(label=_("Kommentar"), widget=TEXTAREA, required=False)


class PriorityAreaForm(forms.Form):
    text = forms.CharField(label=_("Nytt insatsområde"), max_length=500)
