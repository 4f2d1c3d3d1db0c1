"""Fetching Polisen's open events API: every 15 minutes from the worker (task `fetch_polisen`,
when SAMVERKAN_POLISEN_FETCH is on) or once with `samverkan fetch-polisen`.

The API returns only the latest 500 events; each fetch is loaded with `polisen_load` (upsert by
id), so the stored history grows beyond them and overlapping windows never duplicate.

Every HTTP call is one ImportRun with source ``polisen-api`` and its ``started_at`` the time of
the call; the published rate rules are enforced from those rows (`imports.http.RateRules`), so
they hold across processes (web, worker, command): at least 10 seconds between two calls, at
most 60 calls an hour and 1 440 a day.

Failures: HTTP 429, 5xx, time-outs and network errors are retried with backoff (10, 20, 40 s,
or Polisen's Retry-After if longer), each retry a call under the same rules; when the tries
are spent the run is failed with the reason and the data already stored stays as it was.
HTTP 404 means the address is wrong or the API is gone: the run is marked permanent and every
later fetch refuses until an operator re-enables it with ``samverkan fetch-polisen --enable``
(after correcting SAMVERKAN_POLISEN_URL).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.imports import http
from samverkan.imports.models import ImportRun
from samverkan.imports.runs import close_abandoned_runs, fail_run
from samverkan.imports.values import swedish_time
from samverkan.incidents.importers.polisen import PolisenPayloadError
from samverkan.incidents.importers.polisen_load import (
    import_polisen,
    municipalities_for,
    police_organisation,
    polisen_names,
)
from samverkan.organisations.models import Organisation

logger = logging.getLogger(__name__)

SOURCE = "polisen-api"
MIN_INTERVAL = dt.timedelta(seconds=10)
PER_HOUR = 60
PER_DAY = 1440
TIMEOUT = (10, 30)  # connect, read (seconds)
BACKOFF = (10, 20, 40)  # seconds before the 2nd, 3rd, 4th try
RULES = http.RateRules(
    source=SOURCE, min_interval=MIN_INTERVAL, per_hour=PER_HOUR, per_day=PER_DAY, lock_key=725_001
)

# SCB county code (the first two digits of a kommunkod) → the county's name, as Polisen writes it.
COUNTIES = {
    "01": "Stockholms län",
    "03": "Uppsala län",
    "04": "Södermanlands län",
    "05": "Östergötlands län",
    "06": "Jönköpings län",
    "07": "Kronobergs län",
    "08": "Kalmar län",
    "09": "Gotlands län",
    "10": "Blekinge län",
    "12": "Skåne län",
    "13": "Hallands län",
    "14": "Västra Götalands län",
    "17": "Värmlands län",
    "18": "Örebro län",
    "19": "Västmanlands län",
    "20": "Dalarnas län",
    "21": "Gävleborgs län",
    "22": "Västernorrlands län",
    "23": "Jämtlands län",
    "24": "Västerbottens län",
    "25": "Norrbottens län",
}

# Replaced in tests; the rate rules never sleep longer than the backoff.
sleep = time.sleep


class FetchRefused(Exception):
    """No call was made: switched off, stopped after a 404, or the rate rules forbid it now.
    ``wait`` is the seconds until a call would be allowed (None: not before an operator acts)."""

    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


@dataclass
class FetchResult:
    run: ImportRun | None  # the last call's run
    calls: int


def location_names(organisation: Organisation) -> list[str]:
    """The municipalities' names and their counties' names (Polisen gives most events only
    the county since 2026), for ``locationname``."""
    names: list[str] = []
    for municipality in municipalities_for(organisation):
        names.append(polisen_names(municipality)[0])
        county = COUNTIES.get(municipality.code[:2])
        if county and county not in names:
            names.append(county)
    return names


def request_url() -> str:
    url = settings.SAMVERKAN_POLISEN_URL
    if not url.startswith("https://"):
        raise FetchRefused(
            _("SAMVERKAN_POLISEN_URL måste börja med https:// (är %(url)s).") % {"url": url}
        )
    return url


def stopped_run() -> ImportRun | None:
    """The run that stopped fetching (a 404 nobody has re-enabled), or None."""
    last = ImportRun.objects.filter(source=SOURCE).order_by("-started_at", "-pk").first()
    if last and last.details.get("permanent") and not last.details.get("re_enabled_at"):
        return last
    return None


def enable(by: str = "") -> ImportRun | None:
    """Re-enable fetching after a 404. Returns the run that had stopped it, or None."""
    run = stopped_run()
    if run is not None:
        run.details = {**run.details, "re_enabled_at": timezone.now().isoformat(), "by": by}
        run.save(update_fields=["details"])
    return run


def rate_wait(now: dt.datetime) -> float:
    """Seconds until the rules allow the next call (0: now), from the recorded calls."""
    return http.rate_wait(RULES, now)


def reserve_call(*, url: str, organisation: Organisation, attempt: int) -> ImportRun:
    """Record a call now if the rate rules allow it, else FetchRefused with the wait."""
    try:
        return http.reserve_call(
            RULES,
            kind="incidents",
            filename=url,
            organisation=organisation,
            details={"attempt": attempt},
        )
    except http.RateLimited as limited:
        raise FetchRefused(
            _(
                "Polisens regler för API:t tillåter nästa anrop om %(seconds)s sekunder "
                "(minst 10 sekunder mellan anrop, högst 60 i timmen och 1 440 per dygn)."
            )
            % {"seconds": int(limited.wait + 0.999)},
            wait=limited.wait,
        ) from None


def fetch(
    *,
    organisation: Organisation | None = None,
    wait_for_rules: float = 0.0,
    session: requests.Session | None = None,
    attempts: int = len(BACKOFF) + 1,
) -> FetchResult:
    """Fetch the latest events of the organisation's municipalities once (with retries).

    Raises FetchRefused when no call may be made (stopped, rate rules, setup); waits up to
    ``wait_for_rules`` seconds for the rate rules first. Returns the last call's run: status
    klar / klar med problem after a load, misslyckad with the reason otherwise.
    """
    # A fetch whose process died must not stay "pågår" on the runs page.
    close_abandoned_runs()
    stopped = stopped_run()
    if stopped is not None:
        raise FetchRefused(
            _(
                "Hämtningen från Polisen är stoppad sedan %(when)s: %(message)s Rätta adressen "
                "och kör `samverkan fetch-polisen --enable`."
            )
            % {
                "when": swedish_time(stopped.started_at),
                "message": stopped.message,
            }
        )
    url = request_url()
    organisation = organisation or police_organisation(
        settings.SAMVERKAN_POLISEN_ORGANISATION or None
    )
    # As in Polisen's examples (?locationname=Luleå;Norrbottens län): ";" left unencoded.
    params = "locationname=" + quote(";".join(location_names(organisation)), safe=";")
    session = session or http.make_session(settings.SAMVERKAN_POLISEN_USER_AGENT)
    run: ImportRun | None = None
    calls = 0
    for attempt in range(1, attempts + 1):
        try:
            run = reserve_call(url=url, organisation=organisation, attempt=attempt)
        except FetchRefused as refused:
            if refused.wait is not None and refused.wait <= wait_for_rules:
                sleep(refused.wait)
                run = reserve_call(url=url, organisation=organisation, attempt=attempt)
            elif calls:
                break  # retries spent within the rules; the last run holds the reason
            else:
                raise
        calls += 1
        backoff = BACKOFF[min(attempt, len(BACKOFF)) - 1]
        try:
            response = session.get(url, params=params, timeout=TIMEOUT)
        except requests.RequestException as exc:
            fail_run(
                run,
                _("Polisens API svarade inte (%(error)s); tidigare hämtade händelser finns kvar.")
                % {"error": type(exc).__name__},
                retry=attempt < attempts,
            )
            logger.warning("Polisen: anrop %s misslyckades: %s", attempt, exc)
        else:
            if response.status_code == 200 and not response.url.startswith("https://"):
                fail_run(
                    run,
                    _("Polisens API skickade vidare till en adress utan https (%(url)s).")
                    % {"url": response.url},
                )
                break
            if response.status_code == 200:
                try:
                    run = import_polisen(response.content, organisation=organisation, run=run)
                except PolisenPayloadError as exc:
                    fail_run(
                        run, _("Svaret från Polisen gick inte att läsa: %(error)s") % {"error": exc}
                    )
                return FetchResult(run=run, calls=calls)
            if response.status_code == 404:
                fail_run(
                    run,
                    _(
                        "Polisens API svarade 404 (finns inte) för %(url)s; hämtningen är "
                        "stoppad tills den aktiveras igen."
                    )
                    % {"url": url},
                    permanent=True,
                    http_status=404,
                )
                return FetchResult(run=run, calls=calls)
            if response.status_code not in http.RETRY_STATUS:
                fail_run(
                    run,
                    _("Polisens API svarade med HTTP %(status)s; inget hämtades.")
                    % {"status": response.status_code},
                    http_status=response.status_code,
                )
                return FetchResult(run=run, calls=calls)
            backoff = http.retry_after(response, backoff)
            fail_run(
                run,
                _(
                    "Polisens API svarade med HTTP %(status)s; tidigare hämtade händelser "
                    "finns kvar."
                )
                % {"status": response.status_code},
                http_status=response.status_code,
                retry=attempt < attempts,
            )
        if attempt < attempts:
            sleep(backoff)
    return FetchResult(run=run, calls=calls)
