"""Every write to incident reports. One entry path, `incident_create`, for the form and for
the imports and the API that follow; each runs the same checks:

- the user's role may file reports (rapportör, samordnare, administratör);
- the category exists and is active;
- the time is not in the future (five minutes of clock skew allowed), a period is ordered;
- the municipality is one the user's organisation works in through an agreement, and a
  position lies inside it (its district then follows from the point);
- the description holds no personal data (`core.privacy.find_personal_data`).

A failed check raises ValidationError (Swedish, keyed by field) and nothing is saved.
"""

import datetime as dt
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from samverkan.core.access import can_edit_incident, can_map_types, can_report, scope
from samverkan.core.cells import without_control_characters
from samverkan.core.limits import DESCRIPTION_MAX_LENGTH, EARLIEST
from samverkan.core.models import Classification, User
from samverkan.core.privacy import find_personal_data
from samverkan.incidents.models import Category, Incident, SourceTypeMapping
from samverkan.places.access import municipality_list_for_user
from samverkan.places.models import District, Municipality, Place
from samverkan.places.services import district_at, place_check_position

CLOCK_SKEW = dt.timedelta(minutes=5)

EDITABLE = {
    "category",
    "occurred_from",
    "occurred_to",
    "time_precision",
    "municipality",
    "district",
    "place",
    "lat",
    "lon",
    "description",
    "severity",
    "creates_insecurity",
    "place_type",
    "classification",
    "cost_sek",
    "status",
}


def _aware(value: dt.datetime) -> dt.datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


# --- The rules, shared by the single path (`_clean`) and the batch loader -------------------
# (`incidents.importers.load`). Each returns Swedish messages; the callers decide how to report
# them (ValidationError keyed by field, or ImportProblem per row).


def category_error(category: Category | None) -> str | None:
    """Why the category cannot be used, or None."""
    if category is None:
        return _("Välj en kategori.")
    if not category.active:
        return _("Kategorin %(category)s används inte längre.") % {"category": category.name}
    return None


def period_errors(
    occurred_from: dt.datetime, occurred_to: dt.datetime, *, now: dt.datetime
) -> dict[str, str]:
    """Field → message for a period in the future or in the wrong order (aware datetimes)."""
    errors = {}
    if occurred_from < EARLIEST:
        errors["occurred_from"] = _("Tiden ligger före år 1900.")
    elif occurred_from > now + CLOCK_SKEW:
        errors["occurred_from"] = _("Tiden ligger i framtiden.")
    if occurred_to > now + CLOCK_SKEW:
        errors["occurred_to"] = _("Sluttiden ligger i framtiden.")
    elif occurred_to < occurred_from:
        errors["occurred_to"] = _("Sluttiden ligger före starttiden.")
    return errors


def description_errors(description: str) -> list[str]:
    """Too long, or the privacy guard's findings in the text, as messages for the reporter."""
    if len(description) > DESCRIPTION_MAX_LENGTH:
        return [
            _("Beskrivningen har %(n)s tecken; högst %(max)s får plats.")
            % {"n": len(description), "max": DESCRIPTION_MAX_LENGTH}
        ]
    return [finding.message for finding in find_personal_data(description)]


def municipality_not_in_agreement_message(municipality: Municipality) -> str:
    return _(
        "Din organisation ingår inte i någon överenskommelse som omfattar %(municipality)s."
    ) % {"municipality": municipality.name}


def place_not_in_municipality_message(municipality: Municipality) -> str:
    return _("Platsen ligger inte i %(m)s.") % {"m": municipality.name}


def district_not_in_municipality_message(municipality: Municipality) -> str:
    return _("Området ligger inte i %(m)s.") % {"m": municipality.name}


def municipality_ids_for_organisation(organisation) -> set[int]:
    """The municipalities an organisation works in through an agreement: those whose kommun
    (or the kommun above it) is party to an agreement the organisation, or an organisation
    above it, is party to. The same rule as `places.access.municipality_list_for_user`."""
    return set(
        scope(Municipality.objects.all(), organisation, municipality="").values_list(
            "pk", flat=True
        )
    )


