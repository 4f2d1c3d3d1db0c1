"""The inventory pages, mounted at /inventering/."""

from django.urls import path

from samverkan.collaboration import views

urlpatterns = [
    path("", views.collaboration_index, name="collaboration_index"),
    path("<int:agreement_pk>/", views.collaboration_list, name="collaboration_list"),
    path("<int:agreement_pk>/ny/", views.collaboration_create, name="collaboration_create"),
    path(
        "<int:agreement_pk>/oversikt/",
        views.collaboration_overview,
        name="collaboration_overview",
    ),
    path(
        "<int:agreement_pk>/granskning/",
        views.collaboration_review,
        name="collaboration_review",
    ),
    path("samverkan/<int:pk>/", views.collaboration_detail, name="collaboration_detail"),
    path("samverkan/<int:pk>/andra/", views.collaboration_edit, name="collaboration_edit"),
    path(
        "for-insats/<int:problem_pk>/",
        views.collaboration_for_intervention,
        name="collaboration_for_intervention",
    ),
]
