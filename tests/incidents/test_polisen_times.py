"""Polisen's event time from the notice's title, the publication time beside it, the stored
records re-timed (migration 0010) and the type mapping of migration 0011.

The expected instants are worked out by hand (fixed UTC offsets, not the parser's zone):
CET is +01:00, CEST +02:00; summer time 2024 ran from 31 March 02.00 to 27 October 03.00.
"""

import datetime as dt
import importlib
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from samverkan.incidents.importers.polisen import parse, slug_title, title_time
from samverkan.incidents.importers.polisen_load import import_polisen
from samverkan.incidents.models import Category, Incident, SourceTypeMapping
from samverkan.organisations.models import Organisation

ERAS = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-eras.json"
MUNICIPALITIES = {"Luleå": "2580", "Boden": "2582"}
UTC = dt.UTC


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


# id → (event time from the title, publication time), both in UTC, worked out by hand.
EXPECTED = {
    # Era 1: municipality as location.name.
    "510001": (utc(2024, 3, 15, 17, 20), utc(2024, 3, 15, 18, 42, 10)),  # CET
    "510002": (utc(2024, 6, 30, 22, 15), utc(2024, 6, 30, 23, 5, 33)),  # "00.15" CEST
    "510003": (utc(2024, 12, 31, 22, 50), utc(2024, 12, 31, 23, 40)),  # 31 dec, published 1 jan
    "510004": (utc(2024, 3, 31, 0, 30), utc(2024, 3, 31, 2, 10)),  # 01.30 still CET
    "510005": (utc(2024, 10, 26, 23, 15), utc(2024, 10, 27, 7, 0)),  # 01.15 still CEST
    "510006": (utc(2024, 6, 21, 16, 18), utc(2024, 6, 21, 16, 40)),  # "18:18" with a colon
    # Era 2: only the county as location.name.
    "610001": (utc(2026, 8, 22, 15, 59), utc(2026, 8, 22, 16, 51, 2)),
    "610002": (utc(2026, 1, 2, 8, 5), utc(2026, 1, 2, 9, 12, 45)),  # "9.05" unpadded
    "610004": (utc(2026, 11, 7, 21, 10), utc(2026, 11, 7, 22, 58)),
    "610005": (utc(2026, 5, 15, 23, 40), utc(2026, 5, 16, 0, 20)),
    "610006": (utc(2026, 6, 6, 11, 30), utc(2026, 6, 6, 12, 0)),
    "610007": (utc(2025, 12, 31, 23, 31), utc(2026, 1, 1, 0, 2)),  # 1 januari 00.31
}
UNTIMED = "610003"  # "14 februari, Trafikkontroll, Luleå": no time in the title
UNTIMED_PUBLISHED = utc(2026, 2, 14, 10, 30)


@pytest.fixture(scope="module")
def parsed():
    result = parse(ERAS.read_bytes(), municipalities=MUNICIPALITIES)
    assert not result.problems
    return {row.external_id: row for row in result.rows}


def test_both_eras_are_read_and_the_county_summary_skipped(parsed):
    assert set(parsed) == {*EXPECTED, UNTIMED}
    assert not parsed["510001"].county_only and parsed["610001"].county_only
    assert parsed["610002"].municipality_code == "2582"  # Boden, from the name


@pytest.mark.parametrize("external_id", sorted(EXPECTED))
def test_the_time_is_the_titles_and_the_publication_time_is_kept(parsed, external_id):
    event = parsed[external_id]
    occurred, published = EXPECTED[external_id]
    assert event.occurred_at == occurred
    assert event.published_at == published
    assert event.title_timed is True
    assert event.occurred_at <= event.published_at


def test_a_title_without_a_time_falls_back_to_the_publication_time(parsed):
    event = parsed[UNTIMED]
    assert event.occurred_at == event.published_at == UNTIMED_PUBLISHED
    assert event.title_timed is False


