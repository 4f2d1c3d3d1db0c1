"""HTTP for the API importers (Kolada, SCB): one requests Session, retries with backoff.

Tests replace only the transport (an adapter mounted on the session); URL building,
paging, retries and error handling run as in production.
"""

import logging
import time

import requests
from django.utils.translation import gettext as _

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


def make_session() -> requests.Session:
    session = requests.Session()
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
    return session


def _retry_after(response: requests.Response | None, default: float) -> float:
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
        if attempt < retries:
            wait = _retry_after(response, delay)
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
