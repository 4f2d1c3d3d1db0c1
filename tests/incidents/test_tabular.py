"""The pure parse step of CSV/XLSX incident files (no database)."""

import datetime as dt
import io
import math
from decimal import Decimal

import openpyxl
import pytest

from samverkan.imports.tabular import FileError, preview, read_table
from samverkan.imports.values import ValueProblem, parse_clock, parse_decimal, parse_moment
from samverkan.incidents.importers.mapping import Lookups, Options, check_mapping, guess_mapping
from samverkan.incidents.importers.positions import parse_position
from samverkan.incidents.importers.rows import parse_rows

UTC = dt.UTC
LOOKUPS = Lookups(
    categories={
        "klotter": "klotter",
        "skadegörelse": "skadegorelse",
        "skadegorelse": "skadegorelse",
    },
    type_mappings={"graffiti": "klotter"},
    districts={"hertsön": [7], "centrum": [8, 9]},
    places={"stadsparken": [3]},
)
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HEADER = "Datum;Tid;Kategori;Beskrivning;Lat;Lon"
ROW = "2026-08-22;21:30;Klotter;Klotter på väggen vid lekplatsen;65,5842;22,2641"


def parse(data: bytes, mapping=None, **options):
    table = read_table(data)
    return parse_rows(
        table,
        mapping or guess_mapping(table.headers),
        options=Options.from_dict(options),
        lookups=LOOKUPS,
        now=NOW,
    )


# --- Encodings and delimiters ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "prefix", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16-le", b"\xff\xfe", "utf-16"),
    ],
)
def test_it_reads_every_encoding_with_swedish_letters(encoding, prefix, expected):
    text = "Datum;Kategori;Plats;Beskrivning\n2026-08-22 21:30;Skadegörelse;Stadsparken;Åsa-vägen är öde\n"
    table = read_table(prefix + text.encode(encoding))
    assert table.encoding == expected
    assert table.headers == ["Datum", "Kategori", "Plats", "Beskrivning"]
    assert table.rows == [
        (2, ["2026-08-22 21:30", "Skadegörelse", "Stadsparken", "Åsa-vägen är öde"])
    ]


def test_windows_1252_bytes_are_not_taken_for_utf8():
    # "ö" is 0xF6 in Windows-1252, an invalid byte in UTF-8.
    table = read_table(b"Datum;Kategori\n2026-08-22;Skadeg\xf6relse\n")
    assert table.rows[0][1][1] == "Skadegörelse"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_it_sniffs_the_delimiter_and_keeps_quoted_fields_whole(delimiter):
    text = delimiter.join(["Datum", "Kategori", "Beskrivning"]) + "\n"
    text += delimiter.join(["2026-08-22", "Klotter", '"A; b, c\tmed ""citat"""']) + "\n"
    table = read_table(text.encode())
    assert table.delimiter == delimiter
    assert table.rows[0][1] == ["2026-08-22", "Klotter", 'A; b, c\tmed "citat"']


def test_excels_sep_line_names_the_delimiter_and_is_not_a_row():
    table = read_table(b"sep=,\nDatum,Kategori;Typ\n2026-08-22,Klotter;X\n")
    assert table.delimiter == ","
    assert table.headers == ["Datum", "Kategori;Typ"]
    assert table.rows == [(2, ["2026-08-22", "Klotter;X"])]


def test_old_mac_line_ends_are_lines_too():
    table = read_table(b"Datum;Kategori\r2026-08-22;Klotter\r2026-08-23;Brand\r")
    assert table.headers == ["Datum", "Kategori"]
    assert list(table.rows) == [(2, ["2026-08-22", "Klotter"]), (3, ["2026-08-23", "Brand"])]


def test_mixed_line_ends_and_a_line_end_inside_quotes():
    table = read_table(
        b'Datum;Kategori\r\n2026-08-22;Klotter\r2026-08-23;Brand\n2026-08-24;"a\rb"\n'
    )
    assert list(table.rows) == [
        (2, ["2026-08-22", "Klotter"]),
        (3, ["2026-08-23", "Brand"]),
        (4, ["2026-08-24", "a\rb"]),
    ]


def test_csv_rows_are_read_again_on_each_pass_and_counted_up_front():
    text = "Datum;Kategori\n" + "".join(f"2026-08-{d:02d};Klotter\n" for d in range(1, 21))
    rows = read_table(text.encode()).rows
    assert len(rows) == 20 and bool(rows)
    assert list(rows) == list(rows)  # a second pass gives the same rows
    assert rows[0] == (2, ["2026-08-01", "Klotter"]) and rows[-1][0] == 21
    assert [number for number, _ in rows[3:5]] == [5, 6]
    with pytest.raises(IndexError):
        rows[20]


