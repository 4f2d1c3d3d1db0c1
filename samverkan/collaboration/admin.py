"""The inventory in the admin: shown and searchable; the pages write it through
collaboration.services, and the admin's own form runs the same checks."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from samverkan.collaboration import services
from samverkan.collaboration.models import Collaboration, InventoryReview, Party, a_year_later


class CollaborationAdminForm(forms.ModelForm):
    # Checked by collaboration_errors, with its message.
    documentation_url = forms.CharField(label=_("länk till dokumentation"), required=False)

    class Meta:
        model = Collaboration
        fields = ["agreement", *sorted(services.FIELDS - {"parties"})]

    def clean(self):
        cleaned = super().clean()
        data = {name: cleaned.get(name) for name in services.FIELDS - {"parties"}}
        for field, messages in services.collaboration_errors(data).items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Collaboration)
class CollaborationAdmin(admin.ModelAdmin):
    form = CollaborationAdminForm
    list_display = ["name", "agreement", "target_group", "level", "status", "is_example"]
    list_filter = ["level", "target_group", "status", "is_example"]
    search_fields = ["name", "purpose"]
    inlines = [PartyInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(InventoryReview)
class InventoryReviewAdmin(admin.ModelAdmin):
    list_display = ["agreement", "reviewed_on", "next_review", "reviewed_by"]
    readonly_fields = ["next_review"]

    def save_model(self, request, obj, form, change):
        obj.next_review = a_year_later(obj.reviewed_on)
        super().save_model(request, obj, form, change)
