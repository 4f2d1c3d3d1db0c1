"""The signed-in user's own account: their API keys, made, listed and revoked here."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.access import start_for_user, token_list_for_user
from samverkan.core.models import APIToken


@login_required
def tokens(request):
    new_key = None
    error = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()[:100]
        try:
            days = int(request.POST.get("days") or settings.SAMVERKAN_TOKEN_DAYS)
        except ValueError:
            days = 0
        longest = settings.SAMVERKAN_TOKEN_DAYS or 3650
        if not 1 <= days <= longest:
            error = _("Ange hur många dagar nyckeln ska gälla, 1–%(max)s.") % {"max": longest}
        else:
            new_key = APIToken.issue(
                user=request.user, name=name, expires_at=timezone.now() + dt.timedelta(days=days)
            )
    context = {
        "tokens": token_list_for_user(request.user).order_by("-created_at"),
        "new_key": new_key,
        "error": error,
        "default_days": settings.SAMVERKAN_TOKEN_DAYS or 365,
    }
    return render(request, "account/tokens.html", context, status=422 if error else 200)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(token_list_for_user(request.user), pk=pk)
    token.revoke()
    messages.success(
        request,
        _("Nyckeln %(prefix)s… är återkallad och fungerar inte längre.") % {"prefix": token.prefix},
    )
    return redirect("account_tokens")


@login_required
def start(request):
    """Where login lands: the page of the role's first work (core.access.start_for_user)."""
    return redirect(start_for_user(request.user))


class LoginView(auth_views.LoginView):
    """Django's login page, with a button for single sign-on when a provider is configured."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.SAMVERKAN_OIDC_ISSUER:
            context["oidc_name"] = settings.SAMVERKAN_OIDC_NAME
        return context
