"""A CSV file never loses or merges a row: unclosed quotes, ragged rows, encodings (UTF-16,
Mac Roman …) and mixed line ends, read from real bytes and imported into the database."""

import datetime as dt

import pytest

from samverkan.imports import encodings
from samverkan.imports.models import ImportRun
from samverkan.imports.tabular import FileError, preview, read_table
from samverkan.incidents.models import Incident
from tests.incidents.test_file_import import HEADER, LAT, LON, problems, run_import, yesterday
from tests.incidents.test_tabular import xlsx

PHONE = "070-123 45 67"


def row(text: str, hour: int = 21) -> str:
    return f"{yesterday(hour)};Klotter;{text};{LAT};{LON}"


def eight_rows(seventh: str, eighth: str = "Rad åtta") -> list[str]:
    """Eight data rows (rows 2–9 of the file); the sixth of them is row 7."""
    texts = ["Rad två", "Rad tre", "Rad fyra", "Rad fem", "Rad sex", seventh, eighth, "Rad nio"]
    return [row(text, 20 + i % 3) if i != 5 else text for i, text in enumerate(texts)]


def csv_of(rows: list[str], *, end: str = "\n", encoding: str = "utf-8") -> bytes:
    return (end.join([HEADER, *rows]) + end).encode(encoding)


def descriptions(table) -> dict[int, str]:
    return {number: cells[2] for number, cells in table.rows}


# --- An unclosed quote ------------------------------------------------------------------------


UNCLOSED = f'{yesterday()};Klotter;"Trasig ruta vid entrén;{LAT};{LON}'


def test_an_unclosed_quote_is_reported_with_its_line_and_swallows_no_row():
    table = read_table(csv_of(eight_rows(UNCLOSED, f"Ring {PHONE}")))
    # Eight data rows, each its own row: rows 8 and 9 are not read into row 7.
    assert [number for number, _cells in table.rows] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert len(table.rows) == 8
    texts = descriptions(table)
    assert texts[8] == f"Ring {PHONE}" and texts[9] == "Rad nio" and texts[6] == "Rad sex"
    assert set(table.problems) == {7}
    assert "citattecknet som öppnas på rad 7 i filen stängs aldrig" in table.problems[7]
    assert "rad 7 i filen" in table.refusal and "importeras inte" in table.refusal


def test_an_unclosed_quote_closed_by_a_later_quote_merges_nothing():
    later = f'{yesterday()};Klotter;"Citerad text";{LAT};{LON}'
    rows = eight_rows(UNCLOSED)
    rows[6] = later  # row 8
    table = read_table(csv_of(rows))
    assert len(table.rows) == 8 and set(table.problems) == {7}
    assert descriptions(table)[8] == "Citerad text"


def test_a_file_with_an_unclosed_quote_saves_nothing_but_checks_every_row(coordinator):
    run = run_import(csv_of(eight_rows(UNCLOSED, f"Ring {PHONE}")), coordinator)
    assert run.status == ImportRun.Status.FAILED
    assert run.rows_total == 8  # the file's data rows, not 6
    assert run.created == 0 and not Incident.objects.exists()
    assert run.message.startswith("Filen importeras inte: citattecknet som öppnas på rad 7")
    found = {number: (field, message) for number, field, _value, message in problems(run)}
    assert set(found) == {7, 8}
    assert "stängs aldrig" in found[7][1]
    # The row the quote would have swallowed is checked by the privacy guard.
    assert found[8][0] == "Beskrivning" and "telefonnummer" in found[8][1]


def test_a_quoted_field_over_several_lines_is_still_one_row():
    rows = eight_rows(f'{yesterday()};Klotter;"Första raden\nandra raden";{LAT};{LON}')
    table = read_table(csv_of(rows))
    assert len(table.rows) == 8 and not table.problems and not table.refusal
    assert descriptions(table)[7] == "Första raden\nandra raden"


def test_a_stray_quote_inside_a_line_is_read_as_excel_reads_it():
    table = read_table(csv_of(eight_rows(row('"Klotter" på väggen'))))
    assert len(table.rows) == 8 and not table.problems
    assert descriptions(table)[7] == "Klotter på väggen"


def test_an_unclosed_quote_in_the_header_refuses_the_file():
    with pytest.raises(FileError, match=r"i rubrikraden \(rad 1 i filen\) stängs aldrig"):
        read_table(b'Datum;"Kategori\n2026-08-22;Klotter\n2026-08-23;Brand\n')


# --- Ragged rows ------------------------------------------------------------------------------


def test_a_row_with_the_wrong_number_of_fields_fails_alone(coordinator):
    short = f"{yesterday()};Klotter;{LAT};{LON}"  # the description is missing: 4 fields of 5
    long = row("Sju fält") + ";x;y"
    rows = eight_rows(short)
    rows[2] = long  # row 4
    data = csv_of(rows)
    table = read_table(data)
    assert len(table.rows) == 8
    assert table.problems[7].startswith("Rad 7 har 4 fält, rubrikraden har 5.")
    assert table.problems[4].startswith("Rad 4 har 7 fält, rubrikraden har 5.")
    assert not table.refusal

    run = run_import(data, coordinator)
    assert run.status == ImportRun.Status.WITH_PROBLEMS
    assert (run.rows_total, run.created, run.failed) == (8, 6, 2)
    assert [(r, m[:23]) for r, _f, _v, m in problems(run)] == [
        (4, "Rad 4 har 7 fält, rubri"),
        (7, "Rad 7 har 4 fält, rubri"),
    ]
    stored = set(Incident.objects.values_list("description", flat=True))
    assert stored == {"Rad två", "Rad tre", "Rad fem", "Rad sex", "Rad åtta", "Rad nio"}


