from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.i18n import set_language

from samverkan.api import api
from samverkan.incidents import views as incident_views
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
    path("omraden/", place_views.district_list, name="district_list"),
    path("omraden/<int:pk>/", place_views.district_detail, name="district_detail"),
    path("platser/<int:pk>/", place_views.place_detail, name="place_detail"),
    path("handelser/", incident_views.incident_list, name="incident_list"),
    path("handelser/ny/", incident_views.incident_create, name="incident_create"),
    path("handelser/<int:pk>/andra/", incident_views.incident_edit, name="incident_edit"),
    path("sprak/", set_language, name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
