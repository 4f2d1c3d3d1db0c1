"""The scheduled fetch of Polisen's events: only the HTTP transport is replaced
(`requests.Session.send` returns constructed responses in the API's format)."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from samverkan.imports.models import ImportRun
from samverkan.incidents.importers import polisen_fetch
from samverkan.incidents.importers.polisen_fetch import FetchRefused, fetch
from samverkan.incidents.models import Incident
from samverkan.incidents.tasks import fetch_polisen

SAMPLE = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-sample.json"


def event(n: int) -> dict:
    """An event of Luleå in the API's format (constructed)."""
    when = dt.datetime(2026, 8, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=17 * n)
    local = when.astimezone(dt.timezone(dt.timedelta(hours=2)))
    return {
        "id": 800000 + n,
        "datetime": local.strftime("%Y-%m-%d %-H:%M:%S +02:00"),
        "name": f"{local:%d} augusti {local:%H.%M}, Skadegörelse, Luleå",
        "summary": f"Skadegörelse nummer {n}.",
        "url": f"/aktuellt/handelser/2026/augusti/{n}/",
        "type": "Skadegörelse",
        "location": {"name": "Norrbottens län", "gps": "66.830899,20.399244"},
    }


class Transport:
    """Stands in for the network: answers each request with the next queued answer."""

    def __init__(self, monkeypatch):
        self.answers: list = []
        self.requests: list[requests.PreparedRequest] = []
        transport = self

        def send(session, request, **kwargs):
            return transport.send(request)

        monkeypatch.setattr(requests.Session, "send", send)

    def queue(self, *answers) -> None:
        self.answers.extend(answers)

    def send(self, request):
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, body, headers = answer
        response = requests.Response()
        response.status_code = status
        response._content = body if isinstance(body, bytes) else json.dumps(body).encode()
        response.headers.update(headers)
        response.url = request.url
        response.request = request
        return response


@pytest.fixture
def transport(monkeypatch) -> Transport:
    return Transport(monkeypatch)


@pytest.fixture
def slept(monkeypatch) -> list[float]:
    """Sleeping moves the recorded calls back in time instead of waiting."""
    seconds: list[float] = []

    def sleep(s: float) -> None:
        seconds.append(s)
        ImportRun.objects.filter(source="polisen-api").update(
            started_at=F("started_at") - dt.timedelta(seconds=s)
        )

    monkeypatch.setattr(polisen_fetch, "sleep", sleep)
    return seconds


def ok(events) -> tuple:
    return (200, events, {"Content-Type": "application/json"})


def age_calls(seconds: float) -> None:
    ImportRun.objects.filter(source="polisen-api").update(
        started_at=F("started_at") - dt.timedelta(seconds=seconds)
    )


def test_a_fetch_loads_the_events_and_sends_who_is_asking(demo, transport, settings):
    settings.SAMVERKAN_POLISEN_USER_AGENT = "Samverkan/1.0 (test; +https://samverkan.example)"
    transport.queue(ok(json.loads(SAMPLE.read_bytes())))
    result = fetch()
    [request] = transport.requests
    assert request.headers["User-Agent"] == "Samverkan/1.0 (test; +https://samverkan.example)"
    assert request.url.startswith("https://polisen.se/api/events?locationname=")
    assert request.url.endswith("?locationname=Boden;Norrbottens%20l%C3%A4n;Lule%C3%A5")
    run = result.run
    assert run.source == "polisen-api" and run.status == ImportRun.Status.WITH_PROBLEMS
    assert run.created == 8 and run.skipped == 2
    assert Incident.objects.filter(source="polisen").count() == 8


def test_a_fetch_closes_an_earlier_fetch_whose_process_died(demo, transport, settings):
    transport.queue(ok([]), ok([]))
    fetch()
    ImportRun.objects.filter(source="polisen-api").update(status=ImportRun.Status.RUNNING)
    age_calls(settings.SAMVERKAN_IMPORT_ABANDONED_AFTER_MINUTES * 60 + 1)
    [died] = ImportRun.objects.filter(source="polisen-api")
    assert fetch().run.status == ImportRun.Status.OK
    died.refresh_from_db()
    assert died.status == ImportRun.Status.FAILED and "blev aldrig klar" in died.message


def test_a_second_call_within_ten_seconds_is_refused(demo, transport):
    transport.queue(ok([]), ok([]))
    fetch()
    with pytest.raises(FetchRefused) as refused:
        fetch()
    assert 0 < refused.value.wait <= 10 and "10 sekunder" in str(refused.value)
    assert len(transport.requests) == 1
    age_calls(11)
    assert fetch().run.status == ImportRun.Status.OK
    assert len(transport.requests) == 2


def test_a_second_call_waits_when_allowed_to(demo, transport, slept):
    transport.queue(ok([]), ok([]))
    fetch()
    fetch(wait_for_rules=10)
    assert len(transport.requests) == 2 and 0 < slept[0] <= 10


