"""The batch loader every incident import uses (Polisen events, CSV/XLSX files, …).

    load_incidents(rows, *, run, source, organisation, by=None, all_or_nothing=False,
                   batch_size=5000) -> ImportRun

Each row is a dict:

- ``row``: 1-based row number in the source (for problems);
- or, for a row the source could not read, only ``row`` and ``problems``: a list of
  (field, value, message); it is counted and recorded as a failed row (so a source can stream
  its rows through the loader, problems and all);
- ``external_id``: str, required, unique per ``source``;
- ``category``: a Category or its slug;
- ``occurred_from``: aware datetime (a naive one is read as Europe/Stockholm); optional
  ``occurred_to`` (default: occurred_from), ``time_precision``;
- where: ``municipality`` (Municipality), ``district`` (District), ``place`` (Place),
  ``lat``/``lon`` (WGS 84). As in the form: the municipality follows from the place, the
  district or the point when not given; a point must lie inside the municipality and its
  district follows from it — unless ``position_is_centre`` (the point is only the
  municipality's centre, as Polisen gives it): then the point need only lie in Sweden and the
  district is the one given (or none);
- optional ``description``, ``severity``, ``creates_insecurity``, ``place_type``,
  ``classification`` (default intern), ``cost_sek``, ``status``, ``source_type``,
  ``source_url``, ``is_summary``, ``position_is_centre``.

The rules are those of ``services.incident_create``, through the shared rule functions in
``incidents.services``; what a row needs (categories, the organisation's municipalities with
their prepared boundaries, districts) is read once per run, and positions are checked
vectorised per batch, so a row costs microseconds. Writes bypass the ORM but store what it
would (the model's defaults, ``created_at``/``updated_at``, Django's datetime and decimal
adaptation; tests/incidents/test_load.py compares a loaded row with one filed by
``incident_create``): existing ids are read with one query per batch on the unique index,
new rows go in with ``COPY`` (PostgreSQL) or one ``executemany`` INSERT (SQLite), changed
ones with one ``executemany`` UPDATE. See docs/polisen.md for the performance notes.

Upsert by (source, external_id): a new id is created; a known id whose fields differ is
updated (``run.updated``); an identical one is ``unchanged``. Only the fields a row gives (and
those derived from them: period, place, district, position, description) are compared and
written: an import without ``status`` never resets a status a samordnare set. A row that
breaks a rule becomes one ImportProblem per broken rule (row, field, value, Swedish message)
and is skipped (``run.failed``); the same external id twice in one run is a problem on the
second row. The rest is written, batch by batch, each batch in its own transaction — or,
with ``all_or_nothing``, nothing at all when any row has a problem.

The run's counters are *added to* (a caller may have counted skipped rows or parse problems
first); status, message and finished_at are saved at the end. An unexpected error mid-run
keeps the batches already written, marks the run failed with the error and re-raises.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Any

import numpy as np
import shapely
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.analysis.geo import district_for_points, in_sweden
from samverkan.core.models import Classification, User
from samverkan.core.privacy import find_personal_data, redact, redacted_messages
from samverkan.imports.models import ImportProblem, ImportRun
from samverkan.incidents import services
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Municipality, Place
from samverkan.places.services import place_check_position

logger = logging.getLogger(__name__)

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
}
CHOICES = {
    "time_precision": set(Incident.TimePrecision.values),
    "place_type": set(Incident.PlaceType.values),
    "classification": set(Classification.values),
    "status": set(Incident.Status.values),
}
MAX_LENGTH = {"external_id": 100, "source_type": 200, "source_url": 500}
CENT = decimal.Decimal("0.01")


def _short(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Category | Municipality | District | Place):
        value = value.name
    elif isinstance(value, dt.datetime):
        value = value.isoformat()
    return str(value)[:500]


@dataclass(slots=True)
class _Row:
    number: int | None
    external_id: str
    given: tuple[str, ...]  # the OPTIONAL columns the row gives
    values: dict[str, Any]
    municipality: Municipality | None = None
    check_point: bool = False  # the point must lie in the municipality, district from it
    problems: list[tuple[str, Any, str]] = field(default_factory=list)

    def problem(self, key: str, value: Any, message: str) -> None:
        self.problems.append((key, value, message))


class _Context:
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


def _check(raw: dict, ctx: _Context, source: str) -> _Row:
    """The row's values by the rules, or its problems; positions are checked per batch."""
    number = raw.get("row")
    unreadable = raw.get("problems")
    if unreadable:
        # The source could not read the row: its problems, as found, make it a failed row.
        return _Row(number=number, external_id="", given=(), values={}, problems=unreadable)
    external_id = raw.get("external_id")
    external_id = str(external_id).strip() if external_id not in (None, "") else ""
    get = raw.get
    given = tuple([key for key in OPTIONAL if get(key) is not None])
    row = _Row(number=number, external_id=external_id, given=given, values={})
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
        if occurred_from > ctx.latest or (
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

    description = (raw.get("description") or "").strip()
    findings = find_personal_data(description)
    if findings:
        # The run keeps the problem, never the personal data the guard refused.
        masked = redact(description, findings)
        for message in redacted_messages(findings):
            row.problem("description", masked, message)
    values["description"] = description
    return row


def _check_points(rows: list[_Row], ctx: _Context) -> None:
    """Vectorised: each point in its municipality, and its district from the point."""
    by_municipality: dict[int, list[_Row]] = {}
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


# SQLite's page cache while a run writes: the default (2 MiB) is far smaller than the
# incident table's indexes, so each insert into an index read pages back from the file; with
# room for the indexes the same inserts run about 1.5 times as fast (docs/performance.md). The
# connection's own setting is put back at the end of the run; memory is used only as pages
# are read.
SQLITE_IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def _write_settings() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{int(SQLITE_IMPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


class _Rollback(Exception):
    pass


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


_UTC = dt.UTC


def _datetime_adapter():
    """Aware datetime → what the database's driver takes, without Django's per-value checks:
    SQLite stores naive UTC text (as Django does with USE_TZ: ``str()`` of the naive UTC
    datetime), PostgreSQL takes it as is."""
    if connection.vendor == "sqlite":

        def adapt(value):
            if value is None:
                return None
            if value.tzinfo is not _UTC:
                value = value.astimezone(_UTC)
            return str(value)[:-6]  # "…+00:00" off: the naive UTC datetime's str()

        return adapt
    return lambda value: value


def _decimal_adapter():
    ops = connection.ops

    def adapt(value):
        return None if value is None else ops.adapt_decimalfield_value(value, 12, 2)

    return adapt


def _stored_readers() -> dict[str, Any]:
    """Column → function that turns a raw value read back into what the ORM would give, for
    the columns where the driver's value differs (the conversions of Django's backend)."""
    if connection.vendor != "sqlite":
        return {}  # psycopg gives aware datetimes, Decimal and bool, as the ORM does

    def read_datetime(value):
        # Django's converter: text → datetime (sqlite3 has done it by the declared type), then
        # aware in the connection's time zone, UTC.
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value

    create_decimal = decimal.Context(prec=15).create_decimal_from_float

    def read_decimal(value):
        # Django's converter for a column of a DecimalField(decimal_places=2).
        if value is None or isinstance(value, decimal.Decimal):
            return value
        if isinstance(value, str):
            return decimal.Decimal(value).quantize(CENT)
        return create_decimal(value).quantize(CENT)

    def read_bool(value):
        return value if value is None or isinstance(value, bool) else bool(value)

    return {
        "occurred_from": read_datetime,
        "occurred_to": read_datetime,
        "cost_sek": read_decimal,
        "creates_insecurity": read_bool,
        "is_summary": read_bool,
        "position_is_centre": read_bool,
    }


def _tuple_getter(keys):
    """itemgetter that always gives a tuple, also for one key."""
    if len(keys) == 1:
        key = keys[0]
        return lambda item: (item[key],)
    return itemgetter(*keys)


# New rows: every column but the id, in this order.
INSERT_NAMES = (
    *COLUMNS,
    "organisation_id",
    "reporter_id",
    "source",
    "external_id",
    "import_run_id",
    "created_at",
    "updated_at",
)


class _Loader:
    def __init__(self, *, run, source, organisation, by, all_or_nothing):
        self.run = run
        self.source = source
        self.organisation = organisation
        self.by = by
        self.all_or_nothing = all_or_nothing
        self.ctx = _Context(organisation=organisation)
        self.seen: dict[str, int | None] = {}
        self.problems: list[ImportProblem] = []
        self.table = connection.ops.quote_name(Incident._meta.db_table)
        self.quote = connection.ops.quote_name
        self.counts = {"rows_total": 0, "created": 0, "updated": 0, "unchanged": 0, "failed": 0}
        adapt_datetime, adapt_decimal = _datetime_adapter(), _decimal_adapter()
        self.adapters = {
            "occurred_from": adapt_datetime,
            "occurred_to": adapt_datetime,
            "cost_sek": adapt_decimal,
        }
        self.adapt_datetime = adapt_datetime
        self.readers = _stored_readers()
        self.postgresql = connection.vendor == "postgresql"

    def batch(self, raws: list[dict]) -> None:
        ctx = self.ctx
        checked = [_check(raw, ctx, self.source) for raw in raws]
        _check_points(checked, ctx)
        good: list[_Row] = []
        seen = self.seen
        for row in checked:
            if not row.problems and row.external_id in seen:
                first = seen[row.external_id]
                row.problem(
                    "external_id",
                    row.external_id,
                    _("Externt id %(id)s förekommer redan på rad %(row)s.")
                    % {"id": row.external_id, "row": first if first is not None else "?"},
                )
            if row.problems:
                self.counts["failed"] += 1
                for key, value, message in row.problems:
                    self.problems.append(
                        ImportProblem(
                            run=self.run,
                            row=row.number,
                            field=key,
                            value=_short(value),
                            message=message,
                        )
                    )
                continue
            seen[row.external_id] = row.number
            good.append(row)
        self.counts["rows_total"] += len(raws)
        if good:
            with transaction.atomic():
                self.write(good)

    def existing(self, ids: list[str], compared: list[str]) -> dict[str, tuple]:
        """external id → (pk, organisation_id, stored values of `compared`) for the ids this
        source already has: one query on the unique index (a few on SQLite, whose statements
        take at most 999 parameters), read as the ORM would read them."""
        names = ("external_id", "id", "organisation_id", *compared)
        select = "SELECT {} FROM {} WHERE {} = %s AND NOT ({} = '') AND {} ".format(
            ", ".join(self.quote(n) for n in names),
            self.table,
            self.quote("source"),
            self.quote("external_id"),
            self.quote("external_id"),
        )
        # "NOT (external_id = '')", written exactly as the condition of the partial unique
        # index on (source, external_id), lets the database use that index: SQLite does not
        # see that "<> ''" implies it, and scans the whole table.
        if self.postgresql:
            queries = [(select + "= ANY(%s)", [self.source, ids])]
        else:
            queries = [
                (
                    select + "IN ({})".format(", ".join(["%s"] * len(chunk))),
                    [self.source, *chunk],
                )
                for chunk in (ids[i : i + 900] for i in range(0, len(ids), 900))
            ]
        readers = [(i, self.readers[c]) for i, c in enumerate(compared) if c in self.readers]
        found = {}
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                for external_id, pk, organisation_id, *stored in cursor.fetchall():
                    for i, read in readers:
                        stored[i] = read(stored[i])
                    found[external_id] = (pk, organisation_id, stored)
        return found

    def write(self, rows: list[_Row]) -> None:
        given = sorted({key for row in rows for key in row.given}, key=COLUMNS.index)
        compared = [c for c in COLUMNS if c in DERIVED or c in given]
        existing = self.existing([row.external_id for row in rows], compared) if rows else {}
        now = timezone.now()
        new, changed = [], {}
        # Per set of columns a row gives: getters of its values and of the stored ones, so a
        # row is compared as one tuple against another.
        getters: dict[tuple[str, ...], tuple[Any, Any, tuple[str, ...]]] = {}
        for row in rows:
            found = existing.get(row.external_id)
            if found is None:
                new.append(row)
                continue
            pk, organisation_id, stored = found
            if organisation_id != self.organisation.pk:
                self.counts["failed"] += 1
                self.problems.append(
                    ImportProblem(
                        run=self.run,
                        row=row.number,
                        field="external_id",
                        value=row.external_id,
                        message=_(
                            "Externt id %(id)s hör till en rapport från en annan organisation "
                            "och ändras inte."
                        )
                        % {"id": row.external_id},
                    )
                )
                continue
            pair = getters.get(row.given)
            if pair is None:
                columns = tuple(c for c in compared if c in DERIVED or c in row.given)
                pair = getters[row.given] = (
                    _tuple_getter(columns),
                    _tuple_getter([compared.index(c) for c in columns]),
                    columns,
                )
            of_row, of_stored, columns = pair
            # A valid row has every derived column and every column it gives.
            if of_row(row.values) == of_stored(stored):
                self.counts["unchanged"] += 1
                continue
            changed.setdefault(columns, []).append((pk, row))
        if new:
            self.insert(new, now)
        for columns, items in changed.items():
            self.update(columns, items, now)

    def insert(self, rows: list[_Row], now: dt.datetime) -> None:
        """New rows with the values the ORM would give them: the row's, else the model's
        defaults; created_at = updated_at = now (auto_now_add / auto_now)."""
        stamp = self.adapt_datetime(now)
        tail = (
            self.organisation.pk,
            self.by.pk if self.by is not None else None,
            self.source,
        )
        record_of = itemgetter(*COLUMNS)
        run_pk = self.run.pk
        if self.postgresql:
            # COPY: psycopg adapts aware datetimes, Decimal, bool and None as Django would.
            records = (
                (*record_of({**DEFAULTS, **row.values}), *tail, row.external_id, run_pk, now, now)
                for row in rows
            )
            sql = "COPY {} ({}) FROM STDIN".format(
                self.table, ", ".join(self.quote(n) for n in INSERT_NAMES)
            )
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                write_row = copy.write_row
                for record in records:
                    write_row(record)
        else:
            adapt_datetime, adapt_decimal = self.adapt_datetime, self.adapters["cost_sek"]
            i_from, i_to = COLUMNS.index("occurred_from"), COLUMNS.index("occurred_to")
            i_cost = COLUMNS.index("cost_sek")
            params = []
            for row in rows:
                record = list(record_of({**DEFAULTS, **row.values}))
                when, until = record[i_from], record[i_to]
                record[i_from] = adapted = adapt_datetime(when)
                record[i_to] = adapted if until is when else adapt_datetime(until)
                if record[i_cost] is not None:
                    record[i_cost] = adapt_decimal(record[i_cost])
                record.extend(tail)
                record.extend((row.external_id, run_pk, stamp, stamp))
                params.append(record)
            sql = "INSERT INTO {} ({}) VALUES ({})".format(
                self.table,
                ", ".join(self.quote(n) for n in INSERT_NAMES),
                ", ".join(["%s"] * len(INSERT_NAMES)),
            )
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
        self.counts["created"] += len(rows)

    def update(self, columns: tuple[str, ...], items: list[tuple[int, _Row]], now) -> None:
        names = (*columns, "import_run_id", "updated_at")
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            self.table,
            ", ".join(f"{self.quote(n)} = %s" for n in names),
            self.quote("id"),
        )
        stamp = self.adapt_datetime(now)
        identity = lambda value: value  # noqa: E731
        adapters = [self.adapters.get(c, identity) for c in columns]
        params = [
            (
                *(adapt(row.values.get(c)) for c, adapt in zip(columns, adapters, strict=True)),
                self.run.pk,
                stamp,
                pk,
            )
            for pk, row in items
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        self.counts["updated"] += len(items)

    def report_progress(self) -> None:
        """The counts so far on the stored run, so its page shows how far a long import has
        come (one UPDATE per batch; the run object itself is saved at the end)."""
        ImportRun.objects.filter(pk=self.run.pk).update(
            **{key: getattr(self.run, key) + value for key, value in self.counts.items()}
        )

    def flush_problems(self) -> None:
        if self.problems:
            ImportProblem.objects.bulk_create(self.problems, batch_size=1000)
            self.problems = []


def load_incidents(
    rows: Iterable[dict],
    *,
    run: ImportRun,
    source: str,
    organisation: Organisation,
    by: User | None = None,
    all_or_nothing: bool = False,
    batch_size: int = 5000,
) -> ImportRun:
    """Load incident rows into the database by the rules of `services.incident_create`.

    See the module docstring for the row format, the upsert and the counting.
    """
    if run.pk is None:
        run.save()
    loader = _Loader(
        run=run, source=source, organisation=organisation, by=by, all_or_nothing=all_or_nothing
    )
    error: Exception | None = None
    try:
        with _write_settings():
            if all_or_nothing:
                try:
                    with transaction.atomic():
                        for raws in _batches(rows, batch_size):
                            loader.batch(raws)
                        if loader.counts["failed"] or run.failed:
                            raise _Rollback
                except _Rollback:
                    loader.counts["created"] = loader.counts["updated"] = 0
                    loader.counts["unchanged"] = 0
            else:
                for raws in _batches(rows, batch_size):
                    loader.batch(raws)
                    loader.flush_problems()
                    loader.report_progress()
    except Exception as exc:  # noqa: BLE001 - recorded on the run, then re-raised
        error = exc
        logger.exception("Import %s avbröts", run.pk)
    loader.flush_problems()

    for key, value in loader.counts.items():
        setattr(run, key, getattr(run, key) + value)
    run.finished_at = timezone.now()
    if error is not None:
        run.status = ImportRun.Status.FAILED
        run.message = _(
            "Importen avbröts efter %(rows)s rader: %(error)s. Redan sparade omgångar finns kvar."
        ) % {"rows": loader.counts["rows_total"], "error": error}
    elif all_or_nothing and (loader.counts["failed"] or run.failed):
        run.status = ImportRun.Status.FAILED
        run.message = _(
            "Inget sparades: %(failed)s rader hade fel. Rätta dem och importera igen."
        ) % {"failed": run.failed}
    elif run.failed or run.problems.exists():
        run.status = ImportRun.Status.WITH_PROBLEMS
    else:
        run.status = ImportRun.Status.OK
    run.save()
    if error is not None:
        raise error
    return run
