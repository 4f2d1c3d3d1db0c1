"""One filter for incident reports, used by the list, the map, the export and the API.

Parameters (all optional, as strings from a query string or a form):

- ``from`` / ``to``: dates ``YYYY-MM-DD``, inclusive, on when it happened
  (``occurred_from``) in Swedish local time;
- ``category``: a category slug; a parent category includes its sub-categories;
- ``district``, ``place``: ids; ``organisation``: id or slug of the reporting organisation;
- ``source``: form, file, polisen, open311, api; ``status``: ny, granskad, atgardad, arkiverad;
- ``summaries``: "1" to include Polisen's ``Sammanfattning …`` notices (left out by default).

The Swedish page names (``fran``, ``till``, ``kategori``, ``omrade``, ``plats``,
``organisation``, ``kalla``, ``status``) are accepted as aliases.

`incident_filter` narrows an already scoped queryset (always start from
`selectors.incident_list_for_user`) and raises ValidationError with a Swedish message per
parameter for a value it cannot read; it never widens what the user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from samverkan.core.limits import is_db_int
from samverkan.incidents.models import Category, Incident

ALIASES = {
    "fran": "from",
    "till": "to",
    "kategori": "category",
    "omrade": "district",
    "plats": "place",
    "kalla": "source",
    "sammanfattningar": "summaries",
}
KEYS = ("from", "to", "category", "district", "place", "organisation", "source", "status")


@dataclass(frozen=True)
class IncidentFilter:
    """The parsed parameters; `params()` gives them back for links (export, next page)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: str = ""
    district: int | None = None
    place: int | None = None
    organisation: str = ""
    source: str = ""
    status: str = ""
    summaries: bool = False
    raw: dict[str, str] = field(default_factory=dict, compare=False)

    def params(self) -> dict[str, str]:
        return {key: value for key, value in self.raw.items() if value}

    def reads_most(self) -> bool:
        """Whether the filtered read covers most of the table: no start date and no
        category, district, place or organisation, each of which an index serves (SQLite
        then scans the table, core.sql)."""
        return not (
            self.date_from or self.category or self.district or self.place or self.organisation
        )


def local_day_start(day: dt.date) -> dt.datetime:
    """Midnight of `day` in Swedish local time, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _date(value: str, key: str, errors: dict) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        errors[key] = [_("%(value)s är inget datum; skriv ÅÅÅÅ-MM-DD.") % {"value": value}]
        return None


def _id(value: str, key: str, errors: dict, label: str) -> int | None:
    if not value:
        return None
    if not is_db_int(value):
        errors[key] = [_("%(label)s ska anges med sitt id (ett heltal).") % {"label": label}]
        return None
    return int(value)


def parse_filter(data) -> IncidentFilter:
    """Read the parameters from a QueryDict or a dict; ValidationError on unreadable values."""
    raw: dict[str, str] = {}
    for key in (*KEYS, "summaries", *ALIASES):
        value = data.get(key)
        if value is None or str(value).strip() == "":
            continue
        raw[ALIASES.get(key, key)] = str(value).strip()
    errors: dict[str, list[str]] = {}
    date_from = _date(raw.get("from", ""), "from", errors)
    date_to = _date(raw.get("to", ""), "to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = [_("Slutdatum ligger före startdatum.")]
    source = raw.get("source", "")
    if source and source not in Incident.Source.values:
        errors["source"] = [
            _("Okänd källa %(value)s; välj en av %(choices)s.")
            % {"value": source, "choices": ", ".join(Incident.Source.values)}
        ]
    status = raw.get("status", "")
    if status and status not in Incident.Status.values:
        errors["status"] = [
            _("Okänd status %(value)s; välj en av %(choices)s.")
            % {"value": status, "choices": ", ".join(Incident.Status.values)}
        ]
    category = raw.get("category", "")
    if category and not Category.objects.filter(slug=category).exists():
        errors["category"] = [_("Okänd kategori %(value)s.") % {"value": category}]
    district = _id(raw.get("district", ""), "district", errors, _("Området"))
    place = _id(raw.get("place", ""), "place", errors, _("Platsen"))
    if errors:
        raise ValidationError(errors)
    return IncidentFilter(
        date_from=date_from,
        date_to=date_to,
        category=category,
        district=district,
        place=place,
        organisation=raw.get("organisation", ""),
        source=source,
        status=status,
        summaries=raw.get("summaries", "") in {"1", "true", "ja", "on"},
        raw=raw,
    )


def category_and_children(slug: str) -> list[int]:
    """The ids of a category and every category below it."""
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    slugs = dict(Category.objects.values_list("slug", "pk"))
    root = slugs.get(slug)
    if root is None:
        return []
    chosen = {root}
    changed = True
    while changed:
        changed = False
        for pk, parent in parents.items():
            if parent in chosen and pk not in chosen:
                chosen.add(pk)
                changed = True
    return sorted(chosen)


def incident_filter(queryset: QuerySet[Incident], chosen: IncidentFilter) -> QuerySet[Incident]:
    """Narrow a scoped queryset by the parsed filter."""
    if chosen.date_from:
        queryset = queryset.filter(occurred_from__gte=local_day_start(chosen.date_from))
    if chosen.date_to:
        end = local_day_start(chosen.date_to + dt.timedelta(days=1))
        queryset = queryset.filter(occurred_from__lt=end)
    if chosen.category:
        queryset = queryset.filter(category__in=category_and_children(chosen.category))
    if chosen.district is not None:
        queryset = queryset.filter(district=chosen.district)
    if chosen.place is not None:
        queryset = queryset.filter(place=chosen.place)
    if chosen.organisation:
        if is_db_int(chosen.organisation):
            queryset = queryset.filter(organisation=int(chosen.organisation))
        else:
            queryset = queryset.filter(organisation__slug=chosen.organisation)
    if chosen.source:
        queryset = queryset.filter(source=chosen.source)
    if chosen.status:
        queryset = queryset.filter(status=chosen.status)
    if not chosen.summaries:
        queryset = queryset.filter(~Q(is_summary=True))
    return queryset
