"""The weekly EST picture (veckans lägesbild) of an agreement for one ISO week.

One shared scope, so that every party of the agreement sees the same picture and a closed
meeting's snapshot is well defined (docs/est.md):

- öppen and intern reports of the agreement's municipalities count everywhere in the picture;
- begränsad reports appear only as one total number for the week, never per district or
  category, never on the map or among the notable reports;
- Polisen's summaries (``is_summary``) are left out; reports whose position is only the
  municipality's centre count in the tables but are not drawn on the map.

Every user who may open an agreement's picture sees the agreement's municipalities, so the
öppen and intern reports of the picture are a subset of what
``incidents.selectors.incident_list_for_user`` gives them (tests/est/test_weekly.py checks
it);
the begränsad reports are only counted, never shown.

Weeks run from Monday 00:00 to the next Monday 00:00, Europe/Stockholm (summer time included:
a week in which the clocks change is 167 or 169 hours long). All counting is done in the
database with a constant number of queries, whatever the number of reports.

The increase flags (``est.flags`` → ``analysis.surveillance``): each cell is compared with
the same weeks of up to five earlier years (Farrington–Noufaily), or with the previous weeks
when no earlier year has data, at a per-cell level that keeps the expected false flags of a
year at one. Snapshot version 2 added the flags' fields (``method``, ``expected``,
``threshold``, ``dispersion``, ``new_large``, ``explanation`` per cell; ``history_years``,
``alpha``, ``expected_false_per_year``, ``false_flags`` for the picture); a version 1
snapshot has none of them and still renders (its ``p``/``q`` and ``test`` say what decided
then). Version 3 added the week in progress (``in_progress``, ``compared_days``,
``days_label``, ``compared_until``, ``comparison``): until the week is over, every week is
counted over the same days only (Monday 00:00 to today's weekday at the present time of day;
the week itself up to now) and nothing is flagged; a version 2 snapshot is a whole week.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.analysis import surveillance
from samverkan.core.access import scope
from samverkan.core.models import Classification
from samverkan.est import flags as week_flags
from samverkan.est.models import Action, PlannedEvent, WeekMeeting, WeekNote
from samverkan.incidents.models import Category, Incident
from samverkan.places.models import District, Municipality
from samverkan.plans.models import Agreement

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SNAPSHOT_VERSION = 3
MAX_POINTS = 2000
MAX_NOTABLE = 30
SHOWN = [Classification.OPEN, Classification.INTERNAL]


def week_start(iso_year: int, iso_week: int) -> dt.datetime:
    """Monday 00:00 of the ISO week in Swedish local time (an aware datetime)."""
    monday = dt.date.fromisocalendar(iso_year, iso_week, 1)
    return dt.datetime.combine(monday, dt.time(), tzinfo=STOCKHOLM)


def week_bounds(iso_year: int, iso_week: int) -> tuple[dt.datetime, dt.datetime]:
    start = week_start(iso_year, iso_week)
    following = start.date() + dt.timedelta(days=7)
    return start, dt.datetime.combine(following, dt.time(), tzinfo=STOCKHOLM)


def shift_week(iso_year: int, iso_week: int, weeks: int) -> tuple[int, int]:
    year, week, _day = (
        dt.date.fromisocalendar(iso_year, iso_week, 1) + dt.timedelta(weeks=weeks)
    ).isocalendar()
    return year, week


def current_week(now: dt.datetime | None = None) -> tuple[int, int]:
    local = (now or timezone.now()).astimezone(STOCKHOLM)
    year, week, _day = local.isocalendar()
    return year, week


def valid_week(iso_year: int, iso_week: int) -> bool:
    try:
        dt.date.fromisocalendar(iso_year, iso_week, 1)
    except ValueError:
        return False
    return 2000 <= iso_year <= 2100


def agreement_municipalities(agreement: Agreement) -> QuerySet[Municipality]:
    """The municipalities whose kommun (or the kommun above it) is party to the agreement."""
    return scope(Municipality.objects.all(), agreement, municipality="")


def shared_scope(agreement: Agreement) -> QuerySet[Incident]:
    """The reports the picture is made of, before the classification split."""
    return Incident.objects.filter(
        municipality__in=agreement_municipalities(agreement).values("pk"), is_summary=False
    )


# --- The result ---------------------------------------------------------------------------------


@dataclass
class Cell:
    district_id: int | None
    district: str
    category_id: int
    category: str
    count: int
    baseline: list[int]  # counts of the previous weeks, oldest first
    baseline_mean: float  # their mean (the "snitt" of the tables)
    tested: bool
    p: float | None  # P(X ≥ count) under the cell's baseline
    q: float | None  # version 1 only (Benjamini–Hochberg); None since version 2
    increase: bool  # flagged: by the test, or new and large by the rule
    new: bool  # no report in any baseline week
    method: str = ""  # "seasonal", "recent" or "none"
    expected: float | None = None  # the baseline's prediction for the week
    threshold: int | None = None  # the smallest count that is flagged
    dispersion: float | None = None
    new_large: bool = False
    explanation: str = ""


@dataclass
class DistrictTotal:
    district_id: int | None
    district: str
    count: int
    baseline_mean: float


@dataclass
class Notable:
    id: int
    occurred_from: str  # ISO 8601, local time
    category: str
    district: str
    place: str
    severity: int
    creates_insecurity: bool
    description: str


@dataclass
class Point:
    lat: float
    lon: float
    category: str
    district_id: int | None
    municipality_id: int


@dataclass
class ActionRow:
    id: int
    what: str
    where: str
    owner_organisation: str
    owner: str
    due_date: str | None
    status: str
    status_label: str
    overdue: bool
    decided_week: str


@dataclass
class EventRow:
    id: int
    title: str
    where: str
    starts_at: str
    ends_at: str
    organisation: str


@dataclass
class NoteRow:
    organisation_id: int
    organisation: str
    author: str
    text: str


@dataclass
class WeeklyPicture:
    agreement_id: int
    agreement: str
    iso_year: int
    iso_week: int
    week_start: str  # local date of the Monday
    week_end: str  # local date of the Sunday
    baseline_weeks: int
    q_level: float | None  # version 1 only; None since version 2
    test: str  # which test decides, in Swedish
    total: int  # öppen + intern reports of the week
    baseline_total_mean: float
    restricted_count: int
    cells: list[Cell] = field(default_factory=list)
    districts: list[DistrictTotal] = field(default_factory=list)
    notable: list[Notable] = field(default_factory=list)
    points: list[Point] = field(default_factory=list)
    points_truncated: bool = False
    actions: list[ActionRow] = field(default_factory=list)
    planned_events: list[EventRow] = field(default_factory=list)
    notes: list[NoteRow] = field(default_factory=list)
    computed_at: str = ""
    history_years: int = 0  # earlier years in the seasonal baseline (0: recent weeks only)
    alpha: float | None = None  # the per-cell level
    expected_false_per_year: float | None = None
    false_flags: str = ""  # the sentence beside the flags
    in_progress: bool = False  # the week is not over: same days compared, no flags
    compared_days: int = 7  # the days of each week counted (Monday first)
    days_label: str = ""  # "mån–ons"
    compared_until: str = ""  # the week in progress: the time of day of the last day, "15:00"
    comparison: str = ""  # "jämfört med samma dagar (mån–ons) tidigare veckor"
    version: int = SNAPSHOT_VERSION

    @property
    def increases(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.increase]

    def as_dict(self) -> dict:
        """Plain JSON: what the API returns and what a closed meeting stores."""
        return dataclasses.asdict(self)


def _local(value: dt.datetime) -> str:
    return value.astimezone(STOCKHOLM).isoformat(timespec="minutes")


def _where(district, place) -> str:
    if place is not None:
        return place.name
    return district.name if district is not None else ""


# --- The computation ------------------------------------------------------------------------------


def weekly_picture(
    agreement: Agreement,
    iso_year: int,
    iso_week: int,
    *,
    baseline_weeks: int | None = None,
    now: dt.datetime | None = None,
) -> WeeklyPicture:
    """The picture of one ISO week for an agreement. Twelve queries, whatever the data."""
    if baseline_weeks is None:
        baseline_weeks = settings.SAMVERKAN_EST_BASELINE_WEEKS
    baseline_weeks = max(baseline_weeks, surveillance.RECENT_SPAN - 1)
    now = now or timezone.now()
    start, end = week_bounds(iso_year, iso_week)

    municipalities = list(agreement_municipalities(agreement).values_list("pk", flat=True))
    districts = {
        pk: name
        for pk, name in District.objects.filter(municipality__in=municipalities)
        .order_by("name")
        .values_list("pk", "name")
    }
    categories = dict(Category.objects.values_list("pk", "name"))
    scope = Incident.objects.filter(municipality__in=municipalities, is_summary=False)
    shown = scope.filter(classification__in=SHOWN)

    # The week in progress: every week is counted over the same days (Monday to today).
    in_progress = start <= now < end
    local_now = now.astimezone(STOCKHOLM)
    days = (local_now.date() - start.date()).days + 1 if in_progress else 7
    until = local_now.time() if in_progress else None
    series, years = week_flags.grouped_counts(
        shown,
        iso_year,
        iso_week,
        baseline_weeks,
        week_start,
        shift_week,
        lambda moment: week_start(*current_week(moment)),
        days=days if in_progress else None,
        until=until,
    )
    no_district = _("Utan område")
    district_order = {pk: i for i, pk in enumerate(districts)}
    cells = []
    flags = None
    if in_progress:
        # No flags before the week is over: the level is set for one test per cell and week,
        # and the minimum counts are whole weeks' (docs/est.md).
        not_yet = _("Veckan pågår: ingen markering förrän veckan är slut.")
        for (district_id, category_id), counts in series.items():
            previous = [counts.get(o, 0) for o in range(-baseline_weeks, 0)]
            cells.append(
                Cell(
                    district_id=district_id,
                    district=districts.get(district_id, no_district),
                    category_id=category_id,
                    category=categories.get(category_id, ""),
                    count=counts.get(0, 0),
                    baseline=previous,
                    baseline_mean=sum(previous) / baseline_weeks,
                    tested=False,
                    p=None,
                    q=None,
                    increase=False,
                    new=not any(previous),
                    method="none",
                    explanation=not_yet,
                )
            )
    else:
        flags = surveillance.weekly_flags(
            {
                key: week_flags.week_series(counts, baseline_weeks, years)
                for key, counts in series.items()
            },
            years=years,
        )
    for (district_id, category_id), result in flags.cells.items() if flags else ():
        counts = series[(district_id, category_id)]
        previous = [counts.get(o, 0) for o in range(-baseline_weeks, 0)]
        cells.append(
            Cell(
                district_id=district_id,
                district=districts.get(district_id, no_district),
                category_id=category_id,
                category=categories.get(category_id, ""),
                count=result.count,
                baseline=previous,
                baseline_mean=sum(previous) / baseline_weeks,
                tested=result.tested,
                p=result.p,
                q=None,
                increase=result.flagged,
                new=not result.tested,
                method=result.method,
                expected=result.expected if result.tested else None,
                threshold=result.threshold,
                dispersion=result.dispersion,
                new_large=result.new_large,
                explanation=week_flags.cell_sentence(result.reason),
            )
        )
    cells.sort(key=lambda c: (district_order.get(c.district_id, len(districts)), c.category))

    totals: dict[int | None, list[float]] = {}
    for cell in cells:
        total = totals.setdefault(cell.district_id, [0, 0.0])
        total[0] += cell.count
        total[1] += cell.baseline_mean
    district_rows = [
        DistrictTotal(pk, name, int(totals.get(pk, [0, 0.0])[0]), totals.get(pk, [0, 0.0])[1])
        for pk, name in districts.items()
    ]
    if None in totals:
        district_rows.append(
            DistrictTotal(None, no_district, int(totals[None][0]), totals[None][1])
        )

    week = {"occurred_from__gte": start, "occurred_from__lt": end}
    restricted_count = scope.filter(classification=Classification.RESTRICTED, **week).count()

    point_rows = list(
        shown.filter(lat__isnull=False, lon__isnull=False, position_is_centre=False, **week)
        .order_by("occurred_from", "pk")
        .values_list("lat", "lon", "category_id", "district_id", "municipality_id")[
            : MAX_POINTS + 1
        ]
    )
    points = [
        Point(lat, lon, categories.get(category_id, ""), district_id, municipality_id)
        for lat, lon, category_id, district_id, municipality_id in point_rows[:MAX_POINTS]
    ]

    notable = [
        Notable(
            id=incident.pk,
            occurred_from=_local(incident.occurred_from),
            category=categories.get(incident.category_id, ""),
            district=districts.get(incident.district_id, ""),
            place=incident.place.name if incident.place else "",
            severity=incident.severity,
            creates_insecurity=incident.creates_insecurity,
            description=incident.description,
        )
        for incident in shown.filter(Q(severity=3) | Q(creates_insecurity=True), **week)
        .select_related("place")
        .order_by("-severity", "occurred_from", "pk")[:MAX_NOTABLE]
    ]

    # Overdue as of the end of the week, or today for the running week.
    as_of = min(now.astimezone(STOCKHOLM).date(), end.date() - dt.timedelta(days=1))
    actions = [
        ActionRow(
            id=action.pk,
            what=action.what,
            where=_where(action.district, action.place),
            owner_organisation=action.owner_organisation.name,
            owner=str(action.owner) if action.owner else "",
            due_date=action.due_date.isoformat() if action.due_date else None,
            status=action.status,
            status_label=str(action.get_status_display()),
            overdue=action.is_overdue(as_of),
            decided_week=f"{action.iso_year} v{action.iso_week}",
        )
        for action in Action.objects.filter(agreement=agreement)
        .filter(Q(iso_year__lt=iso_year) | Q(iso_year=iso_year, iso_week__lte=iso_week))
        .filter(~Q(status__in=Action.CLOSED) | Q(iso_year=iso_year, iso_week=iso_week))
        .select_related("district", "place", "owner_organisation", "owner")
        .order_by("due_date", "pk")
    ]

    next_end = end + dt.timedelta(days=7)
    events = [
        EventRow(
            id=event.pk,
            title=event.title,
            where=_where(event.district, event.place),
            starts_at=_local(event.starts_at),
            ends_at=_local(event.ends_at),
            organisation=event.organisation.name,
        )
        for event in PlannedEvent.objects.filter(
            agreement=agreement, starts_at__lt=next_end, ends_at__gte=start
        ).select_related("district", "place", "organisation")
    ]

    notes = [
        NoteRow(note.organisation_id, note.organisation.name, str(note.author or ""), note.text)
        for note in WeekNote.objects.filter(
            meeting__agreement=agreement, meeting__iso_year=iso_year, meeting__iso_week=iso_week
        ).select_related("organisation", "author")
    ]

    return WeeklyPicture(
        agreement_id=agreement.pk,
        agreement=agreement.title,
        iso_year=iso_year,
        iso_week=iso_week,
        week_start=start.date().isoformat(),
        week_end=(end.date() - dt.timedelta(days=1)).isoformat(),
        baseline_weeks=baseline_weeks,
        q_level=None,
        test=week_flags.method_description(flags, baseline_weeks)
        if flags
        else week_flags.in_progress_description(
            week_flags.comparison_sentence(days), baseline_weeks
        ),
        total=sum(cell.count for cell in cells),
        baseline_total_mean=sum(cell.baseline_mean for cell in cells),
        restricted_count=restricted_count,
        cells=cells,
        districts=district_rows,
        notable=notable,
        points=points,
        points_truncated=len(point_rows) > MAX_POINTS,
        actions=actions,
        planned_events=events,
        notes=notes,
        computed_at=_local(now),
        history_years=flags.years if flags else 0,
        alpha=flags.alpha if flags else None,
        expected_false_per_year=flags.expected_false_per_year if flags else None,
        false_flags=week_flags.false_flags_sentence(flags) if flags else "",
        in_progress=in_progress,
        compared_days=days,
        days_label=week_flags.days_label(days),
        compared_until=until.strftime("%H:%M") if until else "",
        comparison=week_flags.comparison_sentence(days) if in_progress else "",
    )


def meeting_of(agreement: Agreement, iso_year: int, iso_week: int) -> WeekMeeting | None:
    return WeekMeeting.objects.filter(
        agreement=agreement, iso_year=iso_year, iso_week=iso_week
    ).first()


def picture_or_snapshot(
    agreement: Agreement, iso_year: int, iso_week: int
) -> tuple[dict, WeekMeeting | None]:
    """What the page and the API show: a closed meeting's stored snapshot, else a fresh
    computation."""
    meeting = meeting_of(agreement, iso_year, iso_week)
    if meeting is not None and meeting.is_closed and meeting.snapshot:
        return meeting.snapshot["picture"], meeting
    return weekly_picture(agreement, iso_year, iso_week).as_dict(), meeting
