"""The lägesbild page's stored result: one per viewer, query, language and data version,
never shared between users who see different reports; the hot-spot map's payload holds
only the cells worth drawing; the page reads Swedish (dates, months, names)."""

import datetime as dt
import json
import re
from unittest import mock

from django.utils import timezone, translation

from samverkan.incidents.models import Category, Incident
from samverkan.lagesbild import charts, mapdata, stored, views
from samverkan.lagesbild.assemble import lagesbild
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality

FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
QUERY = {"fran": FROM.isoformat(), "till": TO.isoformat()}


def _page(client, user, agreement=None) -> str:
    client.force_login(user)
    query = {**QUERY, "overenskommelse": agreement.pk} if agreement else QUERY
    response = client.get("/lagesbild/", query)
    assert response.status_code == 200
    return response.content.decode()


def _total(html: str) -> int:
    found = re.search(r"Händelser i perioden</span><strong>(\d+)</strong>", html)
    assert found, "no total on the page"
    return int(found.group(1))


def test_municipality_and_police_users_never_share_a_stored_result(
    client, handset, agreement, coordinator, kommunpolis
):
    with mock.patch.object(views, "lagesbild", wraps=views.lagesbild) as computed:
        kommun_first = _page(client, coordinator, agreement)
        police = _page(client, kommunpolis, agreement)
        assert computed.call_count == 2  # the police user did not get the kommun's result
        kommun_again = _page(client, coordinator, agreement)
        police_again = _page(client, kommunpolis, agreement)
        assert computed.call_count == 2  # each got their own stored result back
    # The police user sees the begränsad report of their own organisation tree.
    assert _total(police) == _total(kommun_first) + 1
    assert _total(kommun_again) == _total(kommun_first)
    assert _total(police_again) == _total(police)
    assert "klassning begränsad" in police and "klassning begränsad" not in kommun_first


def test_the_key_covers_viewer_query_language_and_data_version(
    handset, agreement, coordinator, kommunpolis
):
    from samverkan.lagesbild.params import parse
    from samverkan.plans.access import agreement_list_for_user

    def chosen(user, **extra):
        return parse({**QUERY, "overenskommelse": str(agreement.pk), **extra},
                     agreement_list_for_user(user))  # fmt: skip

    key = stored.data_version_key(coordinator, chosen(coordinator))
    assert key == stored.data_version_key(coordinator, chosen(coordinator))
    assert key != stored.data_version_key(kommunpolis, chosen(kommunpolis))
    assert key != stored.data_version_key(
        coordinator, chosen(coordinator, till=dt.date(2025, 6, 30).isoformat())
    )
    with translation.override("en"):
        assert key != stored.data_version_key(coordinator, chosen(coordinator))
    parts = stored.key_parts(kommunpolis, chosen(kommunpolis))
    assert parts["viewer"]["organisation"] == kommunpolis.organisation_id
    assert parts["viewer"]["tree"]
    assert "user" not in parts["viewer"]  # by scope: users who see the same share it
    assert set(parts["version"]) == {"reports"}  # the trigger-kept counter (ReportsVersion)


def test_the_stored_result_is_invalidated_by_an_added_and_a_changed_report(
    client, handset, coordinator
):
    with mock.patch.object(views, "lagesbild", wraps=views.lagesbild) as computed:
        before = _total(_page(client, coordinator))
        _page(client, coordinator)
        assert computed.call_count == 1
        added = Incident.objects.create(
            occurred_from=timezone.make_aware(dt.datetime(2025, 6, 3, 12)),
            occurred_to=timezone.make_aware(dt.datetime(2025, 6, 3, 12)),
            municipality=Municipality.objects.get(code="2580"),
            category=Category.objects.get(slug="klotter"),
            organisation=Organisation.objects.get(slug="kommunstaben"),
            description="Ny rapport",
        )
        assert _total(_page(client, coordinator)) == before + 1
        assert computed.call_count == 2
        # A changed report (moved out of the period) bumps updated_at: computed afresh.
        added.occurred_from = added.occurred_to = timezone.make_aware(dt.datetime(2024, 6, 3))
        added.save()
        assert _total(_page(client, coordinator)) == before
        assert computed.call_count == 3
        # Removed again: a new data version of the slot, computed afresh (one row per
        # viewer scope and query is kept, the newest).
        added.delete()
        assert _total(_page(client, coordinator)) == before
        assert computed.call_count == 4
        _page(client, coordinator)
        assert computed.call_count == 4


