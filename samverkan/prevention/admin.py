from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from samverkan.prevention import services
from samverkan.prevention.models import (
    Cause,
    CauseAnalysis,
    ChainStep,
    Evaluation,
    EvidenceLink,
    Hypothesis,
    Intervention,
    Method,
    Problem,
    Promise,
    PromiseFollowUp,
    RiskFactor,
)


# The prevention work (docs/prevention.md) is written on its pages through
# prevention.services; the admin shows it and keeps the method catalogue. The decide rule
# holds here too: the intervention form asks services.check_can_decide.
class InterventionAdminForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "problem",
            "title",
            "type",
            "level",
            "horizon",
            "causes",
            "method",
            "districts",
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
            "indicators",
            "commitments",
            "est_actions",
            "status",
            "outcome",
        ]

    def clean(self):
        cleaned = super().clean()
        problem, status = cleaned.get("problem"), cleaned.get("status")
        stored = Intervention.objects.filter(pk=self.instance.pk).values_list("status", flat=True)
        if status == Intervention.Status.DECIDED and stored.first() != status:
            self.add_error("status", services.decided_status_message())
        elif problem is not None and status:
            try:
                services.check_can_decide(problem, status)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        causes = cleaned.get("causes")
        if problem is not None and causes is not None:
            foreign = [c for c in causes if c.analysis.problem_id != problem.pk]
            for cause in foreign:
                self.add_error(
                    "causes",
                    services.intervention_errors(problem, {"causes": [cause]})["causes"],
                )
        return cleaned


@admin.register(Intervention)
class InterventionAdmin(admin.ModelAdmin):
    form = InterventionAdminForm
    list_display = ["title", "problem", "type", "level", "status"]
    list_filter = ["status", "type", "level"]
    raw_id_fields = ["problem", "causes", "est_actions", "commitments"]
    readonly_fields = ["decision"]


class EvidenceInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    fields = ["kind", "source", "date_from", "date_to"]


@admin.register(Problem)
class ProblemAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "owner_organisation", "classification"]
    list_filter = ["agreement", "classification"]
    inlines = [EvidenceInline]


class CauseInline(admin.TabularInline):
    model = Cause
    extra = 0


class StepInline(admin.TabularInline):
    model = ChainStep
    extra = 0


class FactorInline(admin.TabularInline):
    model = RiskFactor
    extra = 0


class HypothesisInline(admin.TabularInline):
    model = Hypothesis
    extra = 0


@admin.register(CauseAnalysis)
class CauseAnalysisAdmin(admin.ModelAdmin):
    list_display = ["problem", "status", "classification", "reviewed_at", "decided_at"]
    list_filter = ["status"]
    inlines = [CauseInline, StepInline, FactorInline, HypothesisInline]


@admin.register(Method)
class MethodAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "type", "level", "evidence", "source"]
    list_filter = ["type", "level", "evidence"]
    search_fields = ["name", "slug", "target_problem"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["intervention", "before_from", "after_to", "computed_at"]
    readonly_fields = ["result", "data_version", "computed_at"]


class FollowUpInline(admin.TabularInline):
    model = PromiseFollowUp
    extra = 0


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    list_display = ["year", "text", "agreement", "owners"]
    list_filter = ["year", "owners"]
    inlines = [FollowUpInline]
