"""The strategies, their goals and priority areas are editable reference data in the admin;
action plans are shown read-only there (the pages and services write them)."""

from django.contrib import admin

from samverkan.andts.models import ActionPlan, PriorityArea, Strategy, StrategyGoal


class StrategyGoalInline(admin.TabularInline):
    model = StrategyGoal
    extra = 0


class PriorityAreaInline(admin.TabularInline):
    model = PriorityArea
    extra = 1


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ("title", "period_start", "period_end")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [StrategyGoalInline]


@admin.register(StrategyGoal)
class StrategyGoalAdmin(admin.ModelAdmin):
    list_display = ("strategy", "number", "text")
    list_filter = ("strategy",)
    inlines = [PriorityAreaInline]


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "agreement", "year", "status", "decided_on")
    # Beslutad only by a decision recorded at a meeting (meetings.services.decision_record).
    readonly_fields = ("status", "decided_by", "decided_on", "decision", "meeting_decision")
    list_filter = ("status", "strategy")

    # Every rule (strategy, decision, immutability) lives in andts.services: the admin
    # only shows the plans.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
