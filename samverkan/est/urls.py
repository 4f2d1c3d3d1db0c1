"""The EST pages, mounted at /est/."""

from django.urls import path

from samverkan.est import views

WEEK = "<int:agreement_pk>/<int:year>/v<int:week>/"

urlpatterns = [
    path("", views.est_index, name="est_index"),
    path(WEEK, views.est_week, name="est_week"),
    path(WEEK + "noteringar/", views.est_week_note, name="est_week_note"),
    path(WEEK + "mote/", views.est_meeting, name="est_meeting"),
    path(WEEK + "stang/", views.est_meeting_close, name="est_meeting_close"),
    path("<int:agreement_pk>/atgarder/", views.est_actions, name="est_actions"),
    path(
        "<int:agreement_pk>/atgarder/ansvariga/", views.est_action_owners, name="est_action_owners"
    ),
    path("atgarder/<int:pk>/andra/", views.est_action_edit, name="est_action_edit"),
    path("<int:agreement_pk>/evenemang/ny/", views.est_event_create, name="est_event_create"),
    path("<int:agreement_pk>/prioritering/", views.est_priorities, name="est_priorities"),
]
