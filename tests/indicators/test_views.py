"""The indicator and focus-area pages: every figure the plan quotes is shown on the page of
its focus area, Swedish-style, with its source."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from samverkan.indicators.models import Indicator, Observation, Source
from samverkan.indicators.pages import format_value, geography_label
from samverkan.indicators.seed_figures import SEED_SOURCE_SLUG, seed_figures

SOURCE_NAME = "Verksamhetsplanen 2020–2021 (styrgruppens beslut)"


def shown_figures(html: str) -> list[str]:
    return re.findall(r"<strong data-figure>([^<]*)</strong>", html)


def expected_text(figure: dict) -> str:
    """The plan's number as the page writes it: decimal comma, en dash in a range."""
    if "value_low" in figure:
        return f"{figure['value_low']}–{figure['value_high']}"
    number = f"{figure['value']}".replace(".", ",")
    qualifier = f"{figure['qualifier']} " if figure.get("qualifier") else ""
    return f"{qualifier}{number} %"


@pytest.mark.parametrize("area", ["6.1", "6.2", "6.3"])
def test_every_seed_figure_is_on_its_focus_area_page_with_its_source(client, reader, area):
    client.force_login(reader)

    response = client.get(reverse("focus_area", args=[area]))

    assert response.status_code == 200
    html = response.content.decode()
    shown = shown_figures(html)
    figures = [f for f in seed_figures()["figures"] if f["section"] == area]
    assert figures
    for figure in figures:
        assert expected_text(figure) in shown, figure["text"]
        # The plan's own wording (with "drygt", "ca", "strax under") stays beside the value.
        assert f"Planen: ”{figure['text']}”" in html
    assert len(shown) == len(figures)
    source = Source.objects.get(slug=SEED_SOURCE_SLUG)
    assert html.count(f"Källa: {source.citation}") >= len({f["indicator"] for f in figures})


def test_the_focus_area_page_shows_the_plans_statements_without_numbers(client, reader):
    client.force_login(reader)

    html = client.get(reverse("focus_area", args=["6.1"])).content.decode()

    assert "boende i hyresrätt uppfattar problem i större utsträckning" in html
    assert "Trygghetsmätningen: problemindex" in html  # base data without values yet


def test_an_unknown_focus_area_is_404(client, reader):
    client.force_login(reader)

    assert client.get(reverse("focus_area", args=["9.9"])).status_code == 404


def test_the_indicator_page_shows_girls_and_boys_by_grade_side_by_side(client, reader):
    client.force_login(reader)

    response = client.get(reverse("indicator_detail", args=["shlv-ledsen"]))

    assert response.status_code == 200
    html = response.content.decode()
    pivot = html[html.index('class="pivot"') :]
    pivot = pivot[: pivot.index("</table>")]
    header = re.findall(r"<th>([^<]*)</th>", pivot)
    assert header == ["Årskurs / Kön", "Flickor", "Pojkar"]
    rows = re.findall(
        r'<th scope="row">([^<]*)</th><td data-label="Flickor">([^<]*)</td>'
        r'<td data-label="Pojkar">([^<]*)</td>',
        pivot,
    )
    assert rows == [("åk 7", "10,6 %", "1,2 %"), ("gymnasiet år 1", "21 %", "6 %")]
    assert "Flickor, åk 7" in html  # the series: sex first
    # The same figures as a Vega-Lite spec for the browser (the SVG is the fallback).
    spec = json.loads(re.search(r'id="spec-indikator"[^>]*>(.*?)</script>', html, re.S)[1])
    values = {(v["series"], v["period"]): v["value"] for v in spec["data"]["values"]}
    assert values == {
        ("Flickor, åk 7", "2018/2019"): 10.6,
        ("Pojkar, åk 7", "2018/2019"): 1.2,
        ("Flickor, gymnasiet år 1", "2018/2019"): 21.0,
        ("Pojkar, gymnasiet år 1", "2018/2019"): 6.0,
    }
    assert spec["mark"]["type"] == "line"
    assert "<svg" in html and "Tabell" in html
    assert SOURCE_NAME in html or "Styrgruppens verksamhetsplan 2020–2021" in html


def test_the_indicator_page_shows_n_confidence_interval_and_the_national_comparison(client, reader):
    source = Source.objects.create(slug="ntu-test", name="Brå NTU", citation="Källa: Brå, NTU")
    indicator = Indicator.objects.create(
        code="ntu-otrygg",
        name="Otrygghet vid utevistelse sen kväll",
        unit=Indicator.Unit.PERCENT,
        source=source,
        focus_area="6.1",
    )
    now = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    for year, geo_level, geo_code, value in [
        (2021, "kommun", "2580", "24.5"),
        (2022, "kommun", "2580", "27.25"),
        (2022, "land", "SE", "27"),
    ]:
        Observation.objects.create(
            indicator=indicator,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            period_label=str(year),
            geo_level=geo_level,
            geo_code=geo_code,
            value=Decimal(value),
            n=812 if geo_code == "2580" else None,
            ci_low=Decimal("24.1") if year == 2022 and geo_code == "2580" else None,
            ci_high=Decimal("30.4") if year == 2022 and geo_code == "2580" else None,
            retrieved_at=now,
        )
    client.force_login(reader)

    html = client.get(reverse("indicator_detail", args=["ntu-otrygg"])).content.decode()

    assert "27,25 %" in html and "n=812" in html
    assert "24,1–30,4" in html
    assert "Riket" in html and "Luleå" in html
    assert "Källa: Brå, NTU" in html


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (21, [0, 10, 20, 30]),
        (10.6, [0, 5, 10, 15]),
        (1043.2, [0, 500, 1000, 1500]),
        (3, [0, 1, 2, 3]),
    ],
)
def test_the_chart_has_round_ticks(largest, ticks):
    from types import SimpleNamespace

    from samverkan.indicators.charts import line_chart
    from samverkan.indicators.pages import format_value

    point = SimpleNamespace(value=Decimal(str(largest)), period_label="2020")
    series = [SimpleNamespace(label="Totalt", points=[point])]

    chart = line_chart(series, ["2020"], format_value)

    assert [t.label for t in chart.y_ticks] == [format_value(Decimal(t)) for t in ticks]
    assert chart.lines[0].points[0].title == f"Totalt, 2020: {format_value(point.value)}"


