"""Background tasks of indicators. Thin: each calls one service.

`django_tasks` is the backport of Django 6's `django.tasks`; on Django 6 only the import
changes. The schedule (samverkan/core/schedule.py) enqueues `refresh_indicators`.
"""

from django_tasks import task

from samverkan.indicators.importers.refresh import refresh_due_sources
from samverkan.indicators.importers.refresh import refresh_indicator as refresh_one
from samverkan.indicators.models import Indicator


@task()
def refresh_indicators() -> str:
    """Fetch the API sources (Kolada, SCB) whose indicators are due. Returns a summary."""
    runs = refresh_due_sources()
    if not runs:
        return "Inga indikatorer från Kolada eller SCB var aktuella att hämta."
    return " ".join(f"{run.source}: {run.get_status_display()}. {run.message}" for run in runs)


@task()
def refresh_indicator(code: str) -> str:
    """Fetch one API indicator now (the catalogue's "hämta nu"). Returns a summary."""
    indicator = Indicator.objects.select_related("source").filter(code=code).first()
    if indicator is None:
        return f"Indikatorn {code} finns inte."
    run = refresh_one(indicator)
    if run is None:
        return f"{indicator.name} hämtas inte över nätet; ladda upp en fil."
    return f"{run.source}: {run.get_status_display()}. {run.message}"
