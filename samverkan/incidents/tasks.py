"""Background tasks of incidents. Thin: each calls one service. See docs/polisen.md."""

import logging

from django.conf import settings
from django_tasks import task

from samverkan.incidents.importers import polisen_fetch
from samverkan.incidents.importers.polisen_load import PolisenSetupError, run_summary

logger = logging.getLogger(__name__)


@task()
def fetch_polisen() -> str:
    """Every 15 minutes: fetch Polisen's latest events, when SAMVERKAN_POLISEN_FETCH is on.

    Returns what happened, in Swedish (kept with the task's result). A refusal (rate rules,
    stopped after a 404, switched off) is not an error: the next run tries again.
    """
    if not settings.SAMVERKAN_POLISEN_FETCH:
        return "Hämtning från Polisen är avstängd (SAMVERKAN_POLISEN_FETCH)."
    try:
        result = polisen_fetch.fetch()
    except (polisen_fetch.FetchRefused, PolisenSetupError) as exc:
        logger.warning("Polisen: %s", exc)
        return str(exc)
    run = result.run
    if run.status == run.Status.FAILED:
        logger.warning("Polisen: %s", run.message)
        return run.message
    return run_summary(run)
