import time

from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Swedish for everyone unless the person chose another language (the language cookie
    that Django's set_language view writes). The browser's Accept-Language is ignored on
    purpose: staff with an English browser still work in a Swedish plan."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class TwoFactorMiddleware:
    """After django-otp's middleware: a signed-in person who has a device but has not given a
    code this session is sent to the code page; a person whose role needs two-factor sign-in
    and has no device is sent to set one up. Only the pages to do so (and logging out) are let
    through; nothing else is shown before."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from samverkan.core.access import needs_two_factor, two_factor_devices_for_user

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return self.get_response(request)
        allowed = {
            reverse("two_factor_verify"),
            reverse("two_factor_setup"),
            reverse("logout"),
            reverse("set_language"),
        }
        if request.path in allowed or request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return self.get_response(request)
        query = urlencode({"next": request.get_full_path()})
        if two_factor_devices_for_user(user):
            return redirect(f"{reverse('two_factor_verify')}?{query}")
        if needs_two_factor(user):
            return redirect(f"{reverse('two_factor_setup')}?{query}")
        return self.get_response(request)


class SessionRenewalMiddleware:
    """Right after Django's SessionMiddleware: a signed-in session's idle time starts again
    with a request, but the session row is written at most once a minute
    (``SESSION_RENEW_SECONDS``), not on every request: writing it on every request took the
    database's write lock once per page view. So a session ends between
    SAMVERKAN_SESSION_IDLE_MINUTES and one minute more after the last request."""

    KEY = "_fornyad"

    def __init__(self, get_response):
        self.get_response = get_response

    @classmethod
    def stamp(cls, sender=None, request=None, **kwargs) -> None:
        """Mark ``request``'s session renewed now (also on login: user_logged_in)."""
        if request is not None and hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.modified or session.is_empty():
            return response
        if time.time() - int(session.get(self.KEY, 0)) >= settings.SESSION_RENEW_SECONDS:
            self.stamp(request=request)
        return response
