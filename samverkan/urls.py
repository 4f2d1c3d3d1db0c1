from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from samverkan.api import api
from samverkan.imports import views as import_views
from samverkan.incidents import est_views, open311, polisen_views, upload_views
from samverkan.incidents import views as incident_views
from samverkan.indicators import views as indicator_views
from samverkan.lagesbild import views as lagesbild_views
from samverkan.organisations import views as organisation_views
from samverkan.places import views as place_views
from samverkan.plans import views as plan_views

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("overenskommelser/", plan_views.agreement_list, name="agreement_list"),
    path("overenskommelser/<int:pk>/", plan_views.agreement_detail, name="agreement_detail"),
    path("planer/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("planer/<int:pk>/ny-arsversion/", plan_views.plan_revise, name="plan_revise"),
    path("planer/<int:pk>/faststall/", plan_views.plan_decide, name="plan_decide"),
    path("planer/<int:pk>/planfil/", plan_views.plan_export, name="plan_export"),
    path("avsnitt/<int:section_pk>/nytt-mal/", plan_views.goal_create, name="goal_create"),
    path(
        "avsnitt/<int:section_pk>/nytt-atagande/",
        plan_views.commitment_create,
        name="commitment_create",
    ),
    path("mal/<int:pk>/", plan_views.goal_detail, name="goal_detail"),
    path("mal/<int:pk>/ta-bort/", plan_views.goal_delete, name="goal_delete"),
    path("mal/<int:pk>/andra/", plan_views.goal_edit, name="goal_edit"),
    path("ataganden/<int:pk>/", plan_views.commitment_detail, name="commitment_detail"),
    path("ataganden/<int:pk>/andra/", plan_views.commitment_edit, name="commitment_edit"),
    path("ataganden/<int:pk>/ta-bort/", plan_views.commitment_delete, name="commitment_delete"),
    path("organisationer/", organisation_views.organisation_list, name="organisation_list"),
    path(
        "organisationer/<int:pk>/",
        organisation_views.organisation_detail,
        name="organisation_detail",
    ),
    path("grupper/<int:pk>/", organisation_views.group_detail, name="group_detail"),
    path("lagesbild/", lagesbild_views.lagesbild_page, name="lagesbild"),
    path("lagesbild/ar/", lagesbild_views.annual_page, name="lagesbild_annual"),
    path(
        "lagesbild/ar/diagram.<str:fmt>",
        lagesbild_views.annual_chart,
        name="lagesbild_annual_chart",
    ),
    path("lagesbild/vega.js", lagesbild_views.vega_bundle, name="lagesbild_vega"),
    path(
        "lagesbild/diagram/<slug:key>.<str:fmt>",
        lagesbild_views.chart_download,
        name="lagesbild_chart",
    ),
    path("lagesbild/spara/", lagesbild_views.snapshot_save, name="lagesbild_save"),
    path("lagesbild/sparade/<int:pk>/", lagesbild_views.snapshot_detail, name="lagesbild_snapshot"),
    path(
        "lagesbild/sparade/<int:pk>/diagram/<slug:key>.<str:fmt>",
        lagesbild_views.snapshot_chart,
        name="lagesbild_snapshot_chart",
    ),
    path(
        "lagesbild/sparade/<int:pk>/rakna-om/",
        lagesbild_views.snapshot_recompute,
        name="lagesbild_recompute",
    ),
    path(
        "lagesbild/sparade/<int:pk>/jamfor/",
        lagesbild_views.snapshot_compare,
        name="lagesbild_compare",
    ),
    path("omraden/", place_views.district_list, name="district_list"),
    path("omraden/<int:pk>/", place_views.district_detail, name="district_detail"),
    path("platser/<int:pk>/", place_views.place_detail, name="place_detail"),
    path("importer/", import_views.import_run_list, name="import_run_list"),
    path("importer/ny/", upload_views.import_upload, name="import_upload"),
    path("importer/<int:pk>/", import_views.import_run_detail, name="import_run_detail"),
    path("handelser/", incident_views.incident_list, name="incident_list"),
    path("handelser/ny/", incident_views.incident_create, name="incident_create"),
    path("handelser/<int:pk>/", incident_views.incident_detail, name="incident_detail"),
    path("handelser/karta/", incident_views.incident_map, name="incident_map"),
    path("handelser/typer/", polisen_views.type_mapping, name="incident_type_mapping"),
    path("handelser/karta/data/", incident_views.incident_map_data, name="incident_map_data"),
    path("handelser/export.csv", incident_views.incident_export_csv, name="incident_export_csv"),
    path("handelser/export.xlsx", incident_views.incident_export_xlsx, name="incident_export_xlsx"),
    path("handelser/<int:pk>/andra/", incident_views.incident_edit, name="incident_edit"),
    path("est/", est_views.est_index, name="est_index"),
    path("est/<int:agreement_pk>/<int:year>/v<int:week>/", est_views.est_week, name="est_week"),
    path(
        "est/<int:agreement_pk>/<int:year>/v<int:week>/noteringar/",
        est_views.est_week_note,
        name="est_week_note",
    ),
    path(
        "est/<int:agreement_pk>/<int:year>/v<int:week>/mote/",
        est_views.est_meeting,
        name="est_meeting",
    ),
    path(
        "est/<int:agreement_pk>/<int:year>/v<int:week>/stang/",
        est_views.est_meeting_close,
        name="est_meeting_close",
    ),
    path("est/<int:agreement_pk>/atgarder/", est_views.est_actions, name="est_actions"),
    path("est/atgarder/<int:pk>/andra/", est_views.est_action_edit, name="est_action_edit"),
    path(
        "est/<int:agreement_pk>/evenemang/ny/", est_views.est_event_create, name="est_event_create"
    ),
    path("est/<int:agreement_pk>/prioritering/", est_views.est_priorities, name="est_priorities"),
    path("indikatorer/", indicator_views.catalogue, name="indicator_catalogue"),
    path("indikatorer/ladda-upp/", indicator_views.indicator_upload, name="indicator_upload"),
    path("indikatorer/<slug:code>/", indicator_views.indicator_detail, name="indicator_detail"),
    path("indikatorer/<slug:code>/hamta/", indicator_views.indicator_fetch, name="indicator_fetch"),
    path("fokusomraden/<str:area>/", indicator_views.focus_area, name="focus_area"),
    path("mal/<int:pk>/indikatorer/", indicator_views.goal_indicators, name="goal_indicators"),
    path(
        "mal/<int:pk>/indikatorer/<int:link_pk>/ta-bort/",
        indicator_views.goal_indicator_delete,
        name="goal_indicator_delete",
    ),
    path("sprak/", set_language, name="set_language"),
    path("api/", api.urls),
    path("open311/v2/", include(open311.urlpatterns)),
    path("admin/", admin.site.urls),
]
