"""Incident reports: list, form, map, export and Polisen's type mapping, and the upload of a file of reports."""

from django.urls import path

from samverkan.incidents import polisen_views, upload_views, views

urlpatterns = [
    path("importer/ny/", upload_views.import_upload, name="import_upload"),
    path("handelser/", views.incident_list, name="incident_list"),
    path("handelser/ny/", views.incident_create, name="incident_create"),
    path("handelser/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("handelser/karta/", views.incident_map, name="incident_map"),
    path("handelser/typer/", polisen_views.type_mapping, name="incident_type_mapping"),
    path("handelser/karta/data/", views.incident_map_data, name="incident_map_data"),
    path("handelser/export.csv", views.incident_export_csv, name="incident_export_csv"),
    path("handelser/export.xlsx", views.incident_export_xlsx, name="incident_export_xlsx"),
    path("handelser/<int:pk>/andra/", views.incident_edit, name="incident_edit"),
]
