# Over 500 lines: the forms of the whole SARA cycle, the evaluation and the medborgarlöften.
"""Forms of the prevention pages. They parse; the rules live in prevention.services.

The cause analysis's lists are written one per line: a cause per line on its bone (a line
starting with "indirekt:" is an indirect cause), a step of the event chain per line, a
factor per line as "risk; individ; text" and a hypothesis per line as
"hypotes | talar för | talar emot".
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.core.models import Classification
from samverkan.est.models import Action
from samverkan.est.selectors import agreement_organisation_ids
from samverkan.est.weekly import agreement_municipalities
from samverkan.incidents.models import Category
from samverkan.indicators.models import Indicator
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Place
from samverkan.plans.models import Commitment, Section
from samverkan.prevention.models import (
    Cause,
    CauseAnalysis,
    EvidenceLink,
    Intervention,
    InterventionLevel,
    InterventionType,
    Method,
    RiskFactor,
)

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"})


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProblemForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Rubrik"), max_length=300)
    description = forms.CharField(
        label=gettext_lazy("Vad är problemet"), required=False, widget=TEXTAREA
    )
    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Områden"), queryset=District.objects.none(), required=False
    )
    places = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Platser"), queryset=Place.objects.none(), required=False
    )
    when = forms.CharField(
        label=gettext_lazy("När (tider, dagar)"), required=False, widget=TEXTAREA
    )
    affected_groups = forms.CharField(
        label=gettext_lazy("Vilka drabbas"),
        help_text=gettext_lazy("Grupper, aldrig namngivna personer."),
        required=False,
        widget=TEXTAREA,
    )
    since = forms.DateField(label=gettext_lazy("Sedan"), required=False, widget=DATE)
    section = forms.ModelChoiceField(
        label=gettext_lazy("Fokusområde eller avsnitt i planen"),
        queryset=Section.objects.none(),
        required=False,
    )
    classification = forms.ChoiceField(
        label=gettext_lazy("Klassning"),
        choices=Classification.choices,
        initial=Classification.INTERNAL,
    )

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = agreement_municipalities(agreement).values("pk")
        self.fields["districts"].queryset = District.objects.filter(
            municipality__in=municipalities
        ).order_by("name")
        self.fields["places"].queryset = Place.objects.filter(
            municipality__in=municipalities
        ).order_by("name")
        self.fields["section"].queryset = Section.objects.filter(
            plan__agreement=agreement
        ).select_related("plan")

    @staticmethod
    def initial_for(problem) -> dict:
        return {
            "title": problem.title,
            "description": problem.description,
            "districts": list(problem.districts.all()),
            "places": list(problem.places.all()),
            "when": problem.when,
            "affected_groups": problem.affected_groups,
            "since": problem.since,
            "section": problem.section,
            "classification": problem.classification,
        }


BONES = [
    ("causes_victim", Cause.Bone.VICTIM),
    ("causes_offender", Cause.Bone.OFFENDER),
    ("causes_object_place", Cause.Bone.OBJECT_PLACE),
]
INDIRECT = "indirekt:"


class CauseAnalysisForm(forms.Form):
    classification = forms.ChoiceField(
        label=gettext_lazy("Klassning"), choices=Classification.choices
    )
    offender = forms.CharField(
        label=gettext_lazy("Gärningsperson (grupp, beteende)"), required=False, widget=TEXTAREA
    )
    target_victim = forms.CharField(
        label=gettext_lazy("Mål eller brottsutsatt"), required=False, widget=TEXTAREA
    )
    place_time = forms.CharField(
        label=gettext_lazy("Plats och tid"), required=False, widget=TEXTAREA
    )
    handler = forms.CharField(
        label=gettext_lazy("Den som påverkar gärningspersonen"), required=False, widget=TEXTAREA
    )
    handler_weak = forms.BooleanField(label=gettext_lazy("svag eller saknas"), required=False)
    guardian = forms.CharField(
        label=gettext_lazy("Väktare av målet"), required=False, widget=TEXTAREA
    )
    guardian_weak = forms.BooleanField(label=gettext_lazy("svag eller saknas"), required=False)
    place_manager = forms.CharField(
        label=gettext_lazy("Platsansvarig"), required=False, widget=TEXTAREA
    )
    place_manager_weak = forms.BooleanField(label=gettext_lazy("svag eller saknas"), required=False)
    causes_victim = forms.CharField(
        label=gettext_lazy("Orsaker: brottsutsatt"),
        help_text=gettext_lazy("En orsak per rad; ”indirekt:” först för en indirekt orsak."),
        required=False,
        widget=TEXTAREA,
    )
    causes_offender = forms.CharField(
        label=gettext_lazy("Orsaker: gärningsperson"), required=False, widget=TEXTAREA
    )
    causes_object_place = forms.CharField(
        label=gettext_lazy("Orsaker: objekt eller plats"), required=False, widget=TEXTAREA
    )
    steps = forms.CharField(
        label=gettext_lazy("Händelsekedjan"),
        help_text=gettext_lazy("Ett steg per rad, i ordning."),
        required=False,
        widget=TEXTAREA,
    )
    factors = forms.CharField(
        label=gettext_lazy("Risk- och skyddsfaktorer"),
        help_text=gettext_lazy(
            "En per rad: risk eller skydd; individ, familj, skola, kamrater eller samhälle; "
            "texten. Till exempel: risk; skola; låg närvaro"
        ),
        required=False,
        widget=TEXTAREA,
    )
    hypotheses = forms.CharField(
        label=gettext_lazy("Hypoteser"),
        help_text=gettext_lazy("En per rad: hypotes | talar för | talar emot"),
        required=False,
        widget=TEXTAREA,
    )
    data_used = forms.CharField(
        label=gettext_lazy("Vilka uppgifter användes"), required=False, widget=TEXTAREA
    )
    data_left_out = forms.CharField(
        label=gettext_lazy("Vilka uppgifter saknas eller lämnades utanför"),
        required=False,
        widget=TEXTAREA,
    )

    def clean_factors(self) -> list[dict]:
        rows = []
        for number, line in enumerate(_lines(self.cleaned_data["factors"]), start=1):
            parts = [part.strip() for part in line.split(";", 2)]
            if (
                len(parts) != 3
                or parts[0] not in RiskFactor.Kind.values
                or parts[1] not in RiskFactor.Level.values
            ):
                raise ValidationError(
                    _("Rad %(n)s: skriv ”risk eller skydd; nivå; text”, nivån en av %(levels)s.")
                    % {"n": number, "levels": ", ".join(RiskFactor.Level.values)}
                )
            rows.append({"kind": parts[0], "level": parts[1], "text": parts[2]})
        return rows

    def clean_hypotheses(self) -> list[dict]:
        rows = []
        for line in _lines(self.cleaned_data["hypotheses"]):
            parts = [part.strip() for part in line.split("|", 2)] + ["", ""]
            rows.append({"text": parts[0], "evidence_for": parts[1], "evidence_against": parts[2]})
        return rows

    def clean_steps(self) -> list[dict]:
        return [{"text": line} for line in _lines(self.cleaned_data["steps"])]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        causes = []
        for field, bone in BONES:
            for line in _lines(data.pop(field)):
                indirect = line.lower().startswith(INDIRECT)
                text = line[len(INDIRECT) :].strip() if indirect else line
                causes.append({"bone": bone, "text": text, "direct": not indirect})
        data["causes"] = causes
        return data

    @staticmethod
    def initial_for(analysis: CauseAnalysis | None, problem) -> dict:
        if analysis is None:
            return {"classification": problem.classification}
        initial = {
            name: getattr(analysis, name)
            for name in (
                "classification",
                "offender",
                "target_victim",
                "place_time",
                "handler",
                "handler_weak",
                "guardian",
                "guardian_weak",
                "place_manager",
                "place_manager_weak",
                "data_used",
                "data_left_out",
            )
        }
        for field, bone in BONES:
            initial[field] = "\n".join(
                (c.text if c.direct else f"{INDIRECT} {c.text}")
                for c in analysis.causes.filter(bone=bone)
            )
        initial["steps"] = "\n".join(s.text for s in analysis.steps.all())
        initial["factors"] = "\n".join(
            f"{f.kind}; {f.level}; {f.text}" for f in analysis.factors.all()
        )
        initial["hypotheses"] = "\n".join(
            f"{h.text} | {h.evidence_for} | {h.evidence_against}" for h in analysis.hypotheses.all()
        )
        return initial


class InterventionForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Rubrik"), max_length=300)
    method = forms.ModelChoiceField(
        label=gettext_lazy("Metod ur katalogen"),
        queryset=Method.objects.all(),
        required=False,
        help_text=gettext_lazy("Ger typ och nivå om de lämnas tomma."),
    )
    type = forms.ChoiceField(
        label=gettext_lazy("Typ"),
        choices=[("", "—"), *InterventionType.choices],
        required=False,
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Nivå"),
        choices=[("", "—"), *InterventionLevel.choices],
        required=False,
    )
    horizon = forms.ChoiceField(
        label=gettext_lazy("Tidsperspektiv"), choices=Intervention.Horizon.choices
    )
    causes = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Orsaker som insatsen riktar sig mot"),
        queryset=Cause.objects.none(),
        required=False,
    )
    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Områden"), queryset=District.objects.none(), required=False
    )
    target_group = forms.CharField(label=gettext_lazy("Målgrupp"), required=False, widget=TEXTAREA)
    owner_organisation = forms.ModelChoiceField(
        label=gettext_lazy("Ansvarig organisation"), queryset=Organisation.objects.none()
    )
    owner_role = forms.CharField(
        label=gettext_lazy("Ansvarig (roll)"), max_length=300, required=False
    )
    partners = forms.CharField(
        label=gettext_lazy("Samverkanspartner"), required=False, widget=TEXTAREA
    )
    start = forms.DateField(label=gettext_lazy("Start"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("Slut"), required=False, widget=DATE)
    resources = forms.CharField(label=gettext_lazy("Resurser"), required=False, widget=TEXTAREA)
    cost = forms.DecimalField(
        label=gettext_lazy("Kostnad (kr)"), required=False, max_digits=12, decimal_places=2
    )
    expected_effect = forms.CharField(
        label=gettext_lazy("Förväntad effekt"), required=False, widget=TEXTAREA
    )
    follow_up_method = forms.CharField(
        label=gettext_lazy("Hur insatsen följs upp"), required=False, widget=TEXTAREA
    )
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Indikatorer"), queryset=Indicator.objects.all(), required=False
    )
    commitments = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Åtaganden i planen"),
        queryset=Commitment.objects.none(),
        required=False,
    )
    est_actions = forms.ModelMultipleChoiceField(
        label=gettext_lazy("EST-åtgärder"), queryset=Action.objects.none(), required=False
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Intervention.Status.choices)
    outcome = forms.CharField(label=gettext_lazy("Utfall"), required=False, widget=TEXTAREA)

    def __init__(self, *args, problem, **kwargs):
        super().__init__(*args, **kwargs)
        agreement = problem.agreement
        self.fields["causes"].queryset = Cause.objects.filter(analysis__problem=problem)
        municipalities = agreement_municipalities(agreement).values("pk")
        self.fields["districts"].queryset = District.objects.filter(
            municipality__in=municipalities
        ).order_by("name")
        self.fields["owner_organisation"].queryset = Organisation.objects.filter(
            pk__in=agreement_organisation_ids(agreement)
        ).order_by("name")
        self.fields["commitments"].queryset = Commitment.objects.filter(
            section__plan__agreement=agreement
        ).select_related("section")
        self.fields["est_actions"].queryset = Action.objects.filter(agreement=agreement)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)

    @staticmethod
    def initial_for(intervention: Intervention) -> dict:
        initial = {
            name: getattr(intervention, name)
            for name in (
                "title",
                "method",
                "type",
                "level",
                "horizon",
                "target_group",
                "owner_organisation",
                "owner_role",
                "partners",
                "start",
                "end",
                "resources",
                "cost",
                "expected_effect",
                "follow_up_method",
                "status",
                "outcome",
            )
        }
        for name in ("causes", "districts", "indicators", "commitments", "est_actions"):
            initial[name] = list(getattr(intervention, name).all())
        return initial


class EvaluationForm(forms.Form):
    """An intervention's evaluation: the areas, the categories and the two periods."""

    treatment_districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Insatsområden"), queryset=District.objects.none(), required=False
    )
    comparison_districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Jämförelseområden"), queryset=District.objects.none(), required=False
    )
    buffer_districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Buffertområden (för förflyttning, valfritt)"),
        queryset=District.objects.none(),
        required=False,
    )
    categories = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Kategorier"), queryset=Category.objects.none(), required=False
    )
    before_from = forms.DateField(label=gettext_lazy("Före: från"), required=False, widget=DATE)
    before_to = forms.DateField(label=gettext_lazy("Före: till"), required=False, widget=DATE)
    after_from = forms.DateField(label=gettext_lazy("Efter: från"), required=False, widget=DATE)
    after_to = forms.DateField(label=gettext_lazy("Efter: till"), required=False, widget=DATE)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = agreement_municipalities(agreement).values("pk")
        districts = District.objects.filter(municipality__in=municipalities).order_by("name")
        for name in ("treatment_districts", "comparison_districts", "buffer_districts"):
            self.fields[name].queryset = districts
        self.fields["categories"].queryset = Category.objects.order_by("name")

    @staticmethod
    def initial_for(evaluation, intervention) -> dict:
        if evaluation is None:
            return {
                "treatment_districts": list(intervention.districts.all()),
                "after_from": intervention.start,
            }
        return {
            "treatment_districts": list(evaluation.treatment_districts.all()),
            "comparison_districts": list(evaluation.comparison_districts.all()),
            "buffer_districts": list(evaluation.buffer_districts.all()),
            "categories": list(evaluation.categories.all()),
            "before_from": evaluation.before_from,
            "before_to": evaluation.before_to,
            "after_from": evaluation.after_from,
            "after_to": evaluation.after_to,
        }