def test_the_map_payload_holds_only_cells_worth_drawing(client, handset, agreement, coordinator):
    full = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    area = full["hotspots"]["cells"]
    payload = mapdata.map_payload(full)
    cells = payload["cells"]
    assert cells and len(cells) < len(area)
    drawn = [c for c in area if c["count"] or c["confidence"]]
    assert len(cells) == len(drawn)
    assert all(c["count"] > 0 or c["key"] for c in cells)
    assert sum(c["count"] for c in cells) == sum(c["count"] for c in area)
    # Corners in WGS 84 around Luleå, districts as rings of [lat, lon].
    lat, lon = cells[0]["corners"][0]
    assert 65 < lat < 66.5 and 21 < lon < 23
    assert payload["districts"] and payload["districts"][0]["rings"][0][0][0] > 65
    assert {item["label"] for item in payload["legend"]} >= {"het 99 %"}
    # The page's result carries the drawn cells only, and the page the same payload.
    page = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict(drawn_only=True)
    assert len(page["hotspots"]["cells"]) == len(drawn)
    html = _page(client, coordinator)
    data = re.search(r'<script id="lb-map-data" type="application/json">(.*?)</script>', html, re.S)
    assert data, "no map data on the page"
    shown = json.loads(data.group(1))["cells"]
    assert shown and all(c["count"] > 0 or c["key"] for c in shown)
    assert len(shown) < full["hotspots"]["area"]["cells"]


def test_the_hot_spots_are_a_leaflet_map_not_a_vega_chart(client, handset, coordinator, settings):
    settings.SAMVERKAN_MAP_TILES = "https://tiles.example.se/{z}/{x}/{y}.png"
    html = _page(client, coordinator)
    assert 'id="lb-map"' in html
    assert "vendor/leaflet/leaflet.js" in html and "lagesbild/map.js" in html
    assert 'id="spec-hotspots"' not in html
    assert "SWEREF 99 TM)" not in re.sub(r"Rutor om .*?SWEREF 99 TM\)", "", html)
    tiles = re.search(r'<script id="lb-map-tiles" type="application/json">(.*?)</script>', html)
    assert json.loads(tiles.group(1))["tiles"] == settings.SAMVERKAN_MAP_TILES
    # No inline script: every <script> is a file or a JSON data block.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


def test_the_page_reads_swedish_dates_months_and_names(client, handset, coordinator):
    html = _page(client, coordinator)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", html)  # no raw ISO timestamps
    assert "1 januari 2025–31 december 2025" in html
    assert '<td data-label="Månad">mars 2025</td>' in html
    assert "vecka 10, 2025" in html
    slugs = set(Category.objects.values_list("slug", flat=True)) - set(
        Category.objects.values_list("name", flat=True)
    )
    cells = set(re.findall(r'<td data-label="[^"]*">([^<]*)</td>', html))
    assert not cells & slugs
    assert ">new<" not in html


def test_the_annual_page_names_categories_and_marks_the_incomplete_year(
    client, handset, coordinator
):
    client.force_login(coordinator)
    html = client.get("/lagesbild/ar/").content.decode()
    assert "Skadegörelse" in html and "skadegorelse," not in html
    assert "Ofullständiga år" in html
    assert not re.search(r"t\.o\.m\. \d{4}-\d{2}-\d{2}", html)


def test_swedish_month_names_in_the_spec_locale_and_the_file_locale():
    from pathlib import Path

    from django.contrib.staticfiles import finders

    assert charts.SV_TIME_LOCALE["months"][0] == "januari"
    assert charts.SV_TIME_LOCALE["shortDays"][1] == "mån"
    locale = Path(finders.find("lagesbild/locale-sv.js")).read_text()
    for month in charts.SV_TIME_LOCALE["months"]:
        assert f'"{month}"' in locale
    script = Path(finders.find("lagesbild/charts.js")).read_text()
    assert "ast: true" in script and "formatLocale, timeFormatLocale" in script
    svg = charts.render_static(
        {"data": {"values": [{"d": "2025-03-01", "n": 1}]}, "mark": "bar",
         "encoding": {"x": {"field": "d", "type": "temporal", "timeUnit": "yearmonth",
                            "axis": {"format": "%B %Y"}},
                      "y": {"field": "n", "type": "quantitative"}}},
        "svg",
    ).decode()  # fmt: skip
    assert "mars 2025" in svg
