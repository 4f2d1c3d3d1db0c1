from django.contrib import admin

from samverkan.incidents.models import Category, Incident


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