@pytest.mark.parametrize(
    ("name", "published", "expected"),
    [
        # The year that puts the title at or shortly before the publication.
        ("31 december 23.50, Brand, X", utc(2027, 1, 1, 0, 5), utc(2026, 12, 31, 22, 50)),
        ("1 januari 00.15, Brand, X", utc(2026, 12, 31, 22, 55), utc(2026, 12, 31, 23, 15)),
        ("3 mars 10.00, Brand, X", utc(2026, 3, 2, 8, 0), utc(2025, 3, 3, 9, 0)),  # > 1 day
        ("3 mars 10.00, Brand, X", utc(2026, 3, 3, 8, 0), utc(2026, 3, 3, 9, 0)),  # ahead < 1 d
        ("29 februari 12.00, Brand, X", utc(2025, 3, 1, 12, 0), utc(2024, 2, 29, 11, 0)),
        ("  2 Januari 9.05, Brand, X", utc(2026, 1, 2, 9, 0), utc(2026, 1, 2, 8, 5)),
        ("1 juli 0.15, Brand, X", utc(2026, 6, 30, 23, 0), utc(2026, 6, 30, 22, 15)),
        # Not a time: None, and the caller falls back to the publication time.
        ("Sammanfattning natt, Luleå", utc(2026, 1, 1), None),
        ("31 april 10.00, Brand, X", utc(2026, 5, 1), None),
        ("23 augusti 25.70, Bråk, X", utc(2026, 8, 24), None),
        ("23 augustus 10.00, Bråk, X", utc(2026, 8, 24), None),
        ("23 augusti 10.000, Bråk, X", utc(2026, 8, 24), None),
        ("", utc(2026, 8, 24), None),
    ],
)
def test_title_time(name, published, expected):
    assert title_time(name, published) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://polisen.se/aktuellt/handelser/2023/juni/21/21-juni-1818-brand-solna/", "21 juni 18.18"),
        ("/aktuellt/handelser/2026/januari/2/2-januari-905-olaga-hot-boden/", "2 januari 9.05"),
        ("/aktuellt/handelser/2026/augusti/22/22-augusti-17.59-brand-lulea/", "22 augusti 17.59"),
        ("/aktuellt/handelser/2026/februari/14/14-februari-trafikkontroll-lulea/", ""),
        ("", ""),
    ],
)  # fmt: skip
def test_the_address_gives_the_same_day_and_time(url, expected):
    assert slug_title(url) == expected


def test_an_untimed_name_takes_the_time_from_the_address():
    event = json.loads(ERAS.read_text())[0] | {"name": "Stöld, Luleå"}
    (row,) = parse(json.dumps([event]), municipalities=MUNICIPALITIES).rows
    assert row.title_timed and row.occurred_at == EXPECTED["510001"][0]


# --- Loading -------------------------------------------------------------------------------


@pytest.fixture
def police(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


def test_the_loader_stores_the_title_time_and_the_publication_time(police):
    run = import_polisen(ERAS.read_bytes(), organisation=police)
    assert (run.created, run.failed, run.skipped) == (13, 0, 1)
    stored = {i.external_id: i for i in Incident.objects.filter(source="polisen")}
    for external_id, (occurred, published) in EXPECTED.items():
        incident = stored[external_id]
        assert (incident.occurred_from, incident.occurred_to) == (occurred, occurred)
        assert incident.published_at == published
        assert incident.time_precision == "ungefar"
    untimed = stored[UNTIMED]
    assert untimed.occurred_from == untimed.published_at == UNTIMED_PUBLISHED
    assert untimed.time_precision == Incident.TimePrecision.PUBLISHED == "publicerad"

    again = import_polisen(ERAS.read_bytes(), organisation=police)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 13)


def test_an_event_stored_before_with_its_publication_time_is_updated(police):
    import_polisen(ERAS.read_bytes(), organisation=police)
    occurred, published = EXPECTED["510001"]
    # As an earlier version stored it: the publication time as the time, no published_at.
    Incident.objects.filter(external_id="510001").update(
        occurred_from=published, occurred_to=published, published_at=None
    )
    run = import_polisen(ERAS.read_bytes(), organisation=police)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 12)
    incident = Incident.objects.get(external_id="510001")
    assert (incident.occurred_from, incident.published_at) == (occurred, published)


def _migration(name: str):
    return importlib.import_module(f"samverkan.incidents.migrations.{name}")