def test_a_broken_csv_file_is_refused_before_anything_is_read():
    data = b"Datum;Kategori\n2026-08-22;" + b"x" * 200_000 + b"\n"
    with pytest.raises(FileError, match="kan inte läsas som CSV"):
        read_table(data)


def test_a_quoted_field_over_two_lines_is_one_row_and_rows_keep_their_numbers():
    text = 'Datum;Kategori;Beskrivning\n2026-08-22;Klotter;"rad ett\nrad två"\n;;\n2026-08-23;Klotter;x\n'
    table = read_table(text.encode())
    assert [number for number, _ in table.rows] == [2, 4]
    assert table.rows[0][1][2] == "rad ett\nrad två"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Filen är tom."),
        (b"   \n\n", "Filen är tom."),
        (b"\n2026-08-22;Klotter\n", "rubrikrad"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", ".xls"),
        (b"PK\x03\x04not really a zip", "XLSX"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "varken en CSV-fil"),
        (b"Datum;Kategori\n2026\x81;\x8d\x8f\x90\x9d\xc3", "teckenkodning"),
    ],
)
def test_a_file_that_cannot_be_read_gets_one_clear_message(data, message):
    with pytest.raises(FileError, match=message):
        read_table(data)


# --- XLSX -----------------------------------------------------------------------------------


def xlsx(rows, sheet="Blad1", extra_sheet=None) -> bytes:
    workbook = openpyxl.Workbook()
    if extra_sheet:
        workbook.active.title = extra_sheet
        workbook.active.append(["annat"])
        worksheet = workbook.create_sheet(sheet)
    else:
        worksheet = workbook.active
        worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_xlsx_with_excel_dates_times_and_serial_numbers():
    data = xlsx(
        [
            ["Datum", "Tid", "Kategori", "Lat", "Lon", "Kostnad"],
            [dt.datetime(2026, 8, 22, 21, 30), None, "Klotter", 65.5842, 22.2641, 1250.5],
            [dt.date(2026, 8, 23), dt.time(9, 15), "klotter", "65,5842", "22,2641", "1 250,50"],
            [46256, None, "Klotter", 65.5842, 22.2641, None],  # 46256 = 2026-08-22
            ["22/8 2026 21.30", None, "Klotter", 65.5842, 22.2641, None],
        ]
    )
    table = read_table(data)
    assert (table.kind, table.sheet) == ("xlsx", "Blad1")
    result = parse_rows(table, guess_mapping(table.headers) | {"cost_sek": "Kostnad"},
                        lookups=LOOKUPS, now=NOW)  # fmt: skip
    assert result.problems == []
    first, second, serial, text = result.rows
    assert first["occurred_from"] == dt.datetime(2026, 8, 22, 19, 30, tzinfo=UTC)
    assert first["time_precision"] == "exakt"
    assert first["cost_sek"] == Decimal("1250.50")
    assert second["occurred_from"] == dt.datetime(2026, 8, 23, 7, 15, tzinfo=UTC)
    assert second["cost_sek"] == Decimal("1250.50")
    assert (second["lat"], second["lon"]) == (65.5842, 22.2641)
    assert serial["occurred_from"] == dt.datetime(2026, 8, 21, 22, 0, tzinfo=UTC)
    assert serial["time_precision"] == "dag"
    assert text["occurred_from"] == first["occurred_from"]


def test_it_reads_a_named_sheet_and_names_the_sheets_when_it_is_missing():
    data = xlsx([["Datum", "Kategori"], ["2026-08-22", "Klotter"]], sheet="EST", extra_sheet="Info")
    assert read_table(data).headers == ["annat"]
    assert read_table(data, sheet="EST").headers == ["Datum", "Kategori"]
    with pytest.raises(FileError, match="Bladet Saknas finns inte i filen. Filens blad: Info, EST"):
        read_table(data, sheet="Saknas")


# --- Dates and times ------------------------------------------------------------------------

AUG_22_2130 = dt.datetime(2026, 8, 22, 19, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-08-22 21:30",
        "2026-08-22T21:30",
        "2026-08-22T21:30:00",
        "2026-08-22 kl. 21.30",
        "2026-08-22T19:30:00Z",
        "2026-08-22T21:30:00+02:00",
        "22/8 2026 21.30",
        "22/8/2026 21:30",
        "22.08.2026 21.30",
        "22 aug 2026 kl. 21.30",
        "22 augusti 2026 21:30",
        "lördag 22 augusti 2026 kl. 21.30",
        "20260822 2130",
    ],
)
def test_it_reads_swedish_and_iso_dates_in_auto_mode(text):
    assert parse_moment(text) == (AUG_22_2130, True)


