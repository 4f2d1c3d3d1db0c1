"""A group's meetings: plan, agenda and minutes, decisions, the two documents."""

from django.urls import path

from samverkan.meetings import views

urlpatterns = [
    path("grupper/<int:group_pk>/moten/nytt/", views.meeting_create, name="meeting_create"),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("moten/<int:pk>/protokoll/", views.meeting_minutes, name="meeting_minutes"),
    path("moten/<int:pk>/beslut/", views.decision_create, name="decision_create"),
    path("moten/<int:pk>/dokument/<slug:kind>/", views.meeting_document, name="meeting_document"),
]
