from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from samverkan.plans.models import (
    Agreement,
    Commitment,
    FollowUp,
    Goal,
    Plan,
    Reminder,
    Section,
)


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "start", "end", "public_page"]
    list_filter = ["public_page"]
    filter_horizontal = ["parties"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "agreement", "status", "period_start", "period_end"]
    # Fastställd only by a decision recorded at a meeting (meetings.services.decision_record).
    readonly_fields = ["status", "decision"]


admin.site.register(Section, SimpleHistoryAdmin)
admin.site.register(Goal, SimpleHistoryAdmin)
admin.site.register(Commitment, SimpleHistoryAdmin)
admin.site.register(FollowUp, SimpleHistoryAdmin)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["day", "person", "kind", "items", "sent_at"]
    list_filter = ["kind", "day"]