def test_a_date_without_time_is_midnight_swedish_time_and_day_precision():
    assert parse_moment("20260822") == (dt.datetime(2026, 8, 21, 22, 0, tzinfo=UTC), False)
    assert parse_moment("22 jan 2026") == (dt.datetime(2026, 1, 21, 23, 0, tzinfo=UTC), False)


def test_a_chosen_date_format_refuses_the_others():
    assert parse_moment("2026-08-22 21:30", "iso")[0] == AUG_22_2130
    with pytest.raises(ValueProblem, match="ISO 8601"):
        parse_moment("22/8 2026 21.30", "iso")
    with pytest.raises(ValueProblem, match="Svenskt"):
        parse_moment("2026-08-22", "sv")


@pytest.mark.parametrize(
    "text", ["2026-02-30", "32/1 2026", "22 augustus 2026", "i går", "2026-08-22 25:00"]
)
def test_an_impossible_date_is_a_problem(text):
    with pytest.raises(ValueProblem):
        parse_moment(text)


def test_summer_time_transitions_are_read_as_documented():
    # 29 March 2026 02:30 does not exist: read with +01:00, i.e. 03:30 summer time.
    assert parse_moment("2026-03-29 02:30")[0] == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # 25 October 2026 02:30 happens twice: the first one, still summer time (+02:00).
    assert parse_moment("2026-10-25 02:30")[0] == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    # Winter time otherwise.
    assert parse_moment("2026-12-01 12:00")[0] == dt.datetime(2026, 12, 1, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("21:30", dt.time(21, 30)),
        ("21.30", dt.time(21, 30)),
        ("kl. 21.30", dt.time(21, 30)),
        ("2130", dt.time(21, 30)),
        ("9", dt.time(9, 0)),
        (dt.time(21, 30), dt.time(21, 30)),
        (0.5, dt.time(12, 0)),
    ],
)
def test_it_reads_a_time_of_day(value, expected):
    assert parse_clock(value) == expected


def test_a_time_column_sets_the_time_and_an_end_column_the_period():
    data = "Datum;Tid;Slut;Kategori;Plats\n22/8 2026;21.30;22/8 2026 23.00;Klotter;Stadsparken\n"
    mapping = {"occurred_from": "Datum", "time": "Tid", "occurred_to": "Slut",
               "category": "Kategori", "place": "Plats"}  # fmt: skip
    [row] = parse(data.encode(), mapping).rows
    assert row["occurred_from"] == AUG_22_2130
    assert row["occurred_to"] == dt.datetime(2026, 8, 22, 21, 0, tzinfo=UTC)
    assert row["place"] == 3


def test_a_whole_day_ends_at_the_last_second_of_the_day_but_not_after_now():
    data = b"Datum;Kategori;Plats\n2026-08-22;Klotter;Stadsparken\n2026-11-25;Klotter;Stadsparken\n"
    past, today = parse(data).rows
    assert past["time_precision"] == "dag"
    assert past["occurred_to"] == dt.datetime(2026, 8, 22, 21, 59, 59, tzinfo=UTC)
    assert today["occurred_to"] == NOW


# --- Numbers and coordinates ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50 kr", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234.567", "1234567"),
        ("−3,5", "-3.5"),
        (7, "7"),
    ],
)
def test_it_reads_comma_decimals_and_thousands_separators(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["tolv", "12,5.3,1", "1e5", ""])
def test_a_value_that_is_not_a_number_is_a_problem(text):
    with pytest.raises(ValueProblem, match="inte ett tal"):
        parse_decimal(text)