def test_the_sixty_first_call_in_an_hour_is_refused(demo, transport):
    now = timezone.now()
    for minute in range(60):
        run = ImportRun.objects.create(kind="incidents", source="polisen-api")
        ImportRun.objects.filter(pk=run.pk).update(
            started_at=now - dt.timedelta(minutes=59, seconds=30) + dt.timedelta(seconds=minute)
        )
    with pytest.raises(FetchRefused) as refused:
        fetch()
    assert transport.requests == []
    assert 25 <= refused.value.wait <= 31  # until the oldest of the 60 is an hour old
    age_calls(31)
    transport.queue(ok([]))
    fetch()
    assert len(transport.requests) == 1


def test_the_day_limit(demo, transport):
    now = timezone.now()
    ImportRun.objects.bulk_create(
        ImportRun(kind="incidents", source="polisen-api") for _ in range(1440)
    )
    ImportRun.objects.filter(source="polisen-api").update(started_at=now - dt.timedelta(hours=2))
    with pytest.raises(FetchRefused):
        fetch()
    assert transport.requests == []


def test_429_is_retried_after_polisens_retry_after(demo, transport, slept):
    transport.queue((429, b"", {"Retry-After": "30"}), ok(json.loads(SAMPLE.read_bytes())))
    result = fetch()
    assert result.calls == 2 and slept == [30.0]
    first, second = ImportRun.objects.filter(source="polisen-api").order_by("pk")
    assert first.status == ImportRun.Status.FAILED and "429" in first.message
    assert second.created == 8


def test_5xx_backs_off_10_20_40_then_fails_and_keeps_the_data(demo, transport, slept):
    transport.queue(ok(json.loads(SAMPLE.read_bytes())))
    fetch()
    before = list(Incident.objects.order_by("pk").values())
    age_calls(60)
    transport.queue(
        (503, b"", {}),
        requests.ConnectionError("nätet är nere"),
        requests.Timeout("för långsamt"),
        (502, b"", {}),
    )
    result = fetch()
    assert result.calls == 4 and slept == [10, 20, 40]
    assert result.run.status == ImportRun.Status.FAILED
    assert "502" in result.run.message and "finns kvar" in result.run.message
    messages = list(
        ImportRun.objects.filter(source="polisen-api", status="misslyckad")
        .order_by("pk")
        .values_list("message", flat=True)
    )
    assert "svarade inte (ConnectionError)" in messages[1]
    assert list(Incident.objects.order_by("pk").values()) == before


def test_404_stops_fetching_until_an_operator_re_enables_it(demo, transport, slept):
    transport.queue((404, b"Not Found", {}))
    result = fetch()
    assert result.calls == 1 and slept == []
    assert result.run.details["permanent"] and "404" in result.run.message
    age_calls(3600)
    with pytest.raises(FetchRefused, match="stoppad"):
        fetch()
    with pytest.raises(CommandError, match="--enable"):
        call_command("fetch_polisen")
    assert len(transport.requests) == 1
    out = StringIO()
    call_command("fetch_polisen", "--enable", stdout=out)
    assert "aktiverad igen" in out.getvalue()
    transport.queue(ok([]))
    assert fetch().run.status == ImportRun.Status.OK


def test_history_is_kept_beyond_the_latest_500(demo, transport):
    transport.queue(ok([event(n) for n in range(1, 501)]))
    first = fetch().run
    age_calls(900)
    transport.queue(ok([event(n) for n in range(301, 801)]))  # 200 overlap
    second = fetch().run
    assert first.created == 500
    assert (second.created, second.unchanged) == (300, 200)
    stored = Incident.objects.filter(source="polisen")
    assert stored.count() == 800
    assert stored.values("external_id").distinct().count() == 800


def test_only_https_is_fetched(demo, transport, settings):
    settings.SAMVERKAN_POLISEN_URL = "http://polisen.se/api/events"
    with pytest.raises(FetchRefused, match="https"):
        fetch()
    assert transport.requests == []


def test_an_unreadable_answer_fails_the_run_without_retry(demo, transport, slept):
    transport.queue((200, b"<html>underhall</html>", {}))
    result = fetch()
    assert result.run.status == ImportRun.Status.FAILED and "JSON" in result.run.message
    assert result.calls == 1 and slept == []


def test_the_task_does_nothing_when_switched_off(demo, transport, settings):
    settings.SAMVERKAN_POLISEN_FETCH = False
    result = fetch_polisen.enqueue()
    assert "avstängd" in result.return_value and transport.requests == []


def test_the_task_fetches_when_switched_on(demo, transport, settings):
    settings.SAMVERKAN_POLISEN_FETCH = True
    transport.queue(ok([event(1)]))
    result = fetch_polisen.enqueue()
    assert "1 nya" in result.return_value
    assert Incident.objects.filter(source="polisen").count() == 1
    # Within ten seconds the next one is refused by the rules, not an error.
    assert "sekunder" in fetch_polisen.enqueue().return_value


def test_the_command_fetches_once(demo, transport):
    transport.queue(ok([event(1), event(2)]))
    out = StringIO()
    call_command("fetch_polisen", stdout=out)
    assert "2 nya" in out.getvalue()


def test_the_fetch_is_scheduled_every_15_minutes():
    from samverkan.core.schedule import SCHEDULE

    assert ("*/15 * * * *", "samverkan.incidents.tasks.fetch_polisen") in SCHEDULE
