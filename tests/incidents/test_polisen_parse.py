"""The pure parse step of Polisen's open events API format (docs/polisen.md)."""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan.incidents.importers.polisen import (
    ParseResult,
    PolisenEvent,
    PolisenPayloadError,
    Problem,
    event_hash,
    parse,
)

FIXTURE = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-sample.json"
MUNICIPALITIES = {"Luleå": "2580", "Boden": "2582"}
CEST = dt.timezone(dt.timedelta(hours=2))
LULEA_GPS = (65.584819, 22.156703)
BODEN_GPS = (65.825, 21.688)
COUNTY_GPS = (66.830899, 20.399244)


@pytest.fixture(scope="module")
def sample() -> ParseResult:
    return parse(FIXTURE.read_bytes(), municipalities=MUNICIPALITIES)


def _rows(result: ParseResult, external_id: str) -> list[PolisenEvent]:
    return [row for row in result.rows if row.external_id == external_id]


def _event(**overrides) -> dict:
    event = {
        "id": 1,
        "datetime": "2026-08-22 09:48:12 +02:00",
        "name": "22 augusti 09.48, Skadegörelse, Luleå",
        "summary": "Klotter.",
        "url": "/aktuellt/handelser/2026/augusti/22/x/",
        "type": "Skadegörelse",
        "location": {"name": "Luleå", "gps": "65.584819,22.156703"},
    }
    event.update(overrides)
    return event


def _parse_one(**overrides) -> ParseResult:
    return parse(json.dumps([_event(**overrides)]), municipalities=MUNICIPALITIES)


def test_it_keeps_the_expected_events_of_the_sample_in_order(sample):
    assert [row.external_id for row in sample.rows] == [
        "601001",
        "601002",
        "601003",
        "601005",
        "601006",
        "601007",
        "601008",
        "601008",
        "601013",
    ]
    assert sample.skipped == 2  # Kiruna, and a summary for the whole county


def test_it_reads_a_lulea_event_completely(sample):
    (row,) = _rows(sample, "601001")
    assert row == PolisenEvent(
        external_id="601001",
        occurred_at=dt.datetime(2026, 8, 22, 9, 48, tzinfo=CEST),
        name="22 augusti 09.48, Skadegörelse, Luleå",
        summary="Klotter på busskur vid Smedjegatan.",
        url="https://polisen.se/aktuellt/handelser/2026/augusti/22/22-augusti-09.48-skadegorelse-lulea/",
        type="Skadegörelse",
        type_raw="Skadegörelse",
        municipality_code="2580",
        location_name="Luleå",
        lat=LULEA_GPS[0],
        lon=LULEA_GPS[1],
        position_is_centre=True,
        county_only=False,
        is_summary=False,
        published_at=dt.datetime(2026, 8, 22, 9, 48, 12, tzinfo=CEST),
        title_timed=True,
    )


@pytest.mark.parametrize(
    ("external_id", "code", "location_name", "gps", "county_only", "is_summary", "type_"),
    [
        ("601001", "2580", "Luleå", LULEA_GPS, False, False, "Skadegörelse"),
        ("601002", "2580", "Norrbottens län", COUNTY_GPS, True, False, "Brand"),
        ("601003", "2582", "Boden", BODEN_GPS, False, False, "Ofog barn/ungdom"),
        ("601005", "2580", "Luleå", LULEA_GPS, False, True, "Sammanfattning natt"),
        ("601006", "2580", "Luleå", LULEA_GPS, False, False, "Brand"),
        ("601007", "2580", "Norrbottens län", COUNTY_GPS, True, False, "Ordningslagen"),
        (
            "601013",
            "2580",
            "Norrbottens län",
            COUNTY_GPS,
            True,
            True,
            "Sammanfattning kväll och natt",
        ),
    ],
)
def test_it_flags_each_sample_event(
    sample, external_id, code, location_name, gps, county_only, is_summary, type_
):
    (row,) = _rows(sample, external_id)
    assert row.municipality_code == code
    assert row.location_name == location_name
    assert (row.lat, row.lon) == gps
    assert row.county_only is county_only
    assert row.is_summary is is_summary
    assert row.type == type_
    # Polisen's position is always the centroid of location.name, never the event's place.
    assert row.position_is_centre is True


def test_it_strips_trailing_spaces_of_the_type_and_keeps_the_original(sample):
    (row,) = _rows(sample, "601006")
    assert (row.type, row.type_raw) == ("Brand", "Brand ")


@pytest.mark.parametrize(
    ("external_id", "expected"),
    [
        ("601007", dt.datetime(2026, 8, 23, 9, 48, 12, tzinfo=CEST)),
        ("601013", dt.datetime(2026, 8, 24, 3, 5, 0, tzinfo=CEST)),
        ("601001", dt.datetime(2026, 8, 22, 9, 48, 12, tzinfo=CEST)),
    ],
)
def test_it_parses_hours_with_and_without_zero_padding(sample, external_id, expected):
    (row,) = _rows(sample, external_id)
    assert row.published_at == expected
    assert row.published_at.utcoffset() == dt.timedelta(hours=2)