def gauss_kruger(lat: float, lon: float) -> tuple[float, float]:
    """(N, E) in SWEREF 99 TM by Lantmäteriet's published Gauss–Krüger formulas (GRS 80,
    central meridian 15°, scale 0.9996, false easting 500 000 m) – independent of PROJ."""
    a, f = 6378137.0, 1 / 298.257222101
    k0, lon0, false_easting = 0.9996, math.radians(15.0), 500000.0
    e2 = f * (2 - f)
    n = f / (2 - f)
    a_roof = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    A = e2
    B = (5 * e2**2 - e2**3) / 6
    C = (104 * e2**3 - 45 * e2**4) / 120
    D = 1237 * e2**4 / 1260
    b1 = n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180
    b2 = 13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440
    b3 = 61 * n**3 / 240 - 103 * n**4 / 140
    b4 = 49561 * n**4 / 161280
    phi, lam = math.radians(lat), math.radians(lon)
    s = math.sin(phi)
    phi_star = phi - s * math.cos(phi) * (A + B * s**2 + C * s**4 + D * s**6)
    dl = lam - lon0
    xi = math.atan(math.tan(phi_star) / math.cos(dl))
    eta = math.atanh(math.cos(phi_star) * math.sin(dl))
    north = (
        k0
        * a_roof
        * (
            xi
            + b1 * math.sin(2 * xi) * math.cosh(2 * eta)
            + b2 * math.sin(4 * xi) * math.cosh(4 * eta)
            + b3 * math.sin(6 * xi) * math.cosh(6 * eta)
            + b4 * math.sin(8 * xi) * math.cosh(8 * eta)
        )
    )
    east = false_easting + k0 * a_roof * (
        eta
        + b1 * math.cos(2 * xi) * math.sinh(2 * eta)
        + b2 * math.cos(4 * xi) * math.sinh(4 * eta)
        + b3 * math.cos(6 * xi) * math.sinh(6 * eta)
        + b4 * math.cos(8 * xi) * math.sinh(8 * eta)
    )
    return north, east


@pytest.mark.parametrize("point", [(65.5842, 22.2641), (65.5848, 22.1567), (55.6050, 13.0038)])
def test_sweref_99_tm_is_converted_to_wgs_84(point):
    north, east = gauss_kruger(*point)
    # Written as a Swedish file would: comma decimals, a space as thousands separator.
    n_text = f"{north:,.3f}".replace(",", " ").replace(".", ",")
    e_text = f"{east:,.3f}".replace(",", " ").replace(".", ",")
    lat, lon = parse_position(n_text, e_text, "sweref99tm")
    assert lat == pytest.approx(point[0], abs=1e-6)
    assert lon == pytest.approx(point[1], abs=1e-6)


@pytest.mark.parametrize(
    ("lat", "lon", "crs", "message"),
    [
        ("22,2641", "65,5842", "wgs84", "verkar omkastade"),
        ("7285000", "832000", "wgs84", "ser ut som meter"),
        ("95", "22", "wgs84", "inga giltiga grader"),
        ("65,5842", "22,2641", "sweref99tm", "ser ut som grader"),
        ("832000", "7285000", "sweref99tm", "verkar omkastade"),
        ("7285000", "2000000", "sweref99tm", "utanför SWEREF 99 TM"),
        ("abc", "22", "wgs84", "inte ett tal"),
    ],
)
def test_swapped_or_impossible_coordinates_get_a_precise_message(lat, lon, crs, message):
    with pytest.raises(ValueProblem, match=message):
        parse_position(lat, lon, crs)


def test_a_point_outside_sweden_is_a_problem():
    with pytest.raises(ValueProblem, match="lat 52,52, lon 13,40 ligger utanför Sverige"):
        parse_position("52,52", "13,40", "wgs84")


# --- Rows: fields, problems, ids ------------------------------------------------------------


def test_it_guesses_the_mapping_from_swedish_headers():
    headers = ["Datum", "Tid", "Kategori", "Beskrivning", "Område", "Plats", "N", "E", "Övrigt"]
    assert guess_mapping(headers) == {
        "occurred_from": "Datum",
        "time": "Tid",
        "category": "Kategori",
        "description": "Beskrivning",
        "district": "Område",
        "place": "Plats",
        "lat": "N",
        "lon": "E",
    }


def test_a_mapping_that_does_not_fit_the_file_is_one_error():
    headers = ["Datum", "Kategori", "Datum "]
    with pytest.raises(
        FileError, match="Kolumnen Typ .* finns inte i filen. Filens kolumner: Datum, Kategori"
    ):
        check_mapping(["Datum", "Kategori"], {"occurred_from": "Datum", "category": "Typ"})
    with pytest.raises(FileError, match="saknar Kategori"):
        check_mapping(headers, {"occurred_from": "Kategori"})
    with pytest.raises(FileError, match="finns 2 gånger"):
        check_mapping(headers, {"occurred_from": "Datum", "category": "Kategori"})
    with pytest.raises(FileError, match="Okända målfält"):
        check_mapping(headers, {"occurred_from": "Datum", "category": "Kategori", "vem": "x"})
    with pytest.raises(FileError, match="både latitud"):
        check_mapping(["Datum", "Kategori", "Lat"],
                      {"occurred_from": "Datum", "category": "Kategori", "lat": "Lat"})  # fmt: skip


