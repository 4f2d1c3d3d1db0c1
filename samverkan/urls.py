"""The project's URLs: each app's urls.py and the API, mounted; nothing else."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from samverkan.api import api
from samverkan.core import account_views

urlpatterns = [
    path("", include("samverkan.plans.urls")),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("start/", account_views.start, name="start"),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("konto/", include("samverkan.core.account_urls")),
    path("", include("samverkan.organisations.urls")),
    path("", include("samverkan.lagesbild.urls")),
    path("", include("samverkan.places.urls")),
    path("", include("samverkan.imports.urls")),
    path("", include("samverkan.incidents.urls")),
    path("", include("samverkan.indicators.urls")),
    path("est/", include("samverkan.est.urls")),
    path("forebyggande/", include("samverkan.prevention.urls")),
    path("inventering/", include("samverkan.collaboration.urls")),
    path("andts/", include("samverkan.andts.urls")),
    path("oppet/", include("samverkan.public.urls")),
    path("", include("samverkan.reports.urls")),
    path("", include("samverkan.meetings.urls")),
    path("sprak/", set_language, name="set_language"),
    path("api/", api.urls),
    path("open311/v2/", include("samverkan.open311.urls")),
    path("admin/", admin.site.urls),
]
