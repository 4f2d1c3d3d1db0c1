from django.contrib import admin

from samverkan.imports.models import ColumnMapping, ImportProblem, ImportRun


class ImportProblemInline(admin.TabularInline):
    model = ImportProblem
    extra = 0
    readonly_fields = ["row", "field", "value", "message"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "kind", "source", "status", "created", "updated", "failed"]
    list_filter = ["kind", "source", "status"]
    inlines = [ImportProblemInline]


@admin.register(ColumnMapping)
class ColumnMappingAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation", "updated_at"]
