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
