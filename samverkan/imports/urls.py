"""Import runs: the list and one run's page (each app has its own upload page)."""

from django.urls import path

from samverkan.imports import views

urlpatterns = [
    path("importer/", views.import_run_list, name="import_run_list"),
    path("importer/<int:pk>/", views.import_run_detail, name="import_run_detail"),
]
