"""Admin for municipalities, districts and places. Boundaries and positions are checked by the
same rules as everywhere (`places.geometry`), and a place's district is set by the service."""

from django import forms
from django.contrib import admin

from samverkan.places import services
from samverkan.places.geometry import clean_boundary
from samverkan.places.models import District, Municipality, Place


class _BoundaryForm(forms.ModelForm):
    def clean_boundary(self):
        return clean_boundary(self.cleaned_data["boundary"])


class MunicipalityForm(_BoundaryForm):
    class Meta:
        model = Municipality
        fields = ["code", "name", "organisation", "boundary", "approximate", "source"]


class DistrictForm(_BoundaryForm):
    class Meta:
        model = District
        fields = ["municipality", "name", "slug", "code", "boundary", "approximate", "source"]


class PlaceForm(forms.ModelForm):
    class Meta:
        model = Place
        fields = ["municipality", "name", "kind", "lat", "lon", "description"]

    def clean(self):
        data = super().clean()
        municipality = data.get("municipality") or getattr(self.instance, "municipality", None)
        if municipality and data.get("lat") is not None and data.get("lon") is not None:
            services.place_check_position(
                municipality=municipality, lat=data["lat"], lon=data["lon"]
            )
        return data


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    form = MunicipalityForm
    list_display = ["name", "code", "organisation", "approximate"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    form = DistrictForm
    list_display = ["name", "municipality", "slug", "code", "approximate"]
    list_filter = ["municipality", "approximate"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.places_assign_districts(municipality=obj.municipality)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    form = PlaceForm
    list_display = ["name", "kind", "district", "municipality"]
    list_filter = ["municipality", "kind", "district"]
    search_fields = ["name"]

    def get_readonly_fields(self, request, obj=None):
        # A place does not move to another municipality; create a new one instead.
        return ["district", "municipality"] if obj else ["district"]

    def save_model(self, request, obj, form, change):
        # The district follows from the point. The form's clean has already checked the
        # position with the service's own rule, so nothing here raises.
        fields = {k: form.cleaned_data[k] for k in ("name", "kind", "lat", "lon", "description")}
        if change:
            services.place_update(place=obj, **fields)
        else:
            created = services.place_create(municipality=obj.municipality, **fields)
            obj.pk = created.pk