def _clean(*, by: User, data: dict) -> dict:
    """The checked fields of an incident, or ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}

    category = data.get("category")
    if category is not None and not isinstance(category, Category):
        category = Category.objects.filter(pk=category).first()
    message = category_error(category)
    if message:
        errors["category"] = [message]

    now = timezone.now()
    occurred_from = data.get("occurred_from")
    occurred_to = data.get("occurred_to") or occurred_from
    if occurred_from is None:
        errors["occurred_from"] = [_("Ange när det hände.")]
    else:
        occurred_from, occurred_to = _aware(occurred_from), _aware(occurred_to)
        for key, message in period_errors(occurred_from, occurred_to, now=now).items():
            errors[key] = [message]

    place: Place | None = data.get("place")
    district: District | None = data.get("district")
    municipality: Municipality | None = data.get("municipality")
    lat, lon = data.get("lat"), data.get("lon")
    has_point = lat not in (None, "") and lon not in (None, "")
    if municipality is None:
        municipality = (
            (place and place.municipality) or (district and district.municipality) or None
        )
    visible = municipality_list_for_user(by)
    if municipality is None and has_point:
        municipality = _municipality_at(visible, lat=lat, lon=lon)
        if municipality is None:
            errors["lat"] = [
                _("Positionen ligger inte i någon kommun som din organisation samverkar i.")
            ]
    if municipality is None:
        errors.setdefault(
            "place", [_("Ange var det hände: en plats, ett område eller en position.")]
        )
    elif not visible.filter(pk=municipality.pk).exists():
        errors["municipality"] = [municipality_not_in_agreement_message(municipality)]
    else:
        if place is not None and place.municipality_id != municipality.pk:
            errors["place"] = [place_not_in_municipality_message(municipality)]
        if district is not None and district.municipality_id != municipality.pk:
            errors["district"] = [district_not_in_municipality_message(municipality)]
        if has_point:
            try:
                lat, lon = place_check_position(municipality=municipality, lat=lat, lon=lon)
            except ValidationError as error:
                errors["lat"] = error.messages
            else:
                district = district_at(municipality, lat=lat, lon=lon) or district
        elif place is not None:
            lat, lon = place.lat, place.lon
            district = place.district or district
        else:
            lat = lon = None

    description = without_control_characters(data.get("description") or "").strip()
    messages = description_errors(description)
    if messages:
        errors["description"] = messages

    if errors:
        raise ValidationError(errors)

    cleaned = {key: value for key, value in data.items() if key in EDITABLE}
    cleaned.update(
        category=category,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
        municipality=municipality,
        district=district,
        place=place,
        lat=lat,
        lon=lon,
        description=description,
    )
    return cleaned


def _municipality_at(visible, *, lat, lon) -> Municipality | None:
    for municipality in visible:
        try:
            place_check_position(municipality=municipality, lat=lat, lon=lon)
        except ValidationError:
            continue
        return municipality
    return None


def _duplicate_message(source: str, external_id: str) -> str:
    return _("Det finns redan en rapport från källan %(source)s med externt id %(id)s.") % {
        "source": Incident.Source(source).label,
        "id": external_id,
    }


def incident_create(
    *,
    by: User,
    source: str = Incident.Source.FORM,
    external_id: str = "",
    **fields,
) -> Incident:
    """File one report on behalf of `by` (the reporting organisation is theirs)."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"incident_create() got unknown fields {sorted(unknown)}")
    if not can_report(by):
        raise PermissionDenied(_("Din roll får inte rapportera händelser."))
    if by.organisation_id is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    fields.setdefault("classification", Classification.INTERNAL)
    cleaned = _clean(by=by, data=fields)
    incident = Incident(
        **cleaned,
        organisation_id=by.organisation_id,
        reporter=by,
        source=source,
        external_id=external_id or "",
    )
    incident._history_user = by  # the audit trail's who, for the API too (no request.user)
    incident.full_clean(
        exclude=["category", "municipality", "district", "place", "organisation", "reporter"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            incident.save()
    except IntegrityError:
        if external_id and Incident.objects.filter(source=source, external_id=external_id).exists():
            raise ValidationError(
                {"external_id": [_duplicate_message(source, external_id)]}
            ) from None
        raise
    return incident


def incident_update(*, incident: Incident, by: User, **fields) -> Incident:
    """Correct a report: its reporter within 24 hours, or a samordnare of its organisation."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"incident_update() got unknown fields {sorted(unknown)}")
    if not can_edit_incident(by, incident):
        raise PermissionDenied(_("Du får inte ändra den här rapporten."))
    data = {key: getattr(incident, key) for key in EDITABLE}
    if {"place", "district", "lat", "lon"} & set(fields) and "municipality" not in fields:
        data["municipality"] = None  # follows from the new location
    if {"place", "district"} & set(fields) and not {"lat", "lon"} & set(fields):
        data["lat"] = data["lon"] = None  # a newly chosen place or district replaces the point
    data.update(fields)
    cleaned = _clean(by=by, data=data)
    for key, value in cleaned.items():
        setattr(incident, key, value)
    incident.full_clean(
        exclude=["category", "municipality", "district", "place", "organisation", "reporter"],
        validate_unique=False,
        validate_constraints=False,
    )
    incident._history_user = by
    incident.save()
    return incident


# --- The type mapping of outside sources (Polisen's event types) -----------------------------


def source_type_map(
    *, by: User, source: str, source_type: str, category: Category
) -> tuple[SourceTypeMapping, int]:
    """Map an outside source's type to a category, and move the stored reports of that type
    to it, in one transaction. Returns the mapping and how many reports changed category."""
    if not can_map_types(by):
        raise PermissionDenied(_("Din roll får inte ändra typmappningen."))
    source_type = (source_type or "").strip()
    if not source_type:
        raise ValidationError({"source_type": [_("Ange vilken typ som ska mappas.")]})
    if len(source_type) > 200:
        raise ValidationError({"source_type": [_("Typen är längre än 200 tecken.")]})
    message = category_error(category)
    if message:
        raise ValidationError({"category": [message]})
    with transaction.atomic():
        mapping, _created = SourceTypeMapping.objects.update_or_create(
            source=source, source_type=source_type, defaults={"category": category}
        )
        # Each moved report gets its entry in the audit trail (update() would bypass it).
        now = timezone.now()
        changed = list(
            Incident.objects.filter(source=source, source_type=source_type).exclude(
                category=category
            )
        )
        for incident in changed:
            incident.category, incident.updated_at = category, now
        bulk_update_with_history(
            changed, Incident, ["category", "updated_at"], batch_size=1000, default_user=by
        )
        moved = len(changed)
    return mapping, moved


def seconds_until_next_report(
    user: User, *, source: str, per_hour: int, now: dt.datetime | None = None
) -> int:
    """0 when `user` may file another report from `source` now, else the seconds until a
    place frees: at most `per_hour` reports an hour (0: no limit), counted in the database,
    so every web process sees the same count. A soft limit: two requests at the same instant
    may both pass the last free place."""
    if not per_hour:
        return 0
    now = now or timezone.now()
    recent = Incident.objects.filter(
        source=source, reporter=user, created_at__gt=now - dt.timedelta(hours=1)
    ).order_by("-created_at")
    times = list(recent.values_list("created_at", flat=True)[:per_hour])
    if len(times) < per_hour:
        return 0
    # A place frees when the oldest of the last `per_hour` reports turns one hour old.
    return max(1, math.ceil((times[-1] + dt.timedelta(hours=1) - now).total_seconds()))