class QueryEvidenceForm(forms.Form):
    """The lägesbild's selection carried into a new problem as its first evidence (hidden)."""

    categories = forms.ModelMultipleChoiceField(
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    districts = forms.ModelMultipleChoiceField(
        queryset=District.objects.none(), required=False, widget=forms.MultipleHiddenInput
    )
    date_from = forms.DateField(required=False, widget=forms.HiddenInput)
    date_to = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        municipalities = agreement_municipalities(agreement).values("pk")
        self.fields["districts"].queryset = District.objects.filter(municipality__in=municipalities)

    @staticmethod
    def initial_from_lagesbild(query) -> dict:
        """The lägesbild's parameters (kategori, omrade, fran, till) as initial values."""
        return {
            "categories": [c for c in query.getlist("kategori") if c],
            "districts": [d for d in query.getlist("omrade") if d.isdigit()],
            "date_from": query.get("fran") or None,
            "date_to": query.get("till") or None,
        }

    def has_selection(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("categories")
            or data.get("districts")
            or data.get("date_from")
            or data.get("date_to")
        )


class PromiseForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("År"),
        error_messages={
            "required": gettext_lazy("Ange året."),
            "invalid": gettext_lazy("Året ska vara ett heltal, till exempel 2026."),
        },
    )
    text = forms.CharField(
        label=gettext_lazy("Löfte"),
        widget=TEXTAREA,
        error_messages={"required": gettext_lazy("Skriv vad som utlovas.")},
    )
    owners = forms.ChoiceField(
        label=gettext_lazy("Vem lovar"),
        choices=[
            ("bada", gettext_lazy("Båda")),
            ("kommun", gettext_lazy("Kommunen")),
            ("polis", gettext_lazy("Polisen")),
        ],
        error_messages={"invalid_choice": gettext_lazy("Välj kommunen, polisen eller båda.")},
    )
    target = forms.CharField(
        label=gettext_lazy("Mål"),
        help_text=gettext_lazy("Mätbart, till exempel: minst en trafikkontroll per dygn."),
        required=False,
        widget=TEXTAREA,
    )
    target_value = forms.DecimalField(
        label=gettext_lazy("Målvärde (minst)"),
        required=False,
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": gettext_lazy("Målvärdet ska vara ett tal, till exempel 1,5.")},
    )
    target_unit = forms.CharField(label=gettext_lazy("Enhet"), max_length=50, required=False)
    dialogue_link = forms.CharField(
        label=gettext_lazy("Medborgardialog (länk eller text)"), max_length=500, required=False
    )


