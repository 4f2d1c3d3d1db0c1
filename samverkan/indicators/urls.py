"""The indicator catalogue, one indicator, uploads, focus areas and a goal's indicators."""

from django.urls import path

from samverkan.indicators import views

urlpatterns = [
    path("indikatorer/", views.catalogue, name="indicator_catalogue"),
    path("indikatorer/ladda-upp/", views.indicator_upload, name="indicator_upload"),
    path("indikatorer/<slug:code>/", views.indicator_detail, name="indicator_detail"),
    path("indikatorer/<slug:code>/hamta/", views.indicator_fetch, name="indicator_fetch"),
    path("fokusomraden/<str:area>/", views.focus_area, name="focus_area"),
    path("mal/<int:pk>/indikatorer/", views.goal_indicators, name="goal_indicators"),
    path(
        "mal/<int:pk>/indikatorer/<int:link_pk>/ta-bort/",
        views.goal_indicator_delete,
        name="goal_indicator_delete",
    ),
]
