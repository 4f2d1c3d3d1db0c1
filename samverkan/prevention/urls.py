"""The prevention pages, mounted at /forebyggande/."""

from django.urls import path

from samverkan.prevention import views

urlpatterns = [
    path("", views.prevention_index, name="prevention_index"),
    path("<int:agreement_pk>/", views.prevention_problems, name="prevention_problems"),
    path(
        "<int:agreement_pk>/nytt/",
        views.prevention_problem_create,
        name="prevention_problem_create",
    ),
    path("problem/<int:pk>/", views.prevention_problem_detail, name="prevention_problem_detail"),
    path(
        "problem/<int:pk>/underlag/nytt/",
        views.prevention_evidence_add,
        name="prevention_evidence_add",
    ),
    path("problem/<int:pk>/andra/", views.prevention_problem_edit, name="prevention_problem_edit"),
    path(
        "problem/<int:pk>/orsaksanalys/",
        views.prevention_analysis_edit,
        name="prevention_analysis_edit",
    ),
    path(
        "problem/<int:pk>/insats/ny/",
        views.prevention_intervention_create,
        name="prevention_intervention_create",
    ),
    path(
        "orsaksanalys/<int:pk>/status/",
        views.prevention_analysis_status,
        name="prevention_analysis_status",
    ),
    path(
        "orsaksanalys/<int:pk>/utskrift/",
        views.prevention_analysis_print,
        name="prevention_analysis_print",
    ),
    path(
        "insats/<int:pk>/andra/",
        views.prevention_intervention_edit,
        name="prevention_intervention_edit",
    ),
    path("insats/<int:pk>/utvardering/", views.prevention_evaluation, name="prevention_evaluation"),
    path(
        "insats/<int:pk>/utvardering/berakna/",
        views.prevention_evaluation_recompute,
        name="prevention_evaluation_recompute",
    ),
    path(
        "<int:agreement_pk>/medborgarloften/",
        views.prevention_promises,
        name="prevention_promises",
    ),
    path(
        "<int:agreement_pk>/medborgarloften/nytt/",
        views.prevention_promise_create,
        name="prevention_promise_create",
    ),
    path(
        "medborgarlofte/<int:pk>/uppfoljning/",
        views.prevention_promise_follow_up,
        name="prevention_promise_follow_up",
    ),
]
