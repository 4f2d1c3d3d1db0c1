"""HTTP for every API importer (Kolada, SCB, Polisen): one kind of requests Session, retries
with backoff, and rate rules.

- `request_json` retries network errors, 429 and 5xx with doubling waits (longer when the
  server says Retry-After) and raises FetchError / NotFound with a Swedish message.
- Rate rules in one process: `CallLimiter` (at most n calls in any window of seconds, as
  SCB publishes them).
- Rate rules across processes (web, worker, command): `RateRules` counts the calls a source
  made from its ImportRun rows (one run a call, ``started_at`` the time of the call);
  `reserve_call` records the next call only when the rules allow it, inside a transaction
  that serialises the check (an advisory lock on PostgreSQL, the write lock of IMMEDIATE
  transactions on SQLite), and raises RateLimited with the wait otherwise.

Tests replace only the transport (an adapter mounted on the session, or Session.send);
URL building, paging, retries and error handling run as in production.
"""

import datetime as dt
import logging
import time
from collections import deque
from dataclasses import dataclass

import requests
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.imports.models import ImportRun
from samverkan.imports.runs import start_run

logger = logging.getLogger(__name__)

USER_AGENT = "Samverkan (kommunens och polisens trygghetsarbete; indikatorimport)"
TIMEOUT = 30  # seconds per request
RETRIES = 4  # attempts in all
BACKOFF = 2.0  # seconds before the 2nd attempt; doubles each time
RETRY_STATUS = {429, 500, 502, 503, 504}

# Replaced in tests so retries do not sleep; production sleeps for real.
sleep = time.sleep


class FetchError(Exception):
    """The source could not be reached or answered with an error, after all retries."""

    def __init__(self, message: str, *, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.status = status
        self.url = url


class NotFound(FetchError):
    """The source says the resource does not exist (404/410), e.g. a removed KPI."""


def make_session(user_agent: str = USER_AGENT) -> requests.Session:
    session = requests.Session()
    session.headers.update({"User-Agent": user_agent, "Accept": "application/json"})
    return session


def retry_after(response: requests.Response | None, default: float = 0.0) -> float:
    """The seconds the server's Retry-After asks for, but at least `default`."""
    if response is None:
        return default
    raw = response.headers.get("Retry-After", "")
    try:
        return max(float(raw), default)
    except ValueError:
        return default


def request_json(
    session: requests.Session,
    method: str,
    url: str,
    *,
    params=None,
    json_body=None,
    retries: int = RETRIES,
    backoff: float = BACKOFF,
):
    """Send a request and return the decoded JSON, retrying network errors, 429 and 5xx.

    Waits `backoff`, 2·`backoff`, 4·`backoff` … between attempts (longer if the server
    says Retry-After). Raises NotFound on 404/410 and FetchError otherwise, with a
    Swedish message that names the address and the last error.
    """
    delay = backoff
    last_error = ""
    last_status = None
    for attempt in range(1, retries + 1):
        response = None
        try:
            response = session.request(method, url, params=params, json=json_body, timeout=TIMEOUT)
        except (requests.ConnectionError, requests.Timeout) as error:
            last_error = _("nätverksfel: %(error)s") % {"error": error.__class__.__name__}
            last_status = None
        else:
            if response.status_code in (404, 410):
                raise NotFound(
                    _("%(url)s finns inte (HTTP %(status)s).")
                    % {"url": response.url or url, "status": response.status_code},
                    status=response.status_code,
                    url=url,
                )
            if response.status_code in RETRY_STATUS:
                last_error = _("HTTP %(status)s") % {"status": response.status_code}
                last_status = response.status_code
            elif response.status_code >= 400:
                raise FetchError(
                    _("%(url)s svarade HTTP %(status)s.")
                    % {"url": response.url or url, "status": response.status_code},
                    status=response.status_code,
                    url=url,
                )
            else:
                try:
                    return response.json()
                except ValueError:
                    raise FetchError(
                        _("%(url)s svarade inte med JSON.") % {"url": response.url or url},
                        status=response.status_code,
                        url=url,
                    ) from None
                except RecursionError:
                    raise FetchError(
                        _("%(url)s svarade med JSON som är nästlad i tusentals nivåer.")
                        % {"url": response.url or url},
                        status=response.status_code,
                        url=url,
                    ) from None
        if attempt < retries:
            wait = retry_after(response, delay)
            logger.warning(
                "Försök %s av %s mot %s misslyckades (%s); nytt försök om %.1f s",
                attempt,
                retries,
                url,
                last_error,
                wait,
            )
            sleep(wait)
            delay *= 2
    raise FetchError(
        _("%(url)s gick inte att nå efter %(n)d försök (%(error)s).")
        % {"url": url, "n": retries, "error": last_error},
        status=last_status,
        url=url,
    )


def get_json(session: requests.Session, url: str, *, params=None, **kwargs):
    return request_json(session, "GET", url, params=params, **kwargs)


class CallLimiter:
    """At most ``limits.max_calls`` calls in any ``limits.window`` seconds (sleeping when
    needed), within one process."""

    def __init__(self, limits, clock=time.monotonic):
        self.limits = limits
        self.clock = clock
        self.calls: deque[float] = deque()

    def wait(self) -> None:
        now = self.clock()
        while self.calls and now - self.calls[0] >= self.limits.window:
            self.calls.popleft()
        if len(self.calls) >= self.limits.max_calls:
            pause = self.limits.window - (now - self.calls[0])
            if pause > 0:
                sleep(pause)
            now = self.clock()
            self.calls.popleft()
        self.calls.append(now)


@dataclass(frozen=True)
class RateRules:
    """A source's published rules, kept across processes through its ImportRun rows."""

    source: str
    min_interval: dt.timedelta
    per_hour: int
    per_day: int
    lock_key: int  # PostgreSQL advisory lock of the check


class RateLimited(Exception):
    """The rules forbid a call now; ``wait`` is the seconds until one is allowed."""

    def __init__(self, wait: float):
        super().__init__(wait)
        self.wait = wait


def rate_wait(rules: RateRules, now: dt.datetime) -> float:
    """Seconds until the rules allow the next call (0: now), from the recorded calls."""
    calls = ImportRun.objects.filter(source=rules.source)
    waits = [0.0]
    last = calls.order_by("-started_at").values_list("started_at", flat=True).first()
    if last is not None and now - last < rules.min_interval:
        waits.append((last + rules.min_interval - now).total_seconds())
    for window, limit in (
        (dt.timedelta(hours=1), rules.per_hour),
        (dt.timedelta(days=1), rules.per_day),
    ):
        recent = calls.filter(started_at__gt=now - window).order_by("-started_at")
        times = list(recent.values_list("started_at", flat=True)[:limit])
        if len(times) >= limit:
            waits.append((times[-1] + window - now).total_seconds())
    return max(waits)


def _lock(key: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
    # SQLite: the atomic block is an IMMEDIATE transaction (settings), which already holds
    # the database's write lock.


def reserve_call(rules: RateRules, *, kind: str, **run) -> ImportRun:
    """Record a call now (its run, "pågår") if the rules allow it, else RateLimited."""
    with transaction.atomic():
        _lock(rules.lock_key)
        wait = rate_wait(rules, timezone.now())
        if wait > 0:
            raise RateLimited(wait)
        return start_run(kind, rules.source, **run)
