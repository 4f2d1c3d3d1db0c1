"""API: sources, indicators and observations with their filters, paginated {items, count}."""

import datetime as dt
from decimal import Decimal

import pytest

from samverkan.core.models import APIToken
from samverkan.indicators.models import Indicator, Observation, Source
from samverkan.indicators.seed_figures import SEED_SOURCE_SLUG, seed_figures


@pytest.fixture
def api(client, reader):
    key = APIToken.issue(user=reader)

    def get(path, **params):
        return client.get(f"/api{path}", params, HTTP_AUTHORIZATION=f"Bearer {key}")

    return get


@pytest.fixture
def kolada(demo):
    """A Kolada-like indicator with Luleå and the country, two years, by sex."""
    source = Source.objects.create(slug="kolada-test", name="Kolada", kind=Source.Kind.API)
    indicator = Indicator.objects.create(
        code="kolada-n07403",
        name="Anmälda våldsbrott, antal/100 000 inv",
        unit=Indicator.Unit.PER_100K,
        source=source,
        focus_area="6.1",
        external_id="N07403",
    )
    now = dt.datetime(2024, 4, 1, tzinfo=dt.UTC)
    for year in (2022, 2023):
        for geo_level, geo_code in (("kommun", "2580"), ("land", "SE")):
            for sex, value in (("T", 1000), ("K", 800), ("M", 1200)):
                Observation.objects.create(
                    indicator=indicator,
                    period_start=dt.date(year, 1, 1),
                    period_end=dt.date(year, 12, 31),
                    period_label=str(year),
                    geo_level=geo_level,
                    geo_code=geo_code,
                    breakdown={"sex": sex},
                    value=Decimal(value + year - 2022),
                    retrieved_at=now,
                )
    return indicator


def test_it_lists_sources_with_the_plan_document(api):
    body = api("/sources").json()

    assert body["count"] == len(body["items"]) >= 1
    plan = next(s for s in body["items"] if s["slug"] == SEED_SOURCE_SLUG)
    assert plan["name"] == "Verksamhetsplanen 2020–2021 (styrgruppens beslut)"
    assert plan["kind"] == "dokument"


def test_it_filters_indicators_by_focus_area_and_source(api, kolada):
    every = api("/indicators").json()
    youth = api("/indicators", focus_area="6.2").json()
    from_kolada = api("/indicators", source="kolada-test").json()

    assert every["count"] == Indicator.objects.count()
    expected_youth = {i["code"] for i in seed_figures()["indicators"] if i["focus_area"] == "6.2"}
    assert {i["code"] for i in youth["items"]} == expected_youth
    assert youth["count"] == len(expected_youth)
    assert [i["code"] for i in from_kolada["items"]] == ["kolada-n07403"]
    assert from_kolada["items"][0]["external_id"] == "N07403"


def test_it_pages_indicators(api, demo):
    first = api("/indicators", limit=2, offset=0).json()
    second = api("/indicators", limit=2, offset=2).json()

    assert first["count"] == second["count"] == Indicator.objects.count()
    assert len(first["items"]) == len(second["items"]) == 2
    assert {i["code"] for i in first["items"]}.isdisjoint(i["code"] for i in second["items"])


def test_it_shows_one_indicator_with_what_is_held(api, demo):
    body = api("/indicators/shlv-ledsen").json()

    assert body["name"].startswith("Elever som ofta eller alltid")
    assert body["source"] == SEED_SOURCE_SLUG
    assert body["observations"] == 4
    assert body["latest_period"] == "2018/2019"
    # The school year 2019/2020 was due in October 2020: long overdue by now.
    assert body["next_update_due"] == "2020-10-01"
    assert body["overdue"] is True


