from django.contrib import admin

from samverkan.incidents.models import (
    Action,
    AreaRating,
    Category,
    Incident,
    PlannedEvent,
    WeekMeeting,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "active", "position"]
    list_editable = ["active", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    # Read-only here: every write goes through incidents.services (privacy guard, checks).
    list_display = ["occurred_from", "category", "municipality", "district", "organisation"]
    list_filter = ["status", "source", "classification", "category"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# EST (docs/est.md). Actions, events and ratings are written on the EST pages through
# incidents.est; the admin shows them. A closed meeting's snapshot is never edited.
@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["what", "agreement", "iso_year", "iso_week", "owner_organisation", "status"]
    list_filter = ["status", "agreement"]
    raw_id_fields = ["incidents"]


@admin.register(WeekMeeting)
class WeekMeetingAdmin(admin.ModelAdmin):
    list_display = ["agreement", "iso_year", "iso_week", "status", "closed_at"]
    list_filter = ["status", "agreement"]

    def has_change_permission(self, request, obj=None):
        return obj is None or not obj.is_closed


@admin.register(PlannedEvent)
class PlannedEventAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "starts_at", "ends_at", "organisation"]


@admin.register(AreaRating)
class AreaRatingAdmin(admin.ModelAdmin):
    list_display = ["district", "agreement", "period_label", "level", "trend", "prioritised"]
    list_filter = ["period_label", "prioritised"]
