"""The lägesbild pages, snapshots and their scope."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samverkan.analysis.formatting import format_stat
from samverkan.lagesbild import services
from samverkan.lagesbild.assemble import lagesbild
from samverkan.lagesbild.models import Snapshot
from samverkan.places.models import District
from tests.lagesbild.conftest import LULEA_AGREEMENT

SECTIONS = ("nyckeltal", "over-tid", "kategori-omrade", "veckodag-timme", "helgnatter",
            "helgdagar", "trender", "jamforelse", "hotspots", "sparade")  # fmt: skip
CHARTS = ("manad", "vecka", "kategori", "omrade", "veckodag_timme", "helgnatter", "helgdagar",
          "trender", "jamforelse")  # fmt: skip
FROM, TO = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _no_nan(html: str) -> None:
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    assert "Traceback" not in html


def _page(client, user, **params):
    client.force_login(user)
    response = client.get("/lagesbild/", params)
    assert response.status_code == 200
    html = response.content.decode()
    _no_nan(html)
    return html


def test_page_renders_every_section_on_the_demo_data(client, coordinator):
    html = _page(client, coordinator)
    for section in SECTIONS:
        assert f'id="{section}"' in html
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in html and f'id="spec-{chart}"' in html
    # The hot spots are drawn on the Leaflet map from their own data, not as a Vega chart.
    assert 'id="chart-hotspots"' in html and 'id="lb-map-data"' in html
    assert "Visa som tabell" in html
    assert "fredag–söndag natt 23–03" in html
    assert "/lagesbild/vega.js" in html


def test_page_answers_the_seeds_questions_on_the_hand_set(client, handset, coordinator):
    html = _page(client, coordinator, fran="2025-01-01", till="2025-12-31")
    assert "av händelserna inträffade fredag–söndag natt 23–03" in html
    assert "helgdagar och aftnar" in html
    assert "Ökningen är statistiskt säkerställd" in html
    assert "Poisson-regression" in html
    assert "heta rutor på 90 %-nivån" in html
    assert "exakt villkorligt binomialtest" in html and "95 % KI" in html
    assert "Poissontest" not in html


def test_page_says_which_test_decided_the_hot_spots_and_what_chance_gives(
    client, handset, coordinator
):
    html = _page(client, coordinator, fran="2025-01-01", till="2025-12-31")
    section = html[html.index('id="hotspots"') :]
    assert "Heta och kalla rutor avgörs av exakt binomialtest" in section
    assert "Benjamini–Hochberg på 5 %" in section
    assert "minst 3 händelser finns i dess fönster" in section
    area = re.search(r"Studieområde: de ([\d  ]+) rutor om 250 m .*?\(([\d  ]+) km²\)", section)
    assert area, section[:2000]
    assert "chansen högst 5 % att kartan visar någon het eller kall ruta alls" in section


@pytest.mark.parametrize(
    "params",
    [
        {"fran": "2030-01-01", "till": "2030-12-31"},  # empty period
        {"fran": "2025-03-07", "till": "2025-03-07"},  # one day
        {"fran": "2000-01-01", "till": "2029-12-31"},  # longer than the data
    ],
)
def test_page_bad_input_is_explained(client, handset, coordinator, params):
    html = _page(client, coordinator, **params)
    assert 'id="nyckeltal"' in html


def test_page_with_a_district_without_geometry(client, handset, coordinator):
    _rows, districts = handset
    District.objects.filter(pk=districts[0].pk).update(boundary={})
    html = _page(client, coordinator, fran="2025-01-01", till="2025-12-31")
    assert f"Området {districts[0].name} saknar giltig gräns" in html


def test_page_form_errors_are_swedish(client, handset, coordinator):
    html = _page(client, coordinator, fran="2025-13-01", till="2025-12-31")
    assert "2025-13-01 är inget datum" in html
    assert 'id="nyckeltal"' not in html


def test_chart_downloads(client, handset, coordinator):
    client.force_login(coordinator)
    query = {"overenskommelse": LULEA_AGREEMENT, "fran": "2025-01-01", "till": "2025-12-31"}
    response = client.get("/lagesbild/diagram/kategori.csv", query)
    assert response.status_code == 200
    lines = response.content.decode().splitlines()
    assert lines[0] == "Kategori;Antal;Året innan"
    assert any(line.startswith("Våld/misshandel;40;") for line in lines)
    svg = client.get("/lagesbild/diagram/veckodag_timme.svg", query)
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<svg")
    assert client.get("/lagesbild/diagram/okand.csv", query).status_code == 404
    png = client.get("/lagesbild/diagram/helgnatter.png", query)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


def test_vega_bundle_is_served_without_network(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/lagesbild/vega.js")
    assert response.status_code == 200
    assert b"vegaEmbed" in response.content


def test_annual_view_per_focus_area(client, handset, coordinator):
    client.force_login(coordinator)
    response = client.get("/lagesbild/ar/")
    html = response.content.decode()
    assert response.status_code == 200
    _no_nan(html)
    assert "6.1 Trygghet" in html and "6.3 ANDT(S)" in html
    assert 'id="spec-ar"' in html


# --- snapshots ------------------------------------------------------------------------------


def test_save_view_recompute_and_compare(client, handset, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/lagesbild/spara/",
        {"overenskommelse": LULEA_AGREEMENT, "fran": "2025-01-01", "till": "2025-12-31", "rubrik": "Till styrgruppen"},
    )  # fmt: skip
    snapshot = Snapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == snapshot.get_absolute_url()
    assert snapshot.title == "Till styrgruppen"
    assert snapshot.scope == "delad" and snapshot.classification == "intern"
    assert snapshot.data_version["count"] == snapshot.result["key_figures"]["total"]
    html = client.get(snapshot.get_absolute_url()).content.decode()
    _no_nan(html)
    assert 'id="chart-hotspots"' in html
    csv = client.get(f"{snapshot.get_absolute_url()}diagram/manad.csv")
    assert csv.status_code == 200 and csv.content.decode().startswith("Månad;Antal")

    # New data, then recompute: a new snapshot, the old one unchanged, and the comparison.
    _rows, districts = handset
    from samverkan.incidents.models import Incident

    template = Incident.objects.filter(district=districts[0], occurred_from__year=2025).first()
    template.pk, template.external_id = None, "extra"
    template.save()
    response = client.post(f"{snapshot.get_absolute_url()}rakna-om/")
    new = Snapshot.objects.exclude(pk=snapshot.pk).get()
    assert new.recomputed_from == snapshot
    assert new.result["key_figures"]["total"] == snapshot.result["key_figures"]["total"] + 1
    snapshot.refresh_from_db()
    changes = services.snapshot_compare(snapshot, new)
    assert changes["total"]["difference"] == 1 and not changes["same_data"]
    assert changes["same_parameters"]
    html = client.get(f"{new.get_absolute_url()}jamfor/", {"med": snapshot.pk}).content.decode()
    assert "+1" in html


def test_compare_of_identical_snapshots(handset, agreement, coordinator):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator)
    a = services.snapshot_create(user=coordinator, result=result, agreement=agreement)
    b = services.snapshot_recompute(user=coordinator, snapshot=a)
    changes = services.snapshot_compare(a, b)
    assert changes["unchanged"] and changes["same_data"]


def test_snapshot_is_immutable(handset, agreement, coordinator):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator)
    snapshot = services.snapshot_create(user=coordinator, result=result, agreement=agreement)
    snapshot.result["key_figures"]["total"] = 0
    with pytest.raises(ValidationError):
        snapshot.save()
    snapshot.refresh_from_db()
    assert snapshot.result["key_figures"]["total"] == result.key_figures["total"]
    snapshot.title = "Ny rubrik"
    snapshot.save()  # the title may change


def test_restricted_snapshot_is_only_for_its_organisation(
    client, handset, agreement, kommunpolis, coordinator, steering
):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=kommunpolis)
    snapshot = services.snapshot_create(user=kommunpolis, result=result, agreement=agreement)
    assert snapshot.scope == "organisation" and snapshot.classification == "begransad"
    client.force_login(coordinator)
    assert client.get(snapshot.get_absolute_url()).status_code == 404
    assert client.get(f"/api/lagesbild/snapshots/{snapshot.pk}").status_code == 404
    assert client.get("/api/lagesbild/snapshots").json() == []
    with pytest.raises(PermissionDenied):
        services.snapshot_recompute(user=coordinator, snapshot=snapshot)
    client.force_login(steering)  # same police organisation
    assert client.get(snapshot.get_absolute_url()).status_code == 200
    listed = client.get("/api/lagesbild/snapshots").json()
    assert [s["id"] for s in listed] == [snapshot.pk]
    detail = client.get(f"/api/lagesbild/snapshots/{snapshot.pk}").json()
    assert detail["result"]["key_figures"]["total"] == result.key_figures["total"]


def test_boden_user_cannot_see_lulea_snapshots(client, handset, agreement, coordinator, boden_user):
    result = lagesbild(agreement=agreement, date_from=FROM, date_to=TO, user=coordinator)
    snapshot = services.snapshot_create(user=coordinator, result=result, agreement=agreement)
    client.force_login(boden_user)
    assert client.get(snapshot.get_absolute_url()).status_code == 404
    assert client.get("/api/lagesbild/snapshots").json() == []


def test_reader_may_view_but_not_save(client, handset, reader):
    client.force_login(reader)
    response = client.post(
        "/lagesbild/spara/",
        {"overenskommelse": LULEA_AGREEMENT, "fran": "2025-01-01", "till": "2025-12-31"},
    )
    assert response.status_code == 403
    assert Snapshot.objects.count() == 0


def test_annual_chart_downloads_carry_the_same_counts(client, handset, agreement, coordinator):
    from samverkan.lagesbild.focus import annual

    client.force_login(coordinator)
    page = client.get("/lagesbild/ar/").content.decode()
    query = {"overenskommelse": agreement.pk}
    assert f"/lagesbild/ar/diagram.csv?overenskommelse={agreement.pk}" in page
    response = client.get("/lagesbild/ar/diagram.csv", query)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="lagesbild-ar-')
    lines = response.content.decode().splitlines()
    assert lines[0] == "Fokusområde;År;Antal händelser;Helt år"
    annual_data = annual(agreement, coordinator)
    partial = {str(y) for y in annual_data.get("partial") or []}
    rows = [tuple(line.split(";")) for line in lines[1:]]
    assert {r[3] for r in rows if r[1] in partial} <= {"ofullständigt år"}
    assert {r[3] for r in rows if r[1] not in partial} <= {"helt år"}
    expected = {
        (f"{a['number']} {a['title']}", str(c["year"]), str(c["count"]))
        for a in annual_data["areas"]
        for c in a["counts"]
    }
    assert {r[:3] for r in rows} == expected
    trygghet_2024 = next(a for a in expected if a[0].startswith("6.1") and a[1] == "2024")
    assert trygghet_2024[2] == "25"  # the hand-computed count below
    svg = client.get("/lagesbild/ar/diagram.svg", query)
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<svg")
    png = client.get("/lagesbild/ar/diagram.png", query)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert client.get("/lagesbild/ar/diagram.pdf", query).status_code == 404
    assert client.get("/lagesbild/ar/diagram.csv", {"overenskommelse": 999999}).status_code == 404


def test_annual_counts_per_focus_area(handset, agreement, coordinator):
    from samverkan.lagesbild.focus import annual

    result = annual(agreement, coordinator)
    areas = {a["number"]: a for a in result["areas"]}
    assert set(areas) == {"6.1", "6.2", "6.3"}
    trygghet = {c["year"]: c["count"] for c in areas["6.1"]["counts"]}
    # 2024: skadegörelse 4 + 3 × 5 = 19 and klotter (a kind of skadegörelse) 6.
    assert trygghet[2024] == 25
    assert {c["year"]: c["count"] for c in areas["6.3"]["counts"]}[2024] == 0
    assert "2025 mot 2024" in areas["6.1"]["comparison"]
    # The conditional test with the rate ratio, 365 days against 2024's 366: hand-checked
    # with SciPy's binomial test.
    from scipy import stats

    counts = {c["year"]: c["count"] for c in areas["6.1"]["counts"]}
    now, before = counts[2025], counts[2024]
    pi0 = 365 / (365 + 366)
    up = stats.binomtest(now, now + before, pi0, alternative="greater").pvalue
    down = stats.binomtest(now, now + before, pi0, alternative="less").pvalue
    p = min(1.0, 2 * min(up, down))
    text = areas["6.1"]["comparison"]
    assert "exakt villkorligt binomialtest" in text and "kvot " in text and "95 % KI" in text
    assert format_stat("p", p) in text


def test_a_focus_area_counts_the_categories_its_plan_names(handset, agreement, coordinator):
    from samverkan.lagesbild.focus import annual
    from samverkan.plans.models import Section
    from samverkan.plans.selectors import current_plan

    sections = Section.objects.filter(plan=current_plan(agreement))
    sections.filter(number="6.1").update(incident_categories=["klotter"])
    sections.filter(number="6.3").update(incident_categories=["skadegorelse"])
    areas = {a["number"]: a for a in annual(agreement, coordinator)["areas"]}
    # Hand-computed as above: klotter alone is 6 in 2024; skadegörelse with its
    # sub-category klotter is 19 + 6 = 25.
    assert {c["year"]: c["count"] for c in areas["6.1"]["counts"]}[2024] == 6
    assert {c["year"]: c["count"] for c in areas["6.3"]["counts"]}[2024] == 25
    assert areas["6.1"]["categories"] != areas["6.3"]["categories"]


def test_annual_compares_this_year_so_far_with_the_same_dates_last_year(
    handset, agreement, coordinator
):
    from django.utils import timezone

    from samverkan.lagesbild.focus import annual
    from tests.lagesbild.conftest import visible_rows

    today = timezone.localdate()
    last_year_end = today.replace(year=today.year - 1, day=min(today.day, 28))
    trygghet = {"vald", "skadegorelse", "klotter", "ordningsstorning"}

    def count(first, last):
        return sum(1 for r in visible_rows(first=first, last=last) if r[1] in trygghet)

    now = count(dt.date(today.year, 1, 1), today)
    before = count(dt.date(today.year - 1, 1, 1), last_year_end)
    area = next(a for a in annual(agreement, coordinator)["areas"] if a["number"] == "6.1")
    assert f"{now} mot {before}" in area["so_far"]
