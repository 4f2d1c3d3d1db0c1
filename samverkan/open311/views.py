"""Open311 GeoReport v2 at /open311/v2/, so that existing citizen-reporting apps can feed EST.

Plain Django views, JSON and XML alike (the format is the URL's suffix, rendered by
`open311.formats`); every rule is the incident app's. The spec's resources:

- ``GET services.{fmt}``: one service per active category (service_code = the slug);
- ``GET services/{code}.{fmt}``: the service definition with its optional attributes;
- ``POST requests.{fmt}``: file a report; ``api_key`` is an API token issued with
  ``samverkan create-token`` for a user of the receiving organisation, checked as
  `core.auth.BearerToken` checks a bearer token; the report is filed through
  `incidents.services.incident_create` (source open311, by the token's user, occurred now,
  classification intern), with every check the form has, at most
  SAMVERKAN_OPEN311_POSTS_PER_HOUR an hour per key's user;
- ``GET requests.{fmt}`` and ``GET requests/{id}.{fmt}``: with a valid ``api_key`` what the
  token's user may see (`incidents.selectors.incident_list_for_user`); without one only
  reports classified öppen (`incidents.selectors.open_incident_list`).

Never stored: ``first_name``, ``last_name``, ``email``, ``phone``, ``device_id``,
``account_id`` and ``media_url`` are accepted and dropped (a photo may show people, the
others identify a person). The description goes through the privacy guard. Errors are the
spec's list of ``{code, description}``. See docs/open311.md.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from samverkan.core.access import can_report
from samverkan.core.auth import BearerToken
from samverkan.core.limits import DESCRIPTION_MAX_LENGTH, is_db_int
from samverkan.core.models import Classification, User
from samverkan.core.privacy import find_personal_data
from samverkan.incidents import services
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.selectors import open_incident_list
from samverkan.open311.formats import (
    ATTRIBUTES,
    CLOSED,
    Open311Error,
    render_errors,
    render_list,
    render_object,
    request_out,
    service_out,
)
from samverkan.places.access import place_list_for_user
from samverkan.places.geometry import check_position

MAX_REQUESTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)
MAX_DESCRIPTION = DESCRIPTION_MAX_LENGTH
# Fields a citizen app may send that identify a person: accepted, never stored or logged.
PERSONAL_FIELDS = ("first_name", "last_name", "email", "phone", "device_id", "account_id")


def open311_view(view):
    """Turn an Open311Error raised inside the view into the spec's error list."""

    def wrapped(request, *args, fmt: str, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as error:
            return render_errors(fmt, error)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Authentication --------------------------------------------------------------------------


def key_user(request: HttpRequest, *, required: bool) -> User | None:
    """The user whose API token is ``api_key``; 403 when it is missing (if required) or wrong."""
    key = (request.POST.get("api_key") or request.GET.get("api_key") or "").strip()
    if not key:
        if required:
            raise Open311Error(
                403, [_("api_key saknas: skicka en API-nyckel för din organisation.")]
            )
        return None
    user = BearerToken().authenticate(request, key)
    if user is None:
        raise Open311Error(403, [_("api_key är ogiltig eller återkallad.")])
    return user


# --- Services --------------------------------------------------------------------------------


@require_GET
@open311_view
def service_list(request, fmt: str):
    categories = Category.objects.filter(active=True).select_related("parent")
    return render_list(fmt, "services", "service", [service_out(c) for c in categories])


@require_GET
@open311_view
def service_definition(request, code: str, fmt: str):
    if not Category.objects.filter(slug=code, active=True).exists():
        raise Open311Error(404, [_("Okänd tjänst %(code)s.") % {"code": code}])
    attributes = [
        {
            "variable": True,
            "code": attribute["code"],
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": "",
            "order": order,
            "description": _(attribute["description"]),
            "values": [{"key": key, "name": _(name)} for key, name in attribute["values"]],
        }
        for order, attribute in enumerate(ATTRIBUTES, start=1)
    ]
    return render_object(
        fmt, "service_definition", {"service_code": code, "attributes": attributes}
    )


# --- Requests --------------------------------------------------------------------------------


def _visible(user: User | None):
    if user is None:
        queryset = open_incident_list()
    else:
        queryset = incident_list_for_user(user)
    return queryset.select_related("category", "organisation", "place")


def _when(value: str, name: str, *, end: bool = False) -> dt.datetime:
    parsed = None
    try:
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is not None:
                parsed = dt.datetime.combine(day, dt.time.min)
                if end:
                    parsed += dt.timedelta(days=1)
    except ValueError:
        parsed = None
    if parsed is None:
        raise Open311Error(
            400,
            [
                _("%(name)s: %(value)s är ingen tidpunkt; skriv t.ex. 2026-01-31T12:00:00+01:00.")
                % {"name": name, "value": value}
            ],
        )
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _request_list(request, fmt: str):
    user = key_user(request, required=False)
    queryset = _visible(user)
    ids = _split(request.GET.get("service_request_id", ""))
    if ids:
        # The spec: with service_request_id, the other parameters are ignored.
        bad = [value for value in ids if not is_db_int(value)]
        if bad:
            raise Open311Error(
                400,
                [
                    _("service_request_id: %(value)s är inget ärende-id (ett heltal).")
                    % {"value": bad[0]}
                ],
            )
        queryset = queryset.filter(pk__in=[int(value) for value in ids])
    else:
        codes = _split(request.GET.get("service_code", ""))
        if codes:
            queryset = queryset.filter(category__slug__in=codes)
        statuses = _split(request.GET.get("status", ""))
        unknown = [value for value in statuses if value not in {"open", "closed"}]
        if unknown:
            raise Open311Error(
                400,
                [_("status: %(value)s är okänd; välj open eller closed.") % {"value": unknown[0]}],
            )
        if statuses and set(statuses) != {"open", "closed"}:
            closed = Q(status__in=CLOSED)
            queryset = queryset.filter(closed if statuses == ["closed"] else ~closed)
        start_text = request.GET.get("start_date", "").strip()
        end_text = request.GET.get("end_date", "").strip()
        end = _when(end_text, "end_date", end=True) if end_text else None
        start = _when(start_text, "start_date") if start_text else None
        if start is None:
            start = (end or timezone.now()) - DEFAULT_WINDOW
        if end is not None and end < start:
            raise Open311Error(400, [_("end_date ligger före start_date.")])
        queryset = queryset.filter(occurred_from__gte=start)
        if end is not None:
            queryset = queryset.filter(occurred_from__lte=end)
    rows = [request_out(i) for i in queryset.order_by("-occurred_from", "-pk")[:MAX_REQUESTS]]
    return render_list(fmt, "service_requests", "request", rows)


def _attribute(request, code: str) -> str:
    return (request.POST.get(f"attribute[{code}]") or "").strip()


def _request_fields(request, user: User) -> dict:
    """The incident fields from a POST, or Open311Error(400) listing every problem."""
    data = request.POST
    errors: list[str] = []
    fields: dict[str, Any] = {}

    code = (data.get("service_code") or "").strip()
    if not code:
        errors.append(_("service_code saknas: ange tjänstens kod (se services.json)."))
    else:
        category = Category.objects.filter(slug=code).first()
        if category is None:
            errors.append(_("service_code: okänd tjänst %(code)s.") % {"code": code})
        elif not category.active:
            errors.append(
                _("service_code: tjänsten %(code)s används inte längre.") % {"code": code}
            )
        else:
            fields["category"] = category

    lat, lon = (data.get("lat") or "").strip(), (data.get("long") or "").strip()
    address_id = (data.get("address_id") or "").strip()
    address = (data.get("address_string") or "").strip()
    if lat or lon:
        if not (lat and lon):
            errors.append(_("lat och long: båda behövs för en position."))
        else:
            try:
                fields["lat"], fields["lon"] = check_position(lat=lat, lon=lon)
            except ValidationError as error:
                errors.extend(f"lat/long: {message}" for message in error.messages)
    elif address_id:
        place = None
        if is_db_int(address_id):
            place = place_list_for_user(user).filter(pk=int(address_id)).first()
        if place is None:
            errors.append(_("address_id: okänd plats %(value)s.") % {"value": address_id})
        fields["place"] = place
    elif address:
        place = place_list_for_user(user).filter(name__iexact=address).order_by("pk").first()
        if place is None:
            errors.append(
                _(
                    "address_string: %(value)s är ingen känd plats; skicka lat och long "
                    "eller en plats ur platslistan."
                )
                % {"value": address}
            )
        fields["place"] = place
    else:
        errors.append(_("Platsen saknas: skicka lat och long, address_id eller address_string."))

    description = (data.get("description") or "").strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(
            _("description: högst %(max)s tecken (nu %(n)s).")
            % {"max": MAX_DESCRIPTION, "n": len(description)}
        )
    errors.extend(f"description: {finding.message}" for finding in find_personal_data(description))
    fields["description"] = description

    for attribute in ATTRIBUTES:
        value = _attribute(request, attribute["code"])
        if not value:
            continue
        keys = [key for key, _name in attribute["values"]]
        if value not in keys:
            errors.append(
                _("attribute[%(code)s]: %(value)s är inte ett av %(keys)s.")
                % {"code": attribute["code"], "value": value, "keys": ", ".join(keys)}
            )
        elif attribute["code"] == "severity":
            fields["severity"] = int(value)
        elif attribute["code"] == "creates_insecurity":
            fields["creates_insecurity"] = value == "ja"
        else:
            fields["place_type"] = value

    if errors:
        raise Open311Error(400, errors)
    return fields


# What the service's fields are called in Open311, for its messages.
OPEN311_NAMES = {
    "category": "service_code",
    "lat": "lat/long",
    "lon": "lat/long",
    "municipality": "lat/long",
    "place": "address_id",
    "district": "lat/long",
    "description": "description",
}


def _check_rate(user: User) -> None:
    """At most SAMVERKAN_OPEN311_POSTS_PER_HOUR reports an hour per key's user (0: no limit);
    429 with the seconds until the next one is allowed."""
    limit = settings.SAMVERKAN_OPEN311_POSTS_PER_HOUR
    wait = services.seconds_until_next_report(user, source=Incident.Source.OPEN311, per_hour=limit)
    if not wait:
        return
    raise Open311Error(
        429,
        [
            _(
                "För många rapporter: högst %(limit)s i timmen med samma API-nyckel. Försök "
                "igen om %(seconds)s sekunder."
            )
            % {"limit": limit, "seconds": wait}
        ],
        retry_after=wait,
    )


def _create_request(request, fmt: str):
    user = key_user(request, required=True)
    if not can_report(user):
        raise Open311Error(403, [_("Nyckelns användare får inte rapportera händelser.")])
    _check_rate(user)
    fields = _request_fields(request, user)
    try:
        incident = services.incident_create(
            by=user,
            source=Incident.Source.OPEN311,
            occurred_from=timezone.now(),
            classification=Classification.INTERNAL,
            **fields,
        )
    except PermissionDenied as error:
        raise Open311Error(403, [str(error)]) from None
    except ValidationError as error:
        found = error.message_dict
        if "lat" in found:
            # "Say where it happened" only follows from the position that was refused.
            found.pop("place", None)
        raise Open311Error(
            400,
            [
                f"{OPEN311_NAMES.get(field, field)}: {message}"
                for field, messages in found.items()
                for message in messages
            ],
        ) from None
    notice = _("Tack! Rapporten är mottagen av %(organisation)s och tas upp i EST-gruppen.") % {
        "organisation": user.organisation.name
    }
    row = {"service_request_id": str(incident.pk), "service_notice": notice, "account_id": None}
    return render_list(fmt, "service_requests", "request", [row])


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def request_list(request, fmt: str):
    if request.method == "POST":
        return _create_request(request, fmt)
    return _request_list(request, fmt)


@require_GET
@open311_view
def request_detail(request, request_id: str, fmt: str):
    user = key_user(request, required=False)
    incident = _visible(user).filter(pk=int(request_id)).first() if is_db_int(request_id) else None
    if incident is None:
        raise Open311Error(404, [_("Okänt ärende %(id)s.") % {"id": request_id}])
    return render_list(fmt, "service_requests", "request", [request_out(incident)])
