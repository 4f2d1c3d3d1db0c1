"""Import runs: the list, an upload and one run's page."""

from django.urls import path

from samverkan.imports import views

urlpatterns = [
    path("importer/", views.import_run_list, name="import_run_list"),
    path("importer/ny/", views.import_upload, name="import_upload"),
    path("importer/<int:pk>/", views.import_run_detail, name="import_run_detail"),
]
