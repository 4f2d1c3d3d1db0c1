"""The lägesbild page's speed work: specs built without validation still validate, the map
carries only drawn cells, the rendered result is stored per data version, the charts read
Swedish and the annual chart marks an incomplete year."""

import datetime as dt
from pathlib import Path
from unittest import mock

import altair as alt
import pytest
from altair.utils.schemapi import validate_jsonschema
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.utils import timezone

from samverkan.incidents.models import Category, Incident
from samverkan.lagesbild import charts, views
from samverkan.lagesbild.assemble import lagesbild
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality

FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
QUERY = {"fran": FROM.isoformat(), "till": TO.isoformat()}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _schema():
    return alt.vegalite.v6.schema.core.load_schema()


def test_every_chart_spec_validates_against_the_vega_lite_schema(handset, agreement):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    schema = _schema()
    built = charts.all_charts(result)
    assert set(built) == set(charts.BUILDERS)
    for key, chart in built.items():
        assert validate_jsonschema(chart.spec, schema, raise_error=False) is None, key
    rows = [{"area": "6.1 Trygghet", "year": 2024, "count": 3, "whole": "helt år"}]
    assert validate_jsonschema(charts.year_chart(rows).spec, schema, raise_error=False) is None


def test_a_broken_spec_fails_the_schema():
    assert validate_jsonschema({"mark": "nonsense"}, _schema(), raise_error=False) is not None


def test_the_map_spec_holds_only_drawn_cells(handset, agreement):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    cells = result["hotspots"]["cells"]
    drawn = [c for c in cells if c["count"] or c["confidence"]]
    assert len(drawn) < len(cells)
    spec = charts.hotspot_map(result).spec
    values = spec["layer"][0]["data"]["values"]
    assert len(values) == len(drawn)
    assert all(v["count"] or v["key"] for v in values)


def _get(client, user):
    client.force_login(user)
    response = client.get("/lagesbild/", QUERY)
    assert response.status_code == 200
    return response.content.decode()


def test_the_stored_result_is_reused_and_invalidated_by_a_new_report(
    client, handset, agreement, coordinator
):
    with mock.patch.object(views, "lagesbild", wraps=views.lagesbild) as computed:
        first = _get(client, coordinator)
        second = _get(client, coordinator)
        assert computed.call_count == 1
        assert second == first or 'id="hotspots"' in second
        Incident.objects.create(
            occurred_from=timezone.make_aware(dt.datetime(2025, 6, 3, 12)),
            occurred_to=timezone.make_aware(dt.datetime(2025, 6, 3, 12)),
            municipality=Municipality.objects.get(code="2580"),
            category=Category.objects.get(slug="klotter"),
            organisation=Organisation.objects.get(slug="kommunstaben"),
            description="Ny rapport",
        )
        _get(client, coordinator)
        assert computed.call_count == 2


def test_page_carries_the_swedish_locale(client, handset, coordinator):
    html = _get(client, coordinator)
    assert "lagesbild/charts.js" in html
    script = Path(finders.find("lagesbild/charts.js")).read_text()
    assert "timeFormatLocale" in script and "formatLocale" in script
    locale = Path(finders.find("lagesbild/locale-sv.js")).read_text()
    assert '"januari"' in locale and '"måndag"' in locale and 'decimal: ","' in locale


def test_month_axis_uses_month_names_not_codes(handset, agreement):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    spec = charts.by_month(result).spec
    assert spec["encoding"]["x"]["axis"]["format"] == "%b %Y"
    assert spec["encoding"]["x"]["timeUnit"] == "yearmonth"


def test_charts_name_categories_not_slugs(handset, agreement):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO).to_dict()
    names = {r["name"] for r in charts.by_category(result).rows}
    slugs = set(Category.objects.values_list("slug", flat=True))
    assert names and not names & slugs
    assert set(Category.objects.filter(slug="klotter").values_list("name", flat=True)) <= names


def test_annual_chart_marks_an_incomplete_year(client, handset, coordinator):
    rows = [
        {"area": "6.1 Trygghet", "year": 2024, "count": 3, "whole": "helt år"},
        {"area": "6.1 Trygghet", "year": 2025, "count": 1, "whole": "ofullständigt år"},
    ]
    spec = charts.year_chart(rows).spec
    assert "2025" in spec["title"]["subtitle"]
    assert "Ofullständigt" in spec["title"]["subtitle"]
    complete = charts.year_chart(rows[:1]).spec
    assert "title" not in complete
    client.force_login(coordinator)
    html = client.get("/lagesbild/ar/").content.decode()
    assert "ofullständigt år" in html or "Ofullständiga år" in html
