"""The plan pages: agreements, plans, goals and commitments, and the start page."""

from django.urls import path

from samverkan.plans import views

urlpatterns = [
    path("", views.home, name="home"),
    path("overenskommelser/", views.agreement_list, name="agreement_list"),
    path("overenskommelser/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("planer/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/ny-arsversion/", views.plan_revise, name="plan_revise"),
    path("planer/<int:pk>/faststall/", views.plan_decide, name="plan_decide"),
    path("planer/<int:pk>/planfil/", views.plan_export, name="plan_export"),
    path("planer/<int:pk>/kommunikation/", views.plan_communication, name="plan_communication"),
    path(
        "kommunikation/<int:pk>/status/",
        views.communication_status,
        name="communication_status",
    ),
    path("avsnitt/<int:section_pk>/nytt-mal/", views.goal_create, name="goal_create"),
    path(
        "avsnitt/<int:section_pk>/nytt-atagande/",
        views.commitment_create,
        name="commitment_create",
    ),
    path("mal/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("mal/<int:pk>/ta-bort/", views.goal_delete, name="goal_delete"),
    path("mal/<int:pk>/andra/", views.goal_edit, name="goal_edit"),
    path("ataganden/<int:pk>/", views.commitment_detail, name="commitment_detail"),
    path("ataganden/<int:pk>/andra/", views.commitment_edit, name="commitment_edit"),
    path("ataganden/<int:pk>/ta-bort/", views.commitment_delete, name="commitment_delete"),
]
