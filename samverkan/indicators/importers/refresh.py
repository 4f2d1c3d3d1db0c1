"""Scheduled refresh of the API sources (Kolada, SCB): fetch what is due, nothing else.

An indicator is due when the latest period it should have by now (from its cadence and
typical release month) is newer than the latest period held. Only yearly API indicators are
fetched automatically; file sources are uploaded by people (the catalogue shows them as
overdue). A source fetched successfully within `min_days` is not fetched again, so a late
publication does not mean a call every day.
"""

import logging
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from samverkan.imports.models import ImportRun
from samverkan.indicators.importers.kolada import import_kolada
from samverkan.indicators.importers.load import KIND
from samverkan.indicators.importers.scb import POPULATION_CODE, import_population
from samverkan.indicators.importers.sources import KOLADA, SCB
from samverkan.indicators.models import Indicator
from samverkan.places.models import Municipality

logger = logging.getLogger(__name__)

HISTORY_YEARS = 5  # years fetched for an indicator that holds nothing yet


def expected_latest_year(indicator: Indicator, today: date) -> int:
    """The latest calendar year a yearly indicator should be published for by `today`."""
    release = indicator.release_month or 1
    return today.year - 1 if today.month >= release else today.year - 2


def latest_year_held(indicator: Indicator) -> int | None:
    latest = indicator.observations.aggregate(latest=Max("period_end"))["latest"]
    return latest.year if latest else None


def is_due(indicator: Indicator, today: date) -> bool:
    held = latest_year_held(indicator)
    return held is None or held < expected_latest_year(indicator, today)


def years_to_fetch(indicator: Indicator, today: date) -> list[int]:
    expected = expected_latest_year(indicator, today)
    held = latest_year_held(indicator)
    # Fetch the last held year again too: Kolada and SCB revise preliminary values.
    first = held if held is not None else expected - HISTORY_YEARS + 1
    return list(range(first, expected + 1))


def _recently_fetched(source: str, min_days: int) -> bool:
    since = timezone.now() - timedelta(days=min_days)
    return ImportRun.objects.filter(
        kind=KIND,
        source=source,
        started_at__gte=since,
        status__in=[ImportRun.Status.OK, ImportRun.Status.WITH_PROBLEMS],
    ).exists()


def municipality_codes() -> list[str]:
    return list(Municipality.objects.order_by("code").values_list("code", flat=True)) or ["2580"]


def refresh_due_sources(
    today: date | None = None, *, min_days: int = 7, force: bool = False, session=None
) -> list[ImportRun]:
    """Fetch every due API indicator; returns the import runs made (maybe none)."""
    today = today or timezone.localdate()
    runs: list[ImportRun] = []
    municipalities = municipality_codes()
    due = [
        ind
        for ind in Indicator.objects.filter(
            active=True, source__slug__in=[KOLADA, SCB], cadence=Indicator.Cadence.YEARLY
        ).select_related("source")
        if force or is_due(ind, today)
    ]
    kolada = [i for i in due if i.source.slug == KOLADA and i.external_id]
    if kolada and (force or not _recently_fetched(KOLADA, min_days)):
        years = sorted({y for ind in kolada for y in years_to_fetch(ind, today)})
        runs.append(
            import_kolada(
                [i.external_id for i in kolada],
                # "0000" = the whole country, for the national comparison.
                municipalities=municipalities + ["0000"],
                years=years,
                session=session,
            )
        )
    population = [i for i in due if i.code == POPULATION_CODE]
    if population and (force or not _recently_fetched(SCB, min_days)):
        runs.append(
            import_population(municipalities, years_to_fetch(population[0], today), session=session)
        )
    for run in runs:
        logger.info("Indikatorer: %s/%s %s", run.source, run.status, run.message)
    return runs


def refresh_indicator(indicator: Indicator, today: date | None = None, *, session=None):
    """Fetch one API indicator now (the catalogue's "refresh now"); None for a file source."""
    today = today or timezone.localdate()
    years = years_to_fetch(indicator, today)
    if indicator.source.slug == KOLADA and indicator.external_id:
        return import_kolada(
            [indicator.external_id],
            municipalities=municipality_codes() + ["0000"],
            years=years,
            session=session,
        )
    if indicator.code == POPULATION_CODE:
        return import_population(municipality_codes(), years, session=session)
    return None