class PromiseFollowUpForm(forms.Form):
    period_label = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=50,
        help_text=gettext_lazy("Till exempel T1 (jan–apr)."),
        error_messages={"required": gettext_lazy("Ange perioden, till exempel T1 (jan–apr).")},
    )
    value = forms.DecimalField(
        label=gettext_lazy("Uppnått värde"),
        required=False,
        max_digits=12,
        decimal_places=2,
        localize=True,
        error_messages={"invalid": gettext_lazy("Värdet ska vara ett tal, till exempel 1,5.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Intern kommentar"),
        help_text=gettext_lazy("Visas inte i uppföljningstabellen för den offentliga rapporten."),
        required=False,
        widget=TEXTAREA,
    )


class EvidenceForm(forms.Form):
    """One piece of evidence for a problem: a saved lägesbild, an EST week, a stored selection
    of reports (counted afresh at each reading) or an indicator, with its source."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Typ av underlag"), choices=EvidenceLink.Kind.choices
    )
    snapshot = forms.ModelChoiceField(
        label=gettext_lazy("Sparad lägesbild"), queryset=None, required=False
    )
    iso_year = forms.IntegerField(label=gettext_lazy("År (ISO)"), required=False, min_value=2000)
    iso_week = forms.IntegerField(label=gettext_lazy("Vecka (ISO)"), required=False)
    indicator = forms.ModelChoiceField(
        label=gettext_lazy("Indikator"), queryset=None, required=False
    )
    categories = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Kategorier"), queryset=Category.objects.all(), required=False
    )
    districts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Områden"), queryset=District.objects.none(), required=False
    )
    date_from = forms.DateField(
        label=gettext_lazy("Från"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Till"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    source = forms.CharField(label=gettext_lazy("Källa"), required=False, widget=TEXTAREA)
    note = forms.CharField(label=gettext_lazy("Kommentar"), required=False, widget=TEXTAREA)

    def __init__(self, *args, problem, snapshots, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["snapshot"].queryset = snapshots.filter(agreement=problem.agreement)
        self.fields["indicator"].queryset = indicators.order_by("name")
        municipalities = agreement_municipalities(problem.agreement).values("pk")
        self.fields["districts"].queryset = District.objects.filter(municipality__in=municipalities)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)
