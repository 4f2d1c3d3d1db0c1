"""The rules of an incident row, as ``services.incident_create`` applies them, for the loader
(`importers.load`): the stored columns, what every row needs read once per run
(`Context`), one row's check (`check`) and the positions of a batch checked vectorised
(`check_points`). A row that breaks a rule carries one problem per broken rule (field,
value, Swedish message); see the loader's docstring for the row format.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.analysis.geo import district_for_points, in_sweden
from samverkan.core.cells import without_control_characters
from samverkan.core.limits import DESCRIPTION_MAX_LENGTH, EARLIEST
from samverkan.core.models import Classification
from samverkan.core.privacy import find_personal_data, redact, redacted_messages
from samverkan.imports.values import swedish_time
from samverkan.incidents import services
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Municipality, Place
from samverkan.places.services import place_check_position

# The stored columns an import may set, in a fixed order (FKs as *_id).
COLUMNS = (
    "category_id",
    "occurred_from",
    "occurred_to",
    "time_precision",
    "municipality_id",
    "district_id",
    "place_id",
    "lat",
    "lon",
    "description",
    "severity",
    "creates_insecurity",
    "place_type",
    "classification",
    "cost_sek",
    "status",
    "source_type",
    "source_url",
    "is_summary",
    "position_is_centre",
    "published_at",
)
# Always compared and written: they follow from any row.
DERIVED = (
    "category_id",
    "occurred_from",
    "occurred_to",
    "municipality_id",
    "district_id",
    "place_id",
    "lat",
    "lon",
    "description",
)
# Compared and written only when the row gives them (row key == column name).
OPTIONAL = tuple(c for c in COLUMNS if c not in DERIVED)
DEFAULTS = {
    "time_precision": Incident.TimePrecision.EXACT.value,
    "severity": Incident.Severity.LOW.value,
    "creates_insecurity": False,
    "place_type": Incident.PlaceType.PUBLIC.value,
    "classification": Classification.INTERNAL.value,
    "cost_sek": None,
    "status": Incident.Status.NEW.value,
    "source_type": "",
    "source_url": "",
    "is_summary": False,
    "position_is_centre": False,
    "published_at": None,
}
CHOICES = {
    "time_precision": set(Incident.TimePrecision.values),
    "place_type": set(Incident.PlaceType.values),
    "classification": set(Classification.values),
    "status": set(Incident.Status.values),
}
MAX_LENGTH = {"external_id": 100, "source_type": 200, "source_url": 500}
CENT = decimal.Decimal("0.01")


def short(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Category | Municipality | District | Place):
        value = value.name
    elif isinstance(value, dt.datetime):
        value = swedish_time(value)  # "2 dec 2026 05:22", Swedish local time
    return str(value)[:500]


@dataclass(slots=True)
class Row:
    number: int | None
    external_id: str
    given: tuple[str, ...]  # the OPTIONAL columns the row gives
    values: dict[str, Any]
    municipality: Municipality | None = None
    check_point: bool = False  # the point must lie in the municipality, district from it
    problems: list[tuple[str, Any, str]] = field(default_factory=list)

    def problem(self, key: str, value: Any, message: str) -> None:
        self.problems.append((key, value, message))


class Context:
    """What every row needs, read once per run."""

    def __init__(self, *, organisation: Organisation):
        self.categories = {c.pk: c for c in Category.objects.all()}
        self.category_by_slug = {c.slug: c for c in self.categories.values()}
        allowed = services.municipality_ids_for_organisation(organisation)
        self.municipalities = {m.pk: m for m in Municipality.objects.filter(pk__in=allowed)}
        self.geometry = {}
        for pk, municipality in self.municipalities.items():
            geometry = municipality.geometry()
            shapely.prepare(geometry)
            self.geometry[pk] = geometry
        self.districts: dict[int, list[tuple[int, Any]]] = {pk: [] for pk in self.municipalities}
        for district in District.objects.filter(municipality__in=allowed):
            self.districts[district.municipality_id].append((district.pk, district.geometry()))
        self.now = timezone.now()
        # A category's usability and the latest time allowed do not change during a run: the
        # rule functions are asked once here, and again per row only to word a problem.
        self.category_errors = {pk: services.category_error(c) for pk, c in self.categories.items()}
        self.latest = self.now + services.CLOCK_SKEW

    def municipality_at(self, lat: float, lon: float) -> Municipality | None:
        for pk, geometry in self.geometry.items():
            if shapely.intersects_xy(geometry, lon, lat):
                return self.municipalities[pk]
        return None


def _aware(value: dt.datetime) -> dt.datetime:
    # tzinfo alone decides for the datetimes importers build (Django's is_naive costs more).
    return timezone.make_aware(value) if value.tzinfo is None else value


def check(raw: dict, ctx: Context, source: str) -> Row:
    """The row's values by the rules, or its problems; positions are checked per batch."""
    number = raw.get("row")
    unreadable = raw.get("problems")
    if unreadable:
        # The source could not read the row: its problems, as found, make it a failed row.
        return Row(number=number, external_id="", given=(), values={}, problems=unreadable)
    external_id = raw.get("external_id")
    external_id = str(external_id).strip() if external_id not in (None, "") else ""
    get = raw.get
    given = tuple([key for key in OPTIONAL if get(key) is not None])
    row = Row(number=number, external_id=external_id, given=given, values={})
    values = row.values
    if not external_id:
        row.problem("external_id", "", _("Externt id saknas."))
    elif len(external_id) > MAX_LENGTH["external_id"]:
        row.problem(
            "external_id",
            external_id,
            _("Externt id är längre än %(n)s tecken.") % {"n": MAX_LENGTH["external_id"]},
        )

    # Category: an object or a slug.
    category = raw.get("category")
    # Models' ids are read as .id: .pk costs a lookup through _meta, per row and model.
    if isinstance(category, Category):
        category = ctx.categories.get(category.id)  # as stored now, not as the caller held it
        if category is None:
            row.problem("category", raw.get("category"), _("Kategorin finns inte."))
    elif category not in (None, ""):
        slug = str(category).strip()
        category = ctx.category_by_slug.get(slug)
        if category is None:
            row.problem("category", slug, _("Kategorin %(slug)s finns inte.") % {"slug": slug})
    else:
        category = None
        row.problem("category", "", services.category_error(None))
    if category is not None:
        message = ctx.category_errors[category.id]
        if message:
            row.problem("category", category, message)
        values["category_id"] = category.id

    # When.
    occurred_from, occurred_to = raw.get("occurred_from"), raw.get("occurred_to")
    if not isinstance(occurred_from, dt.datetime):
        row.problem("occurred_from", occurred_from, _("Ange när det hände."))
    else:
        occurred_from = _aware(occurred_from)
        if occurred_to is None:
            occurred_to = occurred_from
        elif not isinstance(occurred_to, dt.datetime):
            row.problem("occurred_to", occurred_to, _("Sluttiden är inte en tidpunkt."))
            occurred_to = occurred_from
        occurred_to = _aware(occurred_to)
        # The rule of services.period_errors, asked only when it can find something.
        # (Aware datetimes of different zones compare slowly: a moment is compared once.)
        if occurred_from > ctx.latest or occurred_from < EARLIEST or (
            occurred_to is not occurred_from
            and (occurred_to > ctx.latest or occurred_to < occurred_from)
        ):
            errors = services.period_errors(occurred_from, occurred_to, now=ctx.now)
            for key, message in errors.items():
                row.problem(key, occurred_from if key == "occurred_from" else occurred_to, message)
        values["occurred_from"], values["occurred_to"] = occurred_from, occurred_to

    # The optional fields.
    for key in given:
        value = raw[key]
        if key in CHOICES:
            value = str(value)
            if value not in CHOICES[key]:
                row.problem(
                    key,
                    value,
                    _("Värdet %(value)s är inte ett av %(allowed)s.")
                    % {"value": value, "allowed": ", ".join(sorted(CHOICES[key]))},
                )
        elif key == "severity":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
                row.problem(key, value, _("Allvarligheten ska vara 1, 2 eller 3."))
        elif key in ("creates_insecurity", "is_summary", "position_is_centre"):
            if not isinstance(value, bool):
                row.problem(key, value, _("Värdet ska vara ja eller nej."))
        elif key == "cost_sek":
            try:
                value = decimal.Decimal(str(value)).quantize(CENT)
            except (decimal.InvalidOperation, ValueError):
                row.problem(key, value, _("Kostnaden är inte ett belopp i kronor."))
            else:
                if value < 0 or value >= decimal.Decimal("1e10"):
                    row.problem(
                        key, value, _("Kostnaden ska vara mellan 0 och 9 999 999 999,99 kr.")
                    )
        elif key == "published_at":
            if isinstance(value, dt.datetime):
                value = _aware(value)
            else:
                row.problem(key, value, _("Publiceringstiden är inte en tidpunkt."))
        elif key in ("source_type", "source_url"):
            value = str(value).strip()
            if len(value) > MAX_LENGTH[key]:
                row.problem(
                    key, value, _("Värdet är längre än %(n)s tecken.") % {"n": MAX_LENGTH[key]}
                )
            if key == "source_url" and value and not value.startswith(("https://", "http://")):
                row.problem(key, value, _("Länken ska börja med https:// eller http://."))
        values[key] = value

    # Where.
    place, district, municipality = raw.get("place"), raw.get("district"), raw.get("municipality")
    lat, lon = raw.get("lat"), raw.get("lon")
    has_point = lat not in (None, "") and lon not in (None, "")
    centre = bool(values.get("position_is_centre"))
    if has_point:
        try:
            lat, lon = float(lat), float(lon)
            if not (math.isfinite(lat) and math.isfinite(lon)):
                raise ValueError
        except (TypeError, ValueError):
            row.problem("lat", f"{lat}, {lon}", _("Positionen är inte två decimaltal."))
            has_point = False
    if municipality is None:
        municipality = (place and place.municipality) or (district and district.municipality)
    if municipality is None and has_point and not centre:
        municipality = ctx.municipality_at(lat, lon)
        if municipality is None:
            row.problem(
                "lat",
                f"{lat}, {lon}",
                _("Positionen ligger inte i någon kommun som din organisation samverkar i."),
            )
            return row
    if municipality is None:
        row.problem("place", "", _("Ange var det hände: en plats, ett område eller en position."))
        return row
    stored = ctx.municipalities.get(municipality.id)
    if stored is None:
        row.problem(
            "municipality",
            municipality,
            services.municipality_not_in_agreement_message(municipality),
        )
        return row
    municipality = row.municipality = stored
    values["municipality_id"] = municipality.id
    if place is not None and place.municipality_id != municipality.id:
        row.problem("place", place, services.place_not_in_municipality_message(municipality))
    if district is not None and district.municipality_id != municipality.id:
        row.problem(
            "district", district, services.district_not_in_municipality_message(municipality)
        )
    values["place_id"] = place.id if place is not None else None
    values["district_id"] = district.id if district is not None else None
    if has_point:
        if centre:
            if not in_sweden(lon, lat):
                try:
                    place_check_position(municipality=municipality, lat=lat, lon=lon)
                except ValidationError as error:
                    row.problem("lat", f"{lat}, {lon}", error.messages[0])
        else:
            row.check_point = True
        values["lat"], values["lon"] = lat, lon
    elif place is not None:
        values["lat"], values["lon"] = place.lat, place.lon
        values["district_id"] = place.district_id or values["district_id"]
    else:
        values["lat"] = values["lon"] = None

    description = without_control_characters(str(raw.get("description") or "")).strip()
    if len(description) > DESCRIPTION_MAX_LENGTH:
        row.problem(
            "description",
            description[:80] + "…",
            _("Beskrivningen har %(n)s tecken; högst %(max)s får plats.")
            % {"n": len(description), "max": DESCRIPTION_MAX_LENGTH},
        )
    findings = find_personal_data(description)
    if findings:
        # The run keeps the problem, never the personal data the guard refused.
        masked = redact(description, findings)
        for message in redacted_messages(findings):
            row.problem("description", masked, message)
    values["description"] = description
    return row


def check_points(rows: list[Row], ctx: Context) -> None:
    """Vectorised: each point in its municipality, and its district from the point."""
    by_municipality: dict[int, list[Row]] = {}
    for row in rows:
        if row.check_point and not row.problems:
            by_municipality.setdefault(row.municipality.pk, []).append(row)
    for pk, group in by_municipality.items():
        lons = np.fromiter((r.values["lon"] for r in group), float, len(group))
        lats = np.fromiter((r.values["lat"] for r in group), float, len(group))
        inside = shapely.intersects_xy(ctx.geometry[pk], lons, lats)
        for row, ok in zip(group, inside.tolist(), strict=True):
            if not ok:
                try:
                    place_check_position(
                        municipality=row.municipality, lat=row.values["lat"], lon=row.values["lon"]
                    )
                except ValidationError as error:
                    row.problem(
                        "lat", f"{row.values['lat']}, {row.values['lon']}", error.messages[0]
                    )
        kept = [r for r in group if not r.problems]
        found = district_for_points(
            [r.values["lon"] for r in kept], [r.values["lat"] for r in kept], ctx.districts[pk]
        )
        for row, district_id in zip(kept, found, strict=True):
            row.values["district_id"] = district_id or row.values["district_id"]
