"""The lägesbild of Polisen's events: the time patterns use the titles' times, every chart
names its sources with their shares, the time sections say what the times are worth, and
Polisen's share in Övrigt is shown (lagesbild.sections.sources)."""

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from samverkan.incidents.importers.polisen_load import import_polisen
from samverkan.incidents.models import Category, Incident
from samverkan.lagesbild import charts
from samverkan.lagesbild.assemble import lagesbild
from samverkan.lagesbild.sections.sources import polisen_other, source_shares, time_quality
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality

ERAS = Path(__file__).parent.parent / "fixtures" / "polisen" / "events-eras.json"
TZ = ZoneInfo("Europe/Stockholm")

# The Luleå events of the fixture: (ISO weekday, hour) read by hand from each title
# ("15 mars 18.20" 2024 is a Friday, …) and from the publication time for the one without.
TITLE_CELLS = [
    (5, 18),  # 15 mars 2024 18.20 (published 19.42)
    (1, 0),  # 1 juli 2024 00.15 (published 01.05)
    (2, 23),  # 31 december 2024 23.50 (published 1 januari 00.40)
    (7, 1),  # 27 oktober 2024 01.15, summer time (published 08.00)
    (6, 17),  # 22 augusti 2026 17.59 (published 18.51)
    (6, 11),  # 14 februari 2026: no time in the title, published 11.30
    (6, 22),  # 7 november 2026 22.10 (published 23.58)
    (6, 1),  # 16 maj 2026 01.40 (published 02.20)
    (6, 13),  # 6 juni 2026 13.30 (published 14.00)
    (4, 0),  # 1 januari 2026 00.31 (published 01.02)
]
PUBLISHED_CELLS = [(5, 19), (1, 1), (3, 0), (7, 8), (6, 18), (6, 11), (6, 23), (6, 2), (6, 14),
                   (4, 1)]  # fmt: skip
FORM_REPORTS = 15  # beside the 10 Polisen events: 60 % EST reports, 40 % Polisen's


@pytest.fixture
def mixed(demo, agreement):
    Incident.objects.all().delete()
    import_polisen(ERAS.read_bytes(), organisation=Organisation.objects.get(slug="lpo-lulea-boden"))
    lulea = Municipality.objects.get(code="2580")
    category = Category.objects.get(slug="klotter")
    when = dt.datetime(2025, 5, 6, 10, tzinfo=TZ)  # a Tuesday
    Incident.objects.bulk_create(
        Incident(
            category=category,
            occurred_from=when,
            occurred_to=when,
            municipality=lulea,
            lat=65.5842,
            lon=22.1547,
            organisation=Organisation.objects.get(slug="lulebo"),
            classification="intern",
            source="form",
            external_id=f"form-{n}",
        )
        for n in range(FORM_REPORTS)
    )
    return lagesbild(
        agreement=agreement, date_from=dt.date(2024, 1, 1), date_to=dt.date(2026, 11, 30)
    )


def _cells(result) -> dict[tuple[int, int], int]:
    return {(c["weekday"], c["hour"]): c["count"] for c in result.weekday_hour["cells"]}


def test_the_weekday_hour_matrix_uses_the_titles_hours(mixed):
    cells = _cells(mixed)
    expected = pd.Series(TITLE_CELLS).value_counts().to_dict()
    expected[(2, 10)] = FORM_REPORTS
    assert {k: v for k, v in cells.items() if v} == expected
    # …and not the publication hours (they differ for every titled event).
    assert all(cells[cell] == 0 for cell in set(PUBLISHED_CELLS) - set(TITLE_CELLS))
    assert mixed.weekday_hour["total"] == len(TITLE_CELLS) + FORM_REPORTS


def test_the_time_sections_note_publication_times_and_centre_positions(mixed):
    quality = mixed.sources["time_quality"]
    assert (quality["publication_timed"], quality["centre_only"], quality["total"]) == (1, 10, 25)
    assert quality["publication_share"] == pytest.approx(1 / 25)
    note = quality["note"]
    assert note.startswith("4 % av händelserna (1) har bara källans publiceringstid")
    assert "40 % (10) har bara kommunens mittpunkt som position" in note
    for section in ("weekday_hour", "weekend_nights", "seasonality", "holidays", "counts"):
        assert mixed.to_dict()[section]["time_note"] == note


def test_every_chart_names_its_sources_and_their_shares(mixed):
    built = charts.all_charts(mixed.to_dict())
    assert set(built) == set(charts.BUILDERS)
    line = "Källor: EST-rapporter 60 %, Polisens händelser 40 %."
    for key in ("manad", "vecka", "kategori", "omrade", "veckodag_timme", "helgnatter"):
        assert built[key].source == line, key
    # The hot-spot map has only the events with an exact point: no Polisen event.
    assert built["hotspots"].source == "Källor: EST-rapporter 100 %."
    assert built["trender"].source.startswith("Källor: ")


def test_polisen_share_in_ovrigt_with_its_types(mixed):
    other = mixed.sources["polisen_other"]
    # Of the 10 Luleå events only Polisinsats/kommendering and Trafikkontroll are unmapped.
    assert (other["polisen"], other["other"]) == (10, 2)
    assert other["share"] == pytest.approx(0.2)
    assert [t["type"] for t in other["types"]] == ["Polisinsats/kommendering", "Trafikkontroll"]
    assert other["sentence"].startswith("20 % av Polisens händelser (2 av 10) ligger i Övrigt")
    assert mixed.key_figures["polisen_other_share"] == pytest.approx(0.2)


