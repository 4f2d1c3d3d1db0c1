"""Every output of the lägesbild that leaves the organisation's own users suppresses small
counts; the page for signed-in staff shows them exactly; the limit 0 shows everything."""

import io
import json

import pytest
from django.core.management import call_command

from samverkan.lagesbild import charts, services
from samverkan.lagesbild.assemble import lagesbild
from tests.lagesbild.conftest import LULEA_AGREEMENT

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
PAGE_YEAR = {"overenskommelse": LULEA_AGREEMENT, "fran": "2025-01-01", "till": "2025-12-31"}
KEYS = {"count", "total", "previous", "previous_total", "current_total", "events", "observed"}


def small_counts(data, path="") -> list[str]:
    """Where a count of 1–4 is shown (the keys written out here, not the module's)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in KEYS and type(value) is int and 0 < value < 5:
                found.append(f"{path}.{key}={value}")
            else:
                found += small_counts(value, f"{path}.{key}")
    elif isinstance(data, list):
        for k, value in enumerate(data):
            found += small_counts(value, f"{path}[{k}]")
    return found


def _api(client, user):
    client.force_login(user)
    response = client.get("/api/lagesbild", {"agreement": LULEA_AGREEMENT, **YEAR})
    assert response.status_code == 200
    return response.json()


def test_api_response_is_suppressed(client, handset, coordinator):
    data = _api(client, coordinator)
    assert small_counts(data) == []
    weeks = [w["count"] for w in data["counts"]["by_week"]]
    assert "1–4" in weeks
    assert data["disclosure"]["small_count_limit"] == 5
    # A suppressed hot-spot cell: the whole grid's z and p are withheld, the class stays.
    assert all(c["z"] is None for c in data["hotspots"]["cells"])
    assert data["key_figures"]["total"] == 71


def test_limit_zero_shows_everything(client, handset, coordinator, settings):
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 0
    data = _api(client, coordinator)
    exact = lagesbild(user=coordinator, **_kwargs(coordinator)).to_dict()
    assert data == exact
    assert small_counts(data) != []
    csv = _csv(client, "/lagesbild/diagram/vecka.csv")
    assert "1–4" not in csv


def _kwargs(user):
    from samverkan.lagesbild.params import parse
    from samverkan.plans.access import agreement_list_for_user

    return parse({"agreement": LULEA_AGREEMENT, **YEAR}, agreement_list_for_user(user)).kwargs()


def test_page_for_staff_shows_exact_counts(client, handset, coordinator):
    client.force_login(coordinator)
    page = client.get("/lagesbild/", PAGE_YEAR).content.decode()
    assert '">1–4<' not in page
    assert page.count('data-label="Antal">2<') > 0  # a week with two events, exactly
    assert "Filerna visar antal under 5 som 1–4" in page  # the downloads say so


def _csv(client, url, query=None):
    response = client.get(url, PAGE_YEAR if query is None else query)
    assert response.status_code == 200
    return response.content.decode()


def _rows(text):
    """The data rows of a chart CSV: without the heading and the last row, the source line."""
    return [line.split(";") for line in text.splitlines()[1:] if not line.startswith("Källor:")]


@pytest.mark.parametrize("key", ["vecka", "manad", "omrade", "veckodag_timme", "hotspots"])
def test_chart_csv_downloads_are_suppressed(client, handset, coordinator, key):
    client.force_login(coordinator)
    text = _csv(client, f"/lagesbild/diagram/{key}.csv")
    heading = text.splitlines()[0].split(";")
    counted = [k for k, h in enumerate(heading) if h in {"Antal", "Året innan"}]
    assert counted
    cells = [row[k] for row in _rows(text) for k in counted]
    assert not {"1", "2", "3", "4"} & set(cells)
    exact = charts.BUILDERS[key](lagesbild(user=coordinator, **_kwargs(coordinator)).to_dict())
    if any(isinstance(r.get("count"), int) and 0 < r["count"] < 5 for r in exact.rows):
        assert "1–4" in cells


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_chart_pictures_are_drawn_from_suppressed_data(client, handset, coordinator, fmt,
                                                       monkeypatch):  # fmt: skip
    drawn = []

    def render(spec, _fmt):
        drawn.append(spec)
        return b"<svg/>" if _fmt == "svg" else b"\x89PNG"

    monkeypatch.setattr(charts, "render_static", render)
    client.force_login(coordinator)
    assert client.get(f"/lagesbild/diagram/vecka.{fmt}", PAGE_YEAR).status_code == 200
    assert small_counts(drawn[0]) == []
    assert "1–4" in json.dumps(drawn[0], ensure_ascii=False)


def test_snapshot_api_and_downloads_are_suppressed(client, handset, agreement, coordinator):
    result = lagesbild(user=coordinator, **_kwargs(coordinator))
    snapshot = services.snapshot_create(user=coordinator, result=result, agreement=agreement)
    client.force_login(coordinator)
    detail = client.get(f"/api/lagesbild/snapshots/{snapshot.pk}").json()
    assert small_counts(detail["result"]) == []
    assert small_counts(snapshot.result) != []  # stored exactly, suppressed on the way out
    rows = _rows(_csv(client, f"/lagesbild/sparade/{snapshot.pk}/diagram/vecka.csv", {}))
    assert "1–4" in [c for row in rows for c in row]
    page = client.get(f"/lagesbild/sparade/{snapshot.pk}/").content.decode()
    assert '">1–4<' not in page and 'data-label="Antal">2<' in page


def test_snapshot_list_total_is_suppressed(client, handset, agreement, coordinator):
    from samverkan.lagesbild.params import parse
    from samverkan.plans.access import agreement_list_for_user

    tiny = parse(
        {"agreement": LULEA_AGREEMENT, "from": "2025-05-06", "to": "2025-05-06"},
        agreement_list_for_user(coordinator),
    )
    result = lagesbild(user=coordinator, **tiny.kwargs())
    assert 0 < result.key_figures["total"] < 5
    services.snapshot_create(user=coordinator, result=result, agreement=agreement)
    client.force_login(coordinator)
    listed = client.get("/api/lagesbild/snapshots").json()
    assert [s["total"] for s in listed] == ["1–4"]


def test_annual_chart_download_is_suppressed(client, handset, agreement, coordinator, settings):
    # A limit of 30 makes the hand set's yearly counts (25 for 6.1 in 2024) small.
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 30
    client.force_login(coordinator)
    rows = _rows(_csv(client, "/lagesbild/ar/diagram.csv", {"overenskommelse": agreement.pk}))
    trygghet_2024 = next(r for r in rows if r[0].startswith("6.1") and r[1] == "2024")
    assert trygghet_2024[2] in {"1–29", "≥ 30"}
    assert all(not (c.isdigit() and 0 < int(c) < 30) for r in rows for c in r[2:])


def test_command_output_is_suppressed(handset):
    out = io.StringIO()
    call_command("lagesbild", "--agreement", LULEA_AGREEMENT, "--from", "2025-01-01",
                 "--to", "2025-12-31", "--format", "json", stdout=out)  # fmt: skip
    assert small_counts(json.loads(out.getvalue())) == []
    text = io.StringIO()
    call_command("lagesbild", "--agreement", LULEA_AGREEMENT, "--from", "2025-01-01",
                 "--to", "2025-12-31", "--format", "text", stdout=text)  # fmt: skip
    assert "1–4" in text.getvalue()


def test_annual_page_says_the_downloads_show_small_counts_as_a_range(
    client, handset, agreement, coordinator, settings
):
    client.force_login(coordinator)
    page = client.get("/lagesbild/ar/", {"overenskommelse": agreement.pk}).content.decode()
    downloads = page[page.index('class="lb-downloads"') :].split("</p>")[0]
    assert "/lagesbild/ar/diagram.csv" in downloads
    assert "Filerna visar antal under 5 som 1–4 (skydd av små tal)." in downloads
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 0
    page = client.get("/lagesbild/ar/", {"overenskommelse": agreement.pk}).content.decode()
    assert "Filerna visar antal" not in page