def test_every_field_is_read_by_its_rules():
    data = (
        "Id;Datum;Kategori;Område;Allvarlighet;Otrygghet;Platstyp;Klassning;Kostnad\n"
        "A1;2026-08-22 21:30;graffiti;Hertsön;hög;x;Halvoffentlig;Begränsad;12,5\n"
        "A2;2026-08-22 21:30;SKADEGORELSE;hertsön;2 – medel;nej;offentlig;öppen;1 000\n"
    )
    mapping = {"external_id": "Id", "occurred_from": "Datum", "category": "Kategori",
               "district": "Område", "severity": "Allvarlighet", "creates_insecurity": "Otrygghet",
               "place_type": "Platstyp", "classification": "Klassning", "cost_sek": "Kostnad"}  # fmt: skip
    result = parse(data.encode(), mapping)
    assert result.problems == []
    first, second = result.rows
    assert first == {
        "row": 2,
        "external_id": "A1",
        "occurred_from": AUG_22_2130,
        "occurred_to": AUG_22_2130,
        "time_precision": "exakt",
        "category": "klotter",
        "source_type": "graffiti",
        "district": 7,
        "severity": 3,
        "creates_insecurity": True,
        "place_type": "halvoffentlig",
        "classification": "begransad",
        "cost_sek": Decimal("12.50"),
    }
    assert (second["category"], second["severity"], second["creates_insecurity"]) == (
        "skadegorelse",
        2,
        False,
    )
    assert (second["classification"], second["cost_sek"]) == ("oppen", Decimal("1000.00"))


def test_a_bad_value_is_a_problem_with_row_column_value_and_reason_and_the_row_is_left_out():
    data = (
        "Datum;Kategori;Område;Allvarlighet;Otrygghet\n"
        "2026-08-22;Klotter;Hertsön;1;ja\n"
        "igår;Snöboll;Centrum;4;kanske\n"
        "2026-08-22;Klotter;Mars;1;ja\n"
    )
    result = parse(data.encode(), guess_mapping(["Datum", "Kategori", "Område"])
                   | {"severity": "Allvarlighet", "creates_insecurity": "Otrygghet"})  # fmt: skip
    assert [row["row"] for row in result.rows] == [2]
    assert result.failed_rows == {3, 4}
    problems = {(p.row, p.field, p.value): p.message for p in result.problems}
    assert problems[(3, "Datum", "igår")].startswith("kan inte läsas som datum")
    assert "kategorin Snöboll finns inte" in problems[(3, "Kategori", "Snöboll")]
    assert "finns i flera kommuner" in problems[(3, "Område", "Centrum")]
    assert problems[(3, "Allvarlighet", "4")] == "ska vara 1, 2, 3, låg, medel eller hög"
    assert problems[(3, "Otrygghet", "kanske")].startswith("ska vara ja eller nej")
    assert "området Mars finns inte" in problems[(4, "Område", "Mars")]


def test_without_an_id_column_the_id_is_a_stable_hash_and_identical_rows_are_duplicates():
    data = (HEADER + "\n" + ROW + "\n" + ROW + "\n" + ROW.replace("21:30", "21:31") + "\n").encode()
    result = parse(data)
    assert [row["row"] for row in result.rows] == [2, 4]
    [duplicate] = result.problems
    assert (duplicate.row, duplicate.message) == (
        3,
        "samma innehåll som rad 2 (utan id-kolumn räknas det som en dubblett)",
    )
    again = parse(data)
    assert [r["external_id"] for r in again.rows] == [r["external_id"] for r in result.rows]
    assert result.rows[0]["external_id"] != result.rows[1]["external_id"]


def test_a_duplicate_id_in_the_id_column_is_a_problem_on_the_second_row():
    data = b"Id;Datum;Kategori\n7;2026-08-22;Klotter\n7;2026-08-23;Klotter\n;2026-08-23;Klotter\n"
    result = parse(data, {"external_id": "Id", "occurred_from": "Datum", "category": "Kategori"})
    assert [row["external_id"] for row in result.rows] == ["7"]
    messages = {(p.row, p.field): p.message for p in result.problems}
    assert messages[(3, "Id")] == "samma externa id som rad 2; varje rapport behöver ett eget id"
    assert messages[(4, "Id")] == "saknar externt id"


def test_the_preview_shows_the_first_five_rows_as_text():
    data = (HEADER + "\n" + "\n".join([ROW] * 7) + "\n").encode()
    rows = preview(read_table(data))
    assert [number for number, _cells in rows] == [2, 3, 4, 5, 6]
    assert rows[0][1] == ROW.split(";")