def test_the_page_shows_the_source_lines_and_notes(client, agreement, mixed, coordinator):
    client.force_login(coordinator)
    query = {"overenskommelse": agreement.pk, "fran": "2024-01-01", "till": "2026-11-30"}
    html = client.get("/lagesbild/", query).content.decode()
    assert "Källor: EST-rapporter 60 %, Polisens händelser 40 %." in html
    assert "har bara källans publiceringstid" in html
    assert 'id="polisen-ovrigt"' in html and "Polisinsats/kommendering (1)" in html


def test_the_helpers_against_a_count_by_hand():
    frame = pd.DataFrame(
        {
            "source": ["polisen"] * 3 + ["form"] * 5 + ["file"] * 2,
            "time_precision": ["publicerad", "ungefar", "ungefar"] + ["exakt"] * 7,
            "position_is_centre": [True, True, True] + [False] * 7,
            "category_slug": ["ovrigt", "ovrigt", "stold"] + ["ovrigt"] * 7,
            "source_type": ["Trafikkontroll", "Trafikkontroll", "Stöld"] + [""] * 7,
        }
    )
    shares = source_shares(frame)
    assert [(s["source"], s["count"], s["share"]) for s in shares["shares"]] == [
        ("form", 5, 0.5),
        ("polisen", 3, 0.3),
        ("file", 2, 0.2),
    ]
    assert (
        shares["line"] == "Källor: EST-rapporter 50 %, Polisens händelser 30 %, filimporter 20 %."
    )
    quality = time_quality(frame)
    assert (quality["publication_timed"], quality["centre_only"]) == (1, 3)
    other = polisen_other(frame)  # only Polisen's rows count, not the form's in Övrigt
    assert (other["polisen"], other["other"], other["types"]) == (
        3,
        2,
        [{"type": "Trafikkontroll", "count": 2}],
    )


def test_a_frame_without_the_columns_gives_empty_answers():
    frame = pd.DataFrame({"occurred_at": pd.to_datetime(["2026-01-01"], utc=True)})
    assert source_shares(frame)["line"] == ""
    assert time_quality(frame)["note"] == ""
    assert polisen_other(frame)["sentence"] == ""
    assert source_shares(frame.iloc[:0])["shares"] == []


@pytest.mark.parametrize("fmt", ["csv", "svg", "png"])
def test_downloaded_chart_files_carry_the_source_line(
    client, agreement, mixed, coordinator, fmt, monkeypatch
):
    client.force_login(coordinator)
    query = {"overenskommelse": agreement.pk, "fran": "2024-01-01", "till": "2026-11-30"}
    response = client.get(f"/lagesbild/diagram/manad.{fmt}", query)
    assert response.status_code == 200
    line = "Källor: EST-rapporter 60 %, Polisens händelser 40 %."
    if fmt == "csv":
        last = response.content.decode().strip().splitlines()[-1]
        assert last == line
    elif fmt == "svg":
        assert "Källor: EST-rapporter 60 %" in response.content.decode()
    else:
        assert response.content.startswith(b"\x89PNG")
    # The one function that writes the files: the source is the CSV's last row and the
    # subtitle of the picture's spec.
    chart = charts.chart_for(mixed.to_dict(), "manad")
    assert chart.source == line
    content, _type = charts.chart_file(chart, "csv")
    assert content.decode().splitlines()[-1] == line
    seen = []
    monkeypatch.setattr(charts, "render_static", lambda spec, f: seen.append(spec) or b"")
    charts.chart_file(chart, "png")
    assert seen[0]["title"]["subtitle"] == line
    without = charts.chart_file(charts.BUILDERS["manad"](mixed.to_dict()), "csv")[0]
    assert line not in without.decode()


def test_a_small_source_leaves_with_names_only(client, agreement, mixed, coordinator, settings):
    # 10 Polisen events against 15 EST reports: under a limit of 11, "40 %" of 25 would give
    # the 10 back. Downloads and the API then name the sources without their shares.
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 11
    plain = "Källor: EST-rapporter, Polisens händelser."
    client.force_login(coordinator)
    query = {"overenskommelse": agreement.pk, "fran": "2024-01-01", "till": "2026-11-30"}
    csv_file = client.get("/lagesbild/diagram/manad.csv", query).content.decode()
    assert csv_file.strip().splitlines()[-1] == plain
    assert "40 %" not in csv_file
    body = client.get(
        "/api/lagesbild",
        {"agreement": agreement.slug, "from": "2024-01-01", "to": "2026-11-30"},
    ).json()
    assert body["sources"]["figures"]["manad"]["line"] == plain
    # The page, for the parties' own staff, keeps the shares.
    settings.SAMVERKAN_SMALL_COUNT_LIMIT = 5
    csv_file = client.get("/lagesbild/diagram/manad.csv", query).content.decode()
    assert (
        csv_file.strip().splitlines()[-1] == "Källor: EST-rapporter 60 %, Polisens händelser 40 %."
    )


@pytest.mark.parametrize("dtype", ["str", object])
def test_the_shares_from_a_column_or_added_counts_equal_those_of_the_rows(dtype):
    """``figure_sources`` counts the comparison's two periods each and adds them, and the
    trend's rows from their column: the same shares as of the rows put together."""
    from samverkan.lagesbild.sections.sources import source_counts

    current = pd.DataFrame({"source": pd.Series(["polisen", None, "form", "form"], dtype=dtype)})
    previous = pd.DataFrame({"source": pd.Series(["file", "form", None], dtype=dtype)})
    together = source_shares(pd.concat([current, previous]))
    added = source_counts(current["source"]).add(source_counts(previous["source"]), fill_value=0)
    assert source_shares(added.astype("int64").rename("count")) == together
    assert source_shares(pd.concat([current, previous])["source"]) == together
    assert [(s["source"], s["count"]) for s in together["shares"]] == [
        ("form", 3), ("", 2), ("file", 1), ("polisen", 1),
    ]  # fmt: skip
