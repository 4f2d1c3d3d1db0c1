"""The lägesbild pages, their charts and stored snapshots."""

from django.urls import path

from samverkan.lagesbild import views

urlpatterns = [
    path("lagesbild/", views.lagesbild_page, name="lagesbild"),
    path("lagesbild/ar/", views.annual_page, name="lagesbild_annual"),
    path(
        "lagesbild/ar/diagram.<str:fmt>",
        views.annual_chart,
        name="lagesbild_annual_chart",
    ),
    path("lagesbild/vega.js", views.vega_bundle, name="lagesbild_vega"),
    path(
        "lagesbild/diagram/<slug:key>.<str:fmt>",
        views.chart_download,
        name="lagesbild_chart",
    ),
    path("lagesbild/spara/", views.snapshot_save, name="lagesbild_save"),
    path("lagesbild/sparade/<int:pk>/", views.snapshot_detail, name="lagesbild_snapshot"),
    path(
        "lagesbild/sparade/<int:pk>/diagram/<slug:key>.<str:fmt>",
        views.snapshot_chart,
        name="lagesbild_snapshot_chart",
    ),
    path(
        "lagesbild/sparade/<int:pk>/rakna-om/",
        views.snapshot_recompute,
        name="lagesbild_recompute",
    ),
    path(
        "lagesbild/sparade/<int:pk>/jamfor/",
        views.snapshot_compare,
        name="lagesbild_compare",
    ),
]
