from django.contrib import admin

from samverkan.indicators.models import Indicator, Observation, ObservationRevision, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "publisher", "licence"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "publisher"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "unit", "source", "focus_area", "cadence", "active"]
    list_filter = ["source", "focus_area", "unit", "active"]
    search_fields = ["name", "code", "external_id"]


class ObservationRevisionInline(admin.TabularInline):
    model = ObservationRevision
    extra = 0
    readonly_fields = ["changed_at", "reason", "value", "n", "status", "import_run"]
    fields = readonly_fields


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ["indicator", "period_label", "geo_level", "geo_code", "breakdown_key", "value"]
    list_filter = ["indicator__source", "geo_level", "status"]
    search_fields = ["indicator__code", "indicator__name", "geo_code"]
    raw_id_fields = ["indicator", "district", "import_run"]
    inlines = [ObservationRevisionInline]
