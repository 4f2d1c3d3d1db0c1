"""Export of the filtered reports: CSV for Swedish Excel, XLSX, classification, the cap."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from samverkan.incidents import export
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf"), "no byte order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_xlsx(response) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def reports(coordinator, kommunpolis, klotter, stadsparken):
    when = timezone.make_aware(dt.datetime(2026, 3, 14, 23, 30))  # Swedish local time
    mine = incident_create(
        by=coordinator,
        category=klotter,
        occurred_from=when,
        place=stadsparken,
        description="Klotter på muren; sanering beställd.",
        cost_sek=Decimal("1250.50"),
        classification="oppen",
    )
    secret = incident_create(
        by=kommunpolis,
        category=Category.objects.get(slug="narkotika"),
        occurred_from=when + dt.timedelta(days=1),
        place=stadsparken,
        classification="begransad",
        description="Spaningsuppgift.",
    )
    return mine, secret


def test_csv_is_what_swedish_excel_opens(client, coordinator, reports):
    mine, _secret = reports
    client.force_login(coordinator)
    response = client.get("/handelser/export.csv?fran=2026-03-01&till=2026-03-31")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="handelser_2026-03-01_2026-03-31.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == export.header()
    assert len(rows[0]) == 23
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["id"] == str(mine.pk)
    assert row["inträffade_från"] == "2026-03-14 23:30"
    assert row["kategori"] == "Klotter"
    assert row["överordnad_kategori"] == "Skadegörelse"
    assert row["kommun"] == "Luleå kommun"
    assert row["område"] == "Centrum"
    assert row["plats"] == "Stadsparken"
    assert row["latitud"] == str(mine.lat).replace(".", ",")
    assert row["position_är_kommunens_mittpunkt"] == "nej"
    assert row["beskrivning"] == "Klotter på muren; sanering beställd."
    assert row["organisation"] == "Kommunstaben"
    assert row["källa"] == "Formulär"
    assert row["klassning"] == "Öppen"
    assert row["kostnad_kr"] == "1250,5"
    assert "rapportör" not in rows[0] and "Sara" not in str(rows)


def test_a_kommun_export_never_holds_a_restricted_police_report(
    client, coordinator, kommunpolis, reports
):
    mine, secret = reports
    client.force_login(coordinator)
    csv_ids = [r[0] for r in read_csv(client.get("/handelser/export.csv"))[1:]]
    xlsx_ids = [r[0] for r in read_xlsx(client.get("/handelser/export.xlsx"))[1:]]
    assert csv_ids == [str(mine.pk)]
    assert xlsx_ids == [mine.pk]
    client.force_login(kommunpolis)
    csv_ids = [r[0] for r in read_csv(client.get("/handelser/export.csv"))[1:]]
    assert csv_ids == [str(mine.pk), str(secret.pk)]


def test_xlsx_has_typed_cells_and_the_filter(client, coordinator, reports):
    mine, _secret = reports
    client.force_login(coordinator)
    response = client.get("/handelser/export.xlsx?kategori=skadegorelse")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert 'filename="handelser_2026-03-14_2026-03-14.xlsx"' in response["Content-Disposition"]
    header, row = read_xlsx(response)
    values = dict(zip(header, row, strict=True))
    assert values["id"] == mine.pk
    assert values["inträffade_från"] == dt.datetime(2026, 3, 14, 23, 30)
    assert values["latitud"] == pytest.approx(mine.lat)
    assert values["kostnad_kr"] == pytest.approx(1250.5)


def test_the_export_has_the_list_filter(client, kommunpolis, reports):
    _mine, secret = reports
    client.force_login(kommunpolis)
    rows = read_csv(client.get("/handelser/export.csv?kategori=narkotika"))
    assert [r[0] for r in rows[1:]] == [str(secret.pk)]
    rows = read_csv(client.get("/handelser/export.csv?kategori=brand"))
    assert rows[1:] == []


def test_a_bad_filter_goes_back_to_the_list_with_the_message(client, coordinator, reports):
    client.force_login(coordinator)
    response = client.get("/handelser/export.csv?kalla=fax", follow=True)
    assert response.redirect_chain[-1][0].startswith("/handelser/")
    assert "Okänd källa fax" in response.content.decode()


def test_beyond_the_cap_a_clear_message(client, coordinator, reports, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 1)
    client.force_login(coordinator)
    client.force_login(coordinator)
    Incident.objects.filter(classification="begransad").update(classification="intern")
    response = client.get("/handelser/export.xlsx", follow=True)
    assert "Urvalet har 2 rapporter; en export rymmer högst 1." in response.content.decode()


FORMULAS = ['=HYPERLINK("http://x","klicka")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tdold"]


@pytest.fixture
def formula_reports(coordinator, klotter, stadsparken):
    when = timezone.make_aware(dt.datetime(2026, 4, 1, 12, 0))
    made = [
        incident_create(
            by=coordinator,
            category=klotter,
            occurred_from=when + dt.timedelta(minutes=i),
            place=stadsparken,
            description=text,
            classification="oppen",
        )
        for i, text in enumerate(FORMULAS)
    ]
    # A report stored before control characters were removed on entry
    # (PostgreSQL stores no NUL, so the old text carries other controls).
    old = incident_create(
        by=coordinator,
        category=klotter,
        occurred_from=when + dt.timedelta(hours=1),
        place=stadsparken,
        description="gammal text",
        classification="oppen",
    )
    Incident.objects.filter(pk=old.pk).update(description="gam\x01mal\x07 te\x1bxt")
    return made, old


def test_a_csv_cell_never_begins_like_a_formula(client, coordinator, formula_reports):
    client.force_login(coordinator)
    rows = read_csv(client.get("/handelser/export.csv?fran=2026-04-01&till=2026-04-01"))
    column = rows[0].index("beskrivning")
    texts = [row[column] for row in rows[1:]]
    # A form entry is stripped, so the tab-led text arrives as "dold".
    assert texts[:4] == ["'" + text for text in FORMULAS[:4]]
    assert texts[4] == "dold"
    assert texts[5] == "gammal text"


def test_an_xlsx_export_holds_no_formula_and_opens_with_control_characters(
    client, coordinator, formula_reports
):
    client.force_login(coordinator)
    response = client.get("/handelser/export.xlsx?fran=2026-04-01&till=2026-04-01")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    column = [cell.value for cell in sheet[1]].index("beskrivning") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.value for cell in cells[:4]] == FORMULAS[:4]
    assert all(cell.quotePrefix for cell in cells[:4])
    assert cells[5].value == "gammal text"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_control_characters_are_removed_on_entry(coordinator, klotter, stadsparken):
    incident = incident_create(
        by=coordinator,
        category=klotter,
        occurred_from=timezone.make_aware(dt.datetime(2026, 4, 2, 12, 0)),
        place=stadsparken,
        description="Klotter\x00 på\x07 muren\x7f",
        classification="oppen",
    )
    incident.refresh_from_db()
    assert incident.description == "Klotter på muren"