def test_migration_0010_retimes_records_stored_with_the_publication_time(police):
    import_polisen(ERAS.read_bytes(), organisation=police)
    # As before 0010: the publication time as the time, no published_at; the description is
    # the summary (from which no time can be read), the address holds the day and time.
    for incident in Incident.objects.filter(source="polisen"):
        published = incident.published_at
        Incident.objects.filter(pk=incident.pk).update(
            occurred_from=published,
            occurred_to=published,
            published_at=None,
            time_precision="ungefar",
        )
    named = Incident.objects.get(external_id="510003")  # a notice without summary: its name
    Incident.objects.filter(pk=named.pk).update(
        description="31 december 23.50, Brand, Luleå", source_url=""
    )
    _migration("0010_polisen_title_times").retime(apps, None)
    stored = {i.external_id: i for i in Incident.objects.filter(source="polisen")}
    for external_id, (occurred, published) in EXPECTED.items():
        assert stored[external_id].occurred_from == occurred, external_id
        assert stored[external_id].occurred_to == occurred
        assert stored[external_id].published_at == published
    assert stored[UNTIMED].occurred_from == UNTIMED_PUBLISHED
    assert stored[UNTIMED].time_precision == "publicerad"
    # Run again: nothing left to do, nothing changes.
    before = list(Incident.objects.order_by("pk").values_list("occurred_from", "published_at"))
    _migration("0010_polisen_title_times").retime(apps, None)
    after = list(Incident.objects.order_by("pk").values_list("occurred_from", "published_at"))
    assert after == before


def test_migration_0011_adds_only_the_mappings_and_categories_that_are_missing(demo):
    module = _migration("0011_more_polisen_type_mappings")
    inbrott = Category.objects.get(slug="inbrott")
    # A coordinator had mapped Stöld to Inbrott and renamed the Trafik category; Olaga hot
    # had no mapping and its category did not exist.
    SourceTypeMapping.objects.filter(source="polisen", source_type="Stöld").update(category=inbrott)
    Category.objects.filter(slug="trafik").update(name="Trafik (egen)")
    SourceTypeMapping.objects.filter(category__slug="hot").delete()
    Category.objects.filter(slug="hot").delete()
    module.seed(apps, None)
    mapping = dict(
        SourceTypeMapping.objects.filter(source="polisen").values_list(
            "source_type", "category__slug"
        )
    )
    assert mapping["Stöld"] == "inbrott"  # the edit stays
    assert Category.objects.get(slug="trafik").name == "Trafik (egen)"
    assert mapping["Olaga hot"] == "hot" and Category.objects.get(slug="hot").name == "Olaga hot"
    for source_type, slug in module.POLISEN_TYPES.items():
        if source_type != "Stöld":
            assert mapping[source_type] == slug, source_type
    count = SourceTypeMapping.objects.count()
    module.seed(apps, None)
    assert SourceTypeMapping.objects.count() == count


def test_the_ordinary_types_of_the_fixture_are_mapped_and_the_rest_stays_in_ovrigt(police):
    import_polisen(ERAS.read_bytes(), organisation=police)
    slugs = dict(
        Incident.objects.filter(source="polisen").values_list("external_id", "category__slug")
    )
    assert slugs["510001"] == "stold"
    assert slugs["510002"] == slugs["510006"] == slugs["610004"] == "trafik"
    assert slugs["610002"] == "hot"
    assert slugs["610005"] == "hot-mot-anstalld"
    assert slugs["610006"] == slugs[UNTIMED] == "ovrigt"  # Polisinsats, Trafikkontroll


def test_the_run_page_shows_the_share_in_ovrigt_and_the_untimed_events(client, police, kommunpolis):
    run = import_polisen(ERAS.read_bytes(), organisation=police)
    # 13 kept, none a summary; Polisinsats/kommendering and Trafikkontroll have no mapping.
    assert run.details["events"] == 13 and run.details["unmapped"] == 2
    assert run.details["unmapped_types"] == [["Polisinsats/kommendering", 1], ["Trafikkontroll", 1]]
    assert run.details["untimed"] == 1
    client.force_login(kommunpolis)
    html = client.get(reverse("import_run_detail", args=[run.pk])).content.decode()
    assert "2 av 13 händelser (sammanfattningar oräknade) har en typ utan kategori" in html
    assert "Polisinsats/kommendering (1), Trafikkontroll (1)" in html
    assert "1 händelse har ingen tid i rubriken" in html