def test_extra_empty_fields_at_the_end_are_harmless():
    table = read_table(csv_of([row("Med tomma fält") + ";;", row("Utan")]))
    assert not table.problems and len(table.rows) == 2


# --- Encodings --------------------------------------------------------------------------------

TEXT = "Datum;Område;Beskrivning\n2026-08-22;Hertsön;Klotter på ÅVC:s staket, Ärlig Öl\n"
CELLS = ["2026-08-22", "Hertsön", "Klotter på ÅVC:s staket, Ärlig Öl"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("cp1252"), "cp1252"),
        (TEXT.encode("mac_roman"), "mac_roman"),
    ],
)
def test_every_encoding_is_detected_and_keeps_every_row(data, expected):
    table = read_table(data)
    assert table.encoding == expected
    assert table.headers == ["Datum", "Område", "Beskrivning"]
    assert list(table.rows) == [(2, CELLS)]


def test_utf16_with_mixed_line_ends_keeps_every_row():
    text = "Datum;Kategori\r\n2026-08-22;Klotter\r2026-08-23;Brand\n2026-08-24;Skadegörelse\r\n"
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        table = read_table(bom + text.encode(codec))
        assert list(table.rows) == [
            (2, ["2026-08-22", "Klotter"]),
            (3, ["2026-08-23", "Brand"]),
            (4, ["2026-08-24", "Skadegörelse"]),
        ]


def test_mac_roman_is_not_read_as_windows_1252_and_the_guess_is_shown_as_doubtful():
    data = "Datum;Område;Beskrivning\n2026-08-22;Hertsön;Klotter\n".encode("mac_roman")
    table = read_table(data)
    assert table.headers[1] == "Område"  # not "OmrŒde"
    guess = table.guess
    assert guess.encoding == "mac_roman" and guess.doubtful and not guess.certain
    samples = {c.encoding: c.sample for c in guess.candidates}
    assert samples == {
        "mac_roman": "Område, Hertsön",
        "cp1252": "OmrŒde, Hertsšn",
        "iso-8859-1": "Omr\ufffdde, Herts\ufffdn",
    }
    # Read again in the encoding the user chooses, the same bytes give the other letters.
    assert read_table(data, encoding="cp1252").headers[1] == "OmrŒde"


def test_a_plain_windows_1252_file_is_not_doubtful():
    guess = read_table(TEXT.encode("cp1252")).guess
    assert guess.encoding == "cp1252" and not guess.doubtful


def test_the_swedish_rule_prefers_real_letters_to_signs_of_a_wrong_encoding():
    assert encodings.score("Område") > 0 > encodings.score("OmrŒde")
    assert encodings.score("Hertsön") > encodings.score("HertsˆÂn")


def test_a_mac_roman_file_is_imported_with_its_letters(coordinator):
    data = csv_of([row("Nedskräpat vid ån, öl och glas")], encoding="mac_roman")
    run = run_import(data, coordinator)
    assert run.created == 1, problems(run)
    assert run.details["encoding"] == "mac_roman"
    assert Incident.objects.get().description == "Nedskräpat vid ån, öl och glas"


def test_the_chosen_encoding_is_used_and_stored_on_the_run(coordinator):
    data = csv_of([row("Nedskräpat vid ån")], encoding="cp1252")
    run = run_import(data, coordinator, options={"encoding": "iso-8859-1"})
    assert run.details["encoding"] == "iso-8859-1" and run.details["encoding_chosen"]
    assert Incident.objects.get().description == "Nedskräpat vid ån"


def test_a_chosen_encoding_the_file_is_not_in_is_a_precise_message():
    with pytest.raises(FileError, match="kan inte läsas som UTF-8: byte 0xE5"):
        read_table("Datum;Område\n".encode("cp1252"), encoding="utf-8")


# --- Mixed line ends --------------------------------------------------------------------------


@pytest.mark.parametrize("ends", [("\r\n", "\n", "\r"), ("\r", "\r\n", "\n"), ("\n", "\r", "\r\n")])
def test_mixed_line_ends_give_every_row_once(coordinator, ends):
    lines = [HEADER, *(row(f"Rad {n}") for n in range(2, 8))]
    text = "".join(line + ends[i % 3] for i, line in enumerate(lines))
    data = text.encode("utf-8")
    table = read_table(data)
    assert [(number, cells[2]) for number, cells in table.rows] == [
        (n, f"Rad {n}") for n in range(2, 8)
    ]
    assert not table.problems
    run = run_import(data, coordinator)
    assert (run.rows_total, run.created, run.failed) == (6, 6, 0), problems(run)
    stored = sorted(Incident.objects.values_list("description", flat=True))
    assert stored == [f"Rad {n}" for n in range(2, 8)]


def test_a_sep_line_with_old_mac_line_ends():
    table = read_table(b"sep=,\rDatum,Kategori\r2026-08-22,Klotter\r2026-08-23,Brand\r")
    assert table.delimiter == "," and table.headers == ["Datum", "Kategori"]
    assert list(table.rows) == [(2, ["2026-08-22", "Klotter"]), (3, ["2026-08-23", "Brand"])]


def test_the_preview_shows_an_excel_date_the_swedish_way():
    data = xlsx(
        [
            ["Datum", "Kategori"],
            [dt.datetime(2026, 8, 22, 21, 30), "Klotter"],
            [dt.datetime(2026, 8, 23), "Brand"],
        ]
    )
    assert [cells for _number, cells in preview(read_table(data))] == [
        ["22 aug 2026 21:30", "Klotter"],
        ["23 aug 2026", "Brand"],
    ]