def test_an_unknown_indicator_is_404(api, demo):
    assert api("/indicators/finns-inte").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"indicator": "kolada-n07403"}, 12),
        ({"indicator": "kolada-n07403", "geo_level": "kommun"}, 6),
        ({"indicator": "kolada-n07403", "geo_code": "2580", "period_from": "2023"}, 3),
        ({"indicator": "kolada-n07403", "period_to": "2022-12-31"}, 6),
        ({"indicator": "kolada-n07403", "breakdown": "kon:K"}, 4),
        ({"indicator": "kolada-n07403", "breakdown": "sex=M", "geo_code": "SE"}, 2),
        ({"indicator": "kolada-n07403", "breakdown": "kon:T"}, 4),  # totals
        ({"indicator": "shlv-ledsen", "breakdown": ["kon:K", "arskurs:gy1"]}, 1),
        ({"indicator": "shlv-ledsen", "breakdown": "arskurs:ak7"}, 2),
    ],
)
def test_it_filters_observations(api, kolada, params, expected):
    body = api("/observations", **params).json()

    assert body["count"] == expected
    assert len(body["items"]) == expected


def test_an_observation_carries_its_figure_and_where_it_comes_from(api, demo):
    body = api("/observations", indicator="shlv-ledsen", breakdown=["kon:K", "arskurs:gy1"]).json()

    (item,) = body["items"]
    assert Decimal(item["value"]) == Decimal("21")
    assert item["breakdown"] == {"grade": "gy1", "sex": "K"}
    assert item["period"] == "2018/2019"
    assert item["geo_code"] == "2580"
    assert "21 %" in item["note"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"breakdown": "kon"}, "breakdown"),
        ({"period_from": "förra året"}, "period_from"),
        ({"geo_level": "planet"}, "geo_level"),
    ],
)
def test_bad_filters_get_a_swedish_message_naming_the_field(api, demo, params, field):
    response = api("/observations", **params)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == field
    assert "”" in error["msg"]


def test_the_api_needs_a_login(client, demo):
    assert client.get("/api/indicators").status_code == 401


@pytest.fixture
def survey(demo):
    """A survey share with n and no published interval, and one with the source's interval."""
    source = Source.objects.create(slug="enkat-test", name="Enkät", kind=Source.Kind.FILE)
    indicator = Indicator.objects.create(
        code="enkat-otrygg", name="Otrygga", unit=Indicator.Unit.PERCENT, source=source
    )
    common = {
        "indicator": indicator,
        "geo_level": "kommun",
        "geo_code": "2580",
        "retrieved_at": dt.datetime(2024, 4, 1, tzinfo=dt.UTC),
    }
    Observation.objects.create(
        period_start=dt.date(2022, 1, 1),
        period_end=dt.date(2022, 12, 31),
        period_label="2022",
        value=Decimal("23"),
        n=412,
        **common,
    )
    Observation.objects.create(
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        period_label="2023",
        value=Decimal("25"),
        n=380,
        ci_low=Decimal("21.0"),
        ci_high=Decimal("29.5"),
        **common,
    )
    Observation.objects.create(
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        period_label="2024",
        value=Decimal("24"),
        **common,
    )
    return indicator


def test_a_survey_share_carries_the_same_interval_as_the_page(api, survey):
    from statsmodels.stats.proportion import proportion_confint

    items = {i["period"]: i for i in api("/observations", indicator="enkat-otrygg").json()["items"]}

    # No published interval, n known: Wilson's, as statsmodels computes it, in percent.
    low, high = proportion_confint(0.23 * 412, 412, method="wilson")
    assert items["2022"]["ci_method"] == "wilson"
    assert float(items["2022"]["ci_low"]) == pytest.approx(100 * low, abs=0.05)
    assert float(items["2022"]["ci_high"]) == pytest.approx(100 * high, abs=0.05)
    # The source's own interval wins.
    assert items["2023"]["ci_method"] == "källan"
    assert (Decimal(items["2023"]["ci_low"]), Decimal(items["2023"]["ci_high"])) == (
        Decimal("21.0"),
        Decimal("29.5"),
    )
    # No n: no interval, and none invented.
    assert items["2024"]["ci_low"] is None and items["2024"]["ci_method"] is None