def test_it_reports_the_broken_events_of_the_sample_as_problems(sample):
    assert sample.problems == [
        Problem(
            index=9,
            event_id="601010",
            message="Händelse 9 (id 601010): tidpunkten '2026-08-23 25:70:00 +02:00' "
            "är inte ett giltigt datum och klockslag.",
        ),
        Problem(
            index=10,
            event_id="601011",
            message="Händelse 10 (id 601011): saknar position (location.gps).",
        ),
    ]


def test_it_returns_both_versions_of_a_duplicate_id_with_different_hashes(sample):
    first, second = _rows(sample, "601008")
    assert first.summary == "Cykel stulen vid Storheden."
    assert second.summary == "Cykel stulen vid Storheden. Uppdatering: cykeln är återfunnen."
    assert event_hash(first) != event_hash(second)
    assert len(event_hash(first)) == 64


@pytest.mark.parametrize(
    ("change", "same"),
    [
        ({"summary": "Annan text."}, False),
        ({"name": "Annat namn"}, False),
        ({"type": "Brand"}, False),
        ({"url": "https://polisen.se/annan/"}, True),
        ({"lat": 1.0}, True),
        ({"occurred_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, True),
    ],
)
def test_it_hashes_summary_name_and_type_only(sample, change, same):
    (row,) = _rows(sample, "601001")
    assert (event_hash(row._replace(**change)) == event_hash(row)) is same


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "/aktuellt/handelser/2026/augusti/22/x/",
            "https://polisen.se/aktuellt/handelser/2026/augusti/22/x/",
        ),
        ("aktuellt/handelser/x/", "https://polisen.se/aktuellt/handelser/x/"),
        ("https://polisen.se/aktuellt/y/", "https://polisen.se/aktuellt/y/"),
        ("", ""),
        (None, ""),
    ],
)
def test_it_makes_the_url_absolute(url, expected):
    (row,) = _parse_one(url=url).rows
    assert row.url == expected


@pytest.mark.parametrize(
    ("location_name", "name", "expected"),
    [
        ("Luleå", "x, Brand, Luleå", ("2580", False, 0)),
        ("Boden", "x, Brand, Boden", ("2582", False, 0)),
        ("Norrbottens län", "22 augusti 17.59, Brand, Luleå", ("2580", True, 0)),
        ("Norrbottens län", "22 augusti 17.59, Brand, Boden ", ("2582", True, 0)),
        ("Norrbottens län", "22 augusti 17.59, Brand, Kiruna", (None, None, 1)),
        ("Norrbottens län", "22 augusti 17.59, Brand, Norrbottens län", (None, None, 1)),
        ("Kiruna", "x, Brand, Luleå", (None, None, 1)),
        ("Stockholms län", "x, Brand, Stockholm", (None, None, 1)),
    ],
)
def test_it_takes_the_municipality_from_the_location_or_from_the_name(
    location_name, name, expected
):
    result = _parse_one(name=name, location={"name": location_name, "gps": "66.8,20.4"})
    code, county_only, skipped = expected
    assert result.skipped == skipped
    assert result.problems == []
    if code is None:
        assert result.rows == []
    else:
        (row,) = result.rows
        assert (row.municipality_code, row.county_only) == (code, county_only)


@pytest.mark.parametrize(
    ("type_", "is_summary"),
    [
        ("Sammanfattning natt", True),
        ("Sammanfattning kväll och natt", True),
        ("Sammanfattning dygn ", True),
        ("Brand", False),
        ("Uppdatering", False),
    ],
)
def test_it_flags_summaries(type_, is_summary):
    (row,) = _parse_one(type=type_).rows
    assert row.is_summary is is_summary


