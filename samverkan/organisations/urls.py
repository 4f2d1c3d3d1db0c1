"""Organisations and groups."""

from django.urls import path

from samverkan.organisations import views

urlpatterns = [
    path("organisationer/", views.organisation_list, name="organisation_list"),
    path(
        "organisationer/<int:pk>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path("grupper/<int:pk>/", views.group_detail, name="group_detail"),
    path("grupper/<int:pk>/ledamoter/", views.membership_add, name="membership_add"),
    path("uppdrag/<int:pk>/avsluta/", views.membership_end, name="membership_end"),
]
