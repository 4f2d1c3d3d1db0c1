"""The ANDT(S) pages, mounted at /andts/."""

from django.urls import path

from samverkan.andts import views

urlpatterns = [
    path("", views.andts_index, name="andts_index"),
    path("strategi/<int:pk>/", views.andts_strategy_detail, name="andts_strategy_detail"),
    path(
        "strategimal/<int:pk>/insatsomrade/",
        views.andts_priority_area_add,
        name="andts_priority_area_add",
    ),
    path(
        "insatsomrade/<int:pk>/ta-bort/",
        views.andts_priority_area_remove,
        name="andts_priority_area_remove",
    ),
    path("<int:agreement_pk>/", views.andts_plans, name="andts_plans"),
    path("<int:agreement_pk>/ny/", views.andts_plan_create, name="andts_plan_create"),
    path("plan/<int:pk>/", views.andts_plan_detail, name="andts_plan_detail"),
    path("plan/<int:pk>/andra/", views.andts_plan_edit, name="andts_plan_edit"),
    path("plan/<int:pk>/mal/nytt/", views.andts_goal_add, name="andts_goal_add"),
    path("plan/<int:pk>/aktivitet/ny/", views.andts_activity_add, name="andts_activity_add"),
    path("plan/<int:pk>/besluta/", views.andts_plan_decide, name="andts_plan_decide"),
    path("plan/<int:pk>/ny-version/", views.andts_plan_new_version, name="andts_plan_new_version"),
    path("mal/<int:pk>/andra/", views.andts_goal_edit, name="andts_goal_edit"),
    path("mal/<int:pk>/lokalt-mal/", views.andts_local_goal_add, name="andts_local_goal_add"),
    path("aktivitet/<int:pk>/andra/", views.andts_activity_edit, name="andts_activity_edit"),
    path(
        "aktivitet/<int:pk>/uppfoljning/",
        views.andts_follow_up_add,
        name="andts_follow_up_add",
    ),
]
