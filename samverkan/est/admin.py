from django.contrib import admin

from samverkan.est.models import Action, AreaRating, PlannedEvent, WeekMeeting


# EST (docs/est.md). Actions, events and ratings are written on the EST pages through
# est.services; the admin shows them. A closed meeting's snapshot is never edited.
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
