"""The HTTP API: /api/, OpenAPI at /api/openapi.json, docs at /api/docs.

Each app mounts its own router. Errors are Swedish and never show a stack trace.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from samverkan.andts.api import router as andts_router
from samverkan.collaboration.api import router as collaboration_router
from samverkan.core.auth import api_auth
from samverkan.core.validation import swedish_message
from samverkan.est.api import router as est_router
from samverkan.incidents.api import router as incidents_router
from samverkan.indicators.api import router as indicators_router
from samverkan.lagesbild.api import router as lagesbild_router
from samverkan.meetings.api import router as meetings_router
from samverkan.places.api import router as places_router
from samverkan.plans.api import router as plans_router
from samverkan.prevention.api import router as prevention_router
from samverkan.reports.api import router as reports_router

# What each status code of an operation means, in the document's own language.
RESPONSE_DESCRIPTIONS = {
    200: "OK",
    201: "Skapad",
    204: "Inget innehåll",
    400: "Kroppen kan inte läsas (inte giltig JSON)",
    401: "Ingen eller ogiltig nyckel",
    403: "Rollen får inte göra detta, eller CSRF-kontrollen för en session misslyckades",
    404: "Finns inte, eller tillhör en annan part",
    409: "Krockar med det som redan är sparat",
    422: "Ett ogiltigt värde, eller ett värde utanför det tillåtna intervallet (se detail[].loc)",
    429: "För många anrop",
}


class SamverkanAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for code, response in operation["responses"].items():
                    response["description"] = RESPONSE_DESCRIPTIONS.get(
                        int(code), response["description"]
                    )
        return schema


api = SamverkanAPI(
    title="Samverkan API",
    version="1",
    description="Verksamhetsplaner, åtaganden och uppföljning. Autentisera med "
    "`Authorization: Bearer <nyckel>` (skapas med `samverkan create-token ANVÄNDARE`).",
    auth=api_auth,
    urls_namespace="api",
)
api.add_router("/", plans_router)
api.add_router("/", incidents_router)
api.add_router("/", est_router)
api.add_router("/", places_router)
api.add_router("/", lagesbild_router)
api.add_router("/", indicators_router)
api.add_router("/", prevention_router)
api.add_router("/", collaboration_router)
api.add_router("/", andts_router)
api.add_router("/", reports_router)
api.add_router("/", meetings_router)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(
        request, {"detail": str(exc) or _("Din roll får inte göra detta.")}, status=403
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    if hasattr(exc, "message_dict"):
        detail = [
            {"loc": ["body", field], "msg": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"loc": ["body"], "msg": message} for message in exc.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(
        request,
        {
            "detail": _(
                "Inloggning krävs: skicka en giltig nyckel i Authorization: Bearer <nyckel>."
            )
        },
        status=401,
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    # django-ninja's own refusals, in Swedish: a body it cannot parse (400) and a session
    # request without its CSRF token (403). AuthenticationError has its own handler above.
    messages = {
        400: _("Kroppen kan inte läsas: skicka giltig JSON."),
        403: _("CSRF-kontrollen misslyckades: skicka CSRF-token från sidan (X-CSRFToken)."),
    }
    detail = messages.get(exc.status_code, _("Begäran kan inte tas emot."))
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request, exc):
    # Also what another party's object looks like: it does not exist for this user.
    return api.create_response(request, {"detail": _("Finns inte.")}, status=404)


@api.exception_handler(RequestInvalid)
def request_invalid(request, exc):
    detail = [{"loc": list(e["loc"]), "msg": swedish_message(e)} for e in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    # A last guard: every integer of a query or a body is bounded (core.limits.DbId), so a
    # value the database cannot hold should never get this far.
    return api.create_response(
        request,
        {
            "detail": [
                {"loc": ["query"], "msg": _("Ett värde är utanför det tillåtna intervallet.")}
            ]
        },
        status=422,
    )
