"""The project's URLs: each app's urls.py and the API, mounted; nothing else."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from samverkan.api import api
from samverkan.incidents import est_views, open311

urlpatterns = [
    path("", include("samverkan.plans.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("samverkan.organisations.urls")),
    path("", include("samverkan.lagesbild.urls")),
    path("", include("samverkan.places.urls")),
    path("", include("samverkan.imports.urls")),
    path("", include("samverkan.incidents.urls")),
    path("", include("samverkan.indicators.urls")),
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
    path("sprak/", set_language, name="set_language"),
    path("api/", api.urls),
    path("open311/v2/", include(open311.urlpatterns)),
    path("admin/", admin.site.urls),
]