@pytest.mark.parametrize(
    ("overrides", "event_id", "message"),
    [
        ({"id": None}, None, "Händelse 0 saknar id."),
        ({"id": ""}, None, "Händelse 0 saknar id."),
        ({"id": True}, None, "Händelse 0 saknar id."),
        (
            {"datetime": None},
            "1",
            "Händelse 0 (id 1): saknar tidpunkt (datetime).",
        ),
        (
            {"datetime": "22/8 2026 09:48"},
            "1",
            "Händelse 0 (id 1): tidpunkten '22/8 2026 09:48' har inte formatet "
            "ÅÅÅÅ-MM-DD T:MM:SS +HH:MM.",
        ),
        (
            {"datetime": "2026-02-30 09:48:12 +01:00"},
            "1",
            "Händelse 0 (id 1): tidpunkten '2026-02-30 09:48:12 +01:00' är inte ett giltigt "
            "datum och klockslag.",
        ),
        (
            {"location": {"name": "Luleå", "gps": "65.58;22.15"}},
            "1",
            "Händelse 0 (id 1): positionen '65.58;22.15' har inte formatet latitud,longitud.",
        ),
        (
            {"location": {"name": "Luleå", "gps": "65,58,22,15"}},
            "1",
            "Händelse 0 (id 1): positionen '65,58,22,15' har inte formatet latitud,longitud.",
        ),
        (
            {"location": {"name": "Luleå", "gps": "abc,22.15"}},
            "1",
            "Händelse 0 (id 1): positionen 'abc,22.15' innehåller inte två decimaltal.",
        ),
        (
            {"location": {"name": "Luleå", "gps": "165.5,22.1"}},
            "1",
            "Händelse 0 (id 1): positionen '165.5,22.1' ligger utanför giltiga koordinater.",
        ),
        (
            {"location": {"name": "Luleå", "gps": ""}},
            "1",
            "Händelse 0 (id 1): saknar position (location.gps).",
        ),
        (
            {"location": None},
            "1",
            "Händelse 0 (id 1) saknar platsnamn (location.name).",
        ),
        (
            {"type": "  "},
            "1",
            "Händelse 0 (id 1): saknar händelsetyp (type).",
        ),
        (
            {"location": {"name": "Norrbottens län", "gps": "66.8,20.4"}, "name": "Brand"},
            "1",
            "Händelse 0 (id 1) har bara länet 'Norrbottens län' som plats och namnet 'Brand' "
            "slutar inte med en kommun efter sista kommatecknet.",
        ),
    ],
)
def test_it_turns_malformed_events_into_precise_problems(overrides, event_id, message):
    result = _parse_one(**overrides)
    assert result.rows == []
    assert result.skipped == 0
    assert result.problems == [Problem(index=0, event_id=event_id, message=message)]


def test_it_reports_every_defect_of_an_event_and_keeps_going():
    payload = json.dumps(
        [
            _event(id=1, datetime="x", location={"name": "Luleå", "gps": "y"}),
            "inte ett objekt",
            _event(id="abc-2"),
        ]
    )
    result = parse(payload, municipalities=MUNICIPALITIES)
    assert [row.external_id for row in result.rows] == ["abc-2"]
    assert result.problems == [
        Problem(
            0, "1", "Händelse 0 (id 1): tidpunkten 'x' har inte formatet ÅÅÅÅ-MM-DD T:MM:SS +HH:MM."
        ),
        Problem(0, "1", "Händelse 0 (id 1): positionen 'y' har inte formatet latitud,longitud."),
        Problem(1, None, "Händelse 1 är inte ett JSON-objekt."),
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "Filen är inte giltig JSON (rad 1, kolumn 2)"),
        ("", "Filen är inte giltig JSON (rad 1, kolumn 1)"),
        (
            '{"id": 1}',
            "Filen ska innehålla en JSON-lista med händelser, men innehåller ett objekt.",
        ),
        ('"text"', "Filen ska innehålla en JSON-lista med händelser, men innehåller en sträng."),
        ("null", "Filen ska innehålla en JSON-lista med händelser, men innehåller null."),
        ("42", "Filen ska innehålla en JSON-lista med händelser, men innehåller ett tal."),
        (b'["\xe5"]', "Filen är inte UTF-8 (fel vid byte 2)"),
    ],
)
def test_it_rejects_a_payload_that_is_not_a_json_list(raw, message):
    with pytest.raises(PolisenPayloadError) as excinfo:
        parse(raw, municipalities=MUNICIPALITIES)
    assert str(excinfo.value).startswith(message)


@pytest.mark.parametrize("raw", [b"[]", "[]", "\ufeff[]".encode(), b"\xef\xbb\xbf[]"])
def test_it_accepts_an_empty_list_with_or_without_bom(raw):
    assert parse(raw, municipalities=MUNICIPALITIES) == ParseResult(rows=[], skipped=0, problems=[])


def test_it_accepts_str_and_bytes_alike():
    text = FIXTURE.read_text(encoding="utf-8")
    assert parse(text, municipalities=MUNICIPALITIES) == parse(
        text.encode("utf-8"), municipalities=MUNICIPALITIES
    )


def test_it_returns_frozen_events(sample):
    with pytest.raises(AttributeError):
        sample.rows[0].summary = "ändrad"  # type: ignore[misc]


@given(
    moment=st.datetimes(
        min_value=dt.datetime(1970, 1, 2),
        max_value=dt.datetime(2100, 12, 30),
        timezones=st.sampled_from(
            [dt.timezone(dt.timedelta(minutes=m)) for m in (-600, -60, 0, 60, 120, 330, 840)]
        ),
    ),
    padded=st.booleans(),
)
def test_it_parses_any_datetime_with_or_without_padded_hour_to_the_same_instant(moment, padded):
    moment = moment.replace(microsecond=0)
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hour = f"{moment.hour:02d}" if padded else str(moment.hour)
    text = (
        f"{moment:%Y-%m-%d} {hour}:{moment:%M:%S} "
        f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    )
    (row,) = _parse_one(datetime=text).rows
    assert row.published_at == moment
    assert row.published_at.utcoffset() == offset