def test_the_catalogue_needs_a_login(client, demo):
    response = client.get(reverse("indicator_catalogue"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_boden_user_sees_the_public_statistics_too(client, boden_user):
    # Indicators are public statistics without personal data: visible to every logged-in
    # user (docs/indicators.md); goals and plans stay scoped to the agreements.
    client.force_login(boden_user)

    assert client.get(reverse("indicator_detail", args=["shlv-ledsen"])).status_code == 200
    assert client.get(reverse("focus_area", args=["6.2"])).status_code == 200


def test_areas_are_shown_side_by_side_with_renters_against_owners(client, reader):
    from samverkan.places.models import District

    indicator = Indicator.objects.get(code="trygghetsindex")
    hertson = District.objects.get(municipality__code="2580", slug="hertson")
    for area, housing, value in [
        ("hertson", "hyresratt", "2.10"),
        ("hertson", "villa", "1.25"),
        ("porson", "hyresratt", "1.95"),
        ("porson", "villa", "1.10"),
    ]:
        Observation.objects.create(
            indicator=indicator,
            period_start=dt.date(2019, 1, 1),
            period_end=dt.date(2019, 12, 31),
            period_label="2019",
            geo_level="omrade",
            geo_code=f"2580:{area}",
            district=hertson if area == "hertson" else None,
            breakdown={"housing": housing},
            value=Decimal(value),
            n=150,
            retrieved_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        )
    client.force_login(reader)

    html = client.get(reverse("indicator_detail", args=["trygghetsindex"])).content.decode()

    pivot = html[html.index('class="pivot"') :]
    pivot = pivot[: pivot.index("</table>")]
    assert re.findall(r"<th>([^<]*)</th>", pivot) == [
        "Område / Boendeform",
        "Hyresrätt",
        "Villa/äganderätt",
    ]
    rows = re.findall(
        r'<th scope="row">([^<]*)</th><td data-label="Hyresrätt">([^<]*)<span class="muted">n=150</span></td>'
        r'<td data-label="Villa/äganderätt">([^<]*)<span',
        pivot,
    )
    # A linked district shows its own name; an unlinked code its slug.
    assert rows == [(hertson.name, "2,1 ", "1,25 "), ("Porson", "1,95 ", "1,1 ")]


def test_a_survey_share_with_an_n_gets_a_wilson_interval_and_missing_comparisons_are_named(
    client, reader
):
    from statsmodels.stats.proportion import proportion_confint

    from samverkan.indicators.pages import indicator_page
    from samverkan.places.models import Municipality

    source = Source.objects.create(slug="tm-test", name="Trygghetsmätning", citation="Källa: TM")
    indicator = Indicator.objects.create(
        code="tm-trygg", name="Känner sig trygga", unit=Indicator.Unit.PERCENT, source=source
    )
    now = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    for geo_level, geo_code, value, n in [
        ("kommun", "2580", "61.5", 455),
        ("land", "SE", "70", None),
    ]:
        Observation.objects.create(
            indicator=indicator, period_start=dt.date(2022, 1, 1), period_end=dt.date(2022, 12, 31),
            period_label="2022", geo_level=geo_level, geo_code=geo_code, value=Decimal(value), n=n,
            retrieved_at=now,
        )  # fmt: skip
    page = indicator_page(indicator)
    [local] = page.latest
    low, high = proportion_confint(0.615 * 455, 455, alpha=0.05, method="wilson")
    assert (float(local.interval.low), float(local.interval.high)) == (
        round(100 * low, 1), round(100 * high, 1)
    )  # fmt: skip
    assert local.interval.method == "wilson" and page.has_wilson
    [national] = page.comparison
    assert national.interval is None  # no n, no interval invented
    # The county and every other municipality held in places lack a 2022 figure.
    others = Municipality.objects.exclude(code="2580").values_list("code", flat=True)
    assert page.comparison_missing == [
        *(geography_label("kommun", code) for code in sorted(others)),
        "Norrbottens län",
    ]
    client.force_login(reader)
    html = client.get(reverse("indicator_detail", args=["tm-trygg"])).content.decode()
    text = f"{format_value(Decimal(str(round(100 * low, 1))))}–"
    assert text in html and "(Wilson)" in html and "data-wilson" in html
    assert "Jämförelsevärden som saknas för den senaste perioden:" in html
