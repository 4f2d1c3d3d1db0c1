"""The public page of an agreement, /oppet/<kortnamn>/, and its open data."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from samverkan.core.models import Classification
from samverkan.incidents.models import Category, Incident
from samverkan.places.models import District
from samverkan.plans.models import Agreement

LULEA = "lulea-polisen-2020-2023"
BODEN = "boden-polisen-2020-2023"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _report(district, category, when, classification=Classification.OPEN):
    return Incident.objects.create(
        category=category,
        occurred_from=when,
        occurred_to=when,
        municipality=district.municipality,
        district=district,
        organisation=district.municipality.organisation,
        classification=classification,
    )


def _year(client, slug=LULEA):
    page = client.get(f"/oppet/{slug}/")
    years = re.findall(r'<option value="(\d{4})"', page.content.decode())
    return int(years[0]) if years else None


def _counts(client, year):
    data = client.get(f"/oppet/{LULEA}/data.json").json()
    return {
        (r["kvartal"], r["omrade"], r["kategori"]): r["antal"]
        for r in data["antal"]
        if r["ar"] == year
    }


def test_the_page_works_without_login_when_it_is_on(demo, client):
    response = client.get(f"/oppet/{LULEA}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Samverkansöverenskommelse mellan Luleå kommun" in text
    assert "Luleå kommun" in text and "Lokalpolisområde Luleå-Boden" in text
    assert "Styrgruppens verksamhetsplan 2020–2021" in text
    assert "Medborgarlöften" in text
    assert "<script>" not in text
    assert client.get(f"/oppet/{LULEA}/data.json").status_code == 200
    assert client.get(f"/oppet/{LULEA}/data.csv").status_code == 200


def test_the_page_is_404_when_it_is_off(demo, client):
    assert not Agreement.objects.get(slug=BODEN).public_page
    for suffix in ("", "data.json", "data.csv"):
        assert client.get(f"/oppet/{BODEN}/{suffix}").status_code == 404
    Agreement.objects.filter(slug=LULEA).update(public_page=False)
    assert client.get(f"/oppet/{LULEA}/").status_code == 404
    assert client.get("/oppet/finns-inte/").status_code == 404


def test_no_restricted_or_internal_report_is_counted(demo, client):
    district = District.objects.filter(municipality__code="2580").first()
    category = Category.objects.filter(parent=None).first()
    when = timezone.make_aware(dt.datetime(2021, 5, 5, 12))
    for _n in range(12):
        _report(district, category, when)
    before = _counts(client, 2021)
    cache.clear()
    for classification in (Classification.RESTRICTED, Classification.INTERNAL):
        for _n in range(7):
            _report(district, category, when, classification)
    after = _counts(client, 2021)
    assert after == before
    assert before[("Q2", district.name, category.name)] == 12 or isinstance(
        before[("Q2", district.name, category.name)], str
    )


def test_an_open_report_is_counted(demo, client):
    """The counts can change: twelve öppen reports in a quarter are seen."""
    district = District.objects.filter(municipality__code="2580").first()
    category = Category.objects.filter(parent=None).first()
    when = timezone.make_aware(dt.datetime(2019, 2, 5, 12))
    for _n in range(12):
        _report(district, category, when)
    counts = _counts(client, 2019)
    assert counts[("Q1", district.name, category.name)] in (12, "≥ 5")
    assert counts[(None, None, None)] == 12


def _small_numbers(text: str, limit: int) -> list[int]:
    return [int(n) for n in re.findall(r"\b\d+\b", text) if 0 < int(n) < limit]


@pytest.mark.parametrize("limit", [5, 8])
def test_no_count_under_the_threshold_appears_anywhere(demo, client, settings, limit):
    settings.SAMVERKAN_PUBLIC_MIN_COUNT = limit
    district = District.objects.filter(municipality__code="2580").first()
    category = Category.objects.filter(parent=None).first()
    when = timezone.make_aware(dt.datetime(2021, 8, 1, 12))
    for _n in range(2):
        _report(district, category, when)
    year = 2021
    page = client.get(f"/oppet/{LULEA}/?ar={year}").content.decode()
    cells = re.findall(r'<td class="count">([^<]*)</td>', page)
    assert cells
    assert f"1–{limit - 1}" in cells
    for cell in cells:
        assert not (cell.strip().isdigit() and 0 < int(cell) < limit), cell

    data = client.get(f"/oppet/{LULEA}/data.json").json()
    assert data["undertryckning"]["grans"] == limit
    shown = [r["antal"] for r in data["antal"]]
    assert f"1–{limit - 1}" in shown
    assert not [n for n in shown if type(n) is int and 0 < n < limit]

    rows = list(csv.reader(io.StringIO(client.get(f"/oppet/{LULEA}/data.csv").content.decode())))
    assert rows[0][0].startswith("# Licens: CC0")
    body = [r for r in rows if r and not r[0].startswith("#")][1:]
    assert body
    assert not [r for r in body if r[4].isdigit() and 0 < int(r[4]) < limit]


def test_the_threshold_setting_changes_what_is_shown(demo, client, settings):
    district = District.objects.filter(municipality__code="2580").first()
    category = Category.objects.filter(parent=None).first()
    when = timezone.make_aware(dt.datetime(2018, 3, 1, 12))
    for _n in range(6):
        _report(district, category, when)
    settings.SAMVERKAN_PUBLIC_MIN_COUNT = 5
    assert _counts(client, 2018)[(None, None, None)] == 6
    cache.clear()
    settings.SAMVERKAN_PUBLIC_MIN_COUNT = 10
    assert _counts(client, 2018)[(None, None, None)] == "1–9"
