"""The privacy guard: what it finds in report text, where, and what it must leave alone.

Each example is written into a sentence, so the tests also check that the guard finds the
number inside ordinary text and reports its exact span. Luhn is recomputed here, written
differently (as a check over all ten digits), so a wrong check digit in the module cannot be
confirmed by the same mistake in the test.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samverkan.core.privacy import Finding, find_personal_data
from tests.core.privacy_corpus import clean_texts, identifier_texts

SENTENCE = "Enligt lappen på dörren {} vid Hertsö centrum."


def luhn_valid(ten_digits: str) -> bool:
    """Luhn over the ten digits YYMMDDNNNC: weights 2, 1, 2, 1 … from the left, the digits of
    each product summed, the check digit added; the total must end in 0."""
    weighted = [int(d) * w for d, w in zip(ten_digits[:9], [2, 1] * 5, strict=False)]
    total = sum(p // 10 + p % 10 for p in weighted) + int(ten_digits[9])
    return total % 10 == 0


def with_check_digit(nine_digits: str) -> str:
    """YYMMDDNNN plus the one check digit that makes it Luhn-valid, found by trying all ten."""
    return next(nine_digits + c for c in "0123456789" if luhn_valid(nine_digits + c))


def flip_check_digit(number: str) -> str:
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def found(text: str) -> list[tuple[str, str, int, int]]:
    return [(f.kind, f.text, f.start, f.end) for f in find_personal_data(text)]


def found_in_sentence(written: str) -> list[tuple[str, str, int, int]]:
    return found(SENTENCE.format(written))


def expected_in_sentence(kind: str, written: str) -> list[tuple[str, str, int, int]]:
    start = SENTENCE.index("{}")
    return [(kind, written, start, start + len(written))]


# --- The independent Luhn agrees with Skatteverket's published numbers -------------------------


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("8507099805", True),  # Skatteverket's example 850709-9805
        ("1212121212", True),  # the test number 19121212-1212
        ("7010632391", True),  # Skatteverket's example samordningsnummer 701063-2391
        ("2120002650", True),  # Luleå kommun's organisationsnummer 212000-2650
        ("8507099806", False),
        ("1212121213", False),
    ],
)
def test_it_checks_the_test_helper_against_known_numbers(number, valid):
    assert luhn_valid(number) is valid


# --- Personnummer and samordningsnummer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ("850709-9805", "personnummer"),
        ("8507099805", "personnummer"),
        ("850709 9805", "personnummer"),
        ("19850709-9805", "personnummer"),
        ("198507099805", "personnummer"),
        ("19850709 9805", "personnummer"),
        ("19121212-1212", "personnummer"),
        ("121212+1212", "personnummer"),  # over 100 years old
        ("850709–9805", "personnummer"),  # an en dash, as a word processor may write it
        ("701063-2391", "samordningsnummer"),
        ("7010632391", "samordningsnummer"),
        ("19701063-2391", "samordningsnummer"),
    ],
)
def test_it_finds_a_personnummer_or_samordningsnummer(written, kind):
    assert found_in_sentence(written) == expected_in_sentence(kind, written)


def _computed_numbers() -> list[str]:
    dates = ["640823", "000229", "991231", "200101", "120315", "451130"]
    serials = ["323", "001", "999", "480", "105", "777"]
    return [with_check_digit(d + s) for d, s in zip(dates, serials, strict=True)]


@pytest.mark.parametrize("number", _computed_numbers())
def test_it_finds_computed_valid_numbers_and_not_the_same_with_another_check_digit(number):
    written = f"{number[:6]}-{number[6:]}"
    assert found_in_sentence(written) == expected_in_sentence("personnummer", written)
    assert found_in_sentence(flip_check_digit(written)) == []


@pytest.mark.parametrize(
    "nine_digits",
    [
        "851309980",  # month 13
        "850230980",  # 30 February
        "850229980",  # 29 February in a year that is not a leap year in either century
        "850700980",  # day 0
        "850732980",  # day 32, neither a date nor a samordningsnummer day
        "850792980",  # day 92 = 32 + 60
        "212000265",  # an organisationsnummer: "month" 20
        "556036079",  # an aktiebolag's organisationsnummer: "month" 60
    ],
)
def test_it_ignores_a_number_with_the_right_check_digit_but_no_real_date(nine_digits):
    number = with_check_digit(nine_digits)
    assert found_in_sentence(f"{number[:6]}-{number[6:]}") == []
    assert found_in_sentence(number) == []


def test_it_ignores_a_twelve_digit_number_with_a_plus():
    assert found_in_sentence("19121212+1212") == []


def test_it_accepts_a_leap_day_only_in_a_century_where_it_exists():
    number = with_check_digit("000229123")  # 2000-02-29, or 1900 (no leap day)
    assert found_in_sentence(f"20{number[:6]}-{number[6:]}")
    assert found_in_sentence(f"19{number[:6]}-{number[6:]}") == []
    assert found_in_sentence(f"{number[:6]}-{number[6:]}")  # under 100: born 2000
    assert found_in_sentence(f"{number[:6]}+{number[6:]}") == []  # over 100: 1800 or 1900


_FORMS = [
    "{yy}{mmdd}-{rest}",
    "{yy}{mmdd}{rest}",
    "{yy}{mmdd} {rest}",
    "{century}{yy}{mmdd}-{rest}",
    "{century}{yy}{mmdd}{rest}",
    "{century}{yy}{mmdd} {rest}",
]


def _identity_number(
    birth: dt.date, serial: int, check_offset: int, samordning: bool, form: str
) -> str:
    day = birth.day + 60 if samordning else birth.day
    yy, mmdd = f"{birth:%y}", f"{birth:%m}{day:02d}"
    check = (int(with_check_digit(f"{yy}{mmdd}{serial:03d}")[-1]) + check_offset) % 10
    century = f"{birth.year:04d}"[:2]
    return form.format(century=century, yy=yy, mmdd=mmdd, rest=f"{serial:03d}{check}")


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    samordning=st.booleans(),
    form=st.sampled_from(_FORMS),
)
def test_it_finds_every_generated_number_with_the_right_check_digit(
    birth, serial, samordning, form
):
    written = _identity_number(birth, serial, 0, samordning, form)
    kind = "samordningsnummer" if samordning else "personnummer"
    assert found_in_sentence(written) == expected_in_sentence(kind, written)


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
    offset=st.integers(min_value=1, max_value=9),
    samordning=st.booleans(),
    form=st.sampled_from(_FORMS),
)
def test_it_never_finds_a_generated_number_with_a_wrong_check_digit(
    birth, serial, offset, samordning, form
):
    written = _identity_number(birth, serial, offset, samordning, form)
    kinds = {f.kind for f in find_personal_data(SENTENCE.format(written))}
    # A ten-digit number that starts with 0 may still look like a phone number; it must not be
    # called a personnummer.
    assert kinds <= {"telefonnummer"}


@given(
    birth=st.dates(min_value=dt.date(1850, 1, 1), max_value=dt.date(1925, 12, 31)),
    serial=st.integers(min_value=0, max_value=999),
)
def test_it_finds_the_plus_form_of_people_over_100(birth, serial):
    number = with_check_digit(f"{birth:%y%m%d}{serial:03d}")
    written = f"{number[:6]}+{number[6:]}"
    assert found_in_sentence(written) == expected_in_sentence("personnummer", written)


# --- Phone numbers, e-mail addresses and registration numbers ------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "070-123 45 67",
        "0701234567",
        "070 123 45 67",
        "070-1234567",
        "070\u00a0123\u00a045\u00a067",  # no-break spaces from a word processor
        "+46 70 123 45 67",
        "+46701234567",
        "+46 (0)70-123 45 67",
        "+46 70-123 45 67",
        "0046 70 123 45 67",
        "0046701234567",
        "08-123 456 78",
        "+46 8 123 456 78",
        "0920-12 34 56",  # Luleå
        "0920-45 30 00",
        "(0920) 12 34 56",
        "010-123 45 67",
        "08-12 34 56",  # seven digits after the 0: the shortest accepted
    ],
)
def test_it_finds_a_phone_number(written):
    assert found_in_sentence(written) == expected_in_sentence("telefonnummer", written)


@pytest.mark.parametrize(
    "written",
    ["anna.andersson@lulea.se", "info@polisen.se", "x_y+est@bostad.lulebo.se", "nils123@gmail.com"],
)
def test_it_finds_an_email_address(written):
    assert found_in_sentence(written) == expected_in_sentence("e-post", written)


@pytest.mark.parametrize(
    "written",
    [
        "ABC 123", "ABC123", "ABC 12A", "abc123", "Abc12a", "MLB 20Z", "XYZ\u00a0987",
        "ABC-123", "ABC-12A", "ABC–123", "abc 123", "abc-12a", "Uel 541", "gso-62o",
    ],
)  # fmt: skip
def test_it_finds_a_registration_number(written):
    assert found_in_sentence(written) == expected_in_sentence("registreringsnummer", written)


@pytest.mark.parametrize(
    "written", ["ABI 123", "AQB 123", "ABV 123", "ÅBC 123", "ABC 12I", "ABI-123", "abv-123"]
)
def test_it_ignores_letters_that_are_never_on_a_plate(written):
    assert found_in_sentence(written) == []


# --- What must not be flagged ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Händelsen inträffade 2020-10-31.",
        "Oroligt kl 23.00-03.00 varje helg.",
        "Stökigt 23:00–03:00 vid busstorget.",
        "Rapporterad 2026-08-22 9:48:12 av skolan.",
        "Under 2016–2019 ökade skadegörelsen.",
        "Planen gäller 2020-2023.",
        "Området har 230-260 brott per år.",
        "62 % känner sig otrygga.",
        "Byn har 3 600 invånare.",
        "Se avsnitt 6.1 i planen.",
        "Postadress 972 41 Luleå.",
        "Postnummer 97241.",
        "Skadan kostade 12 500 kr.",
        "Luleå har kommunkod 2580.",
        "Det hände v. 47.",
        "Det hände vecka 47.",
        "Klotter på Storgatan 12A.",
        "Numret 8507099806 klarar inte kontrollsiffran.",
        "Luleå kommun, organisationsnummer 212000-2650.",
        "Bråk på linje 4.",
        "Trafikolycka på E4 vid RV97.",
        "Inventering DEC 2020.",
        "SSAB 2020 rapporterade stölder.",
        "Mellan 200 och 230 brott per 100 000 invånare.",
        "Öppet kl 0800-1700.",
        "Öppet 08 00–17 00.",
        "Mötet 01-02-2020 tog upp frågan.",
        "Se 3 kap. 10 a § och SFS 2018:1177.",
        "Andelen var 0,5 procent kl. 07.30 och 08:00.",
        "Åren 2019 2020 2021 syns i tabellen.",
        "Dnr 2020/1234, ärende 5000-K123456-20.",
    ],
)
def test_it_flags_nothing_in_innocent_text(text):
    assert found(text) == []


# --- Several findings, overlaps and messages ------------------------------------------------------


def test_it_returns_several_findings_in_order_of_position():
    text = (
        "Ring 070-123 45 67 eller skriv till anna@lulea.se om bilen ABC 123; "
        "ägaren 850709-9805 har också 0920-12 34 56."
    )
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [
        ("telefonnummer", "070-123 45 67"),
        ("e-post", "anna@lulea.se"),
        ("registreringsnummer", "ABC 123"),
        ("personnummer", "850709-9805"),
        ("telefonnummer", "0920-12 34 56"),
    ]
    starts = [f.start for f in find_personal_data(text)]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Two numbers separated only by a space are two findings, not one long number.
        ("070-123 45 67 070-765 43 21", ["070-123 45 67", "070-765 43 21"]),
        ("+46 70 123 45 67 +46 70 765 43 21", ["+46 70 123 45 67", "+46 70 765 43 21"]),
        ("kl 0800-1700 070-123 45 67", ["070-123 45 67"]),
        # A count after the number is not part of it.
        ("Ring 070-123 45 67 5 gånger.", ["070-123 45 67"]),
    ],
)
def test_it_ends_a_phone_number_where_it_ends(text, expected):
    assert [f.text for f in find_personal_data(text)] == expected


@pytest.mark.parametrize(
    ("text", "kind", "written"),
    [
        ("Skriv till nils8507099805@lulea.se.", "e-post", "nils8507099805@lulea.se"),
        ("TEL 070-123 45 67", "telefonnummer", "070-123 45 67"),
        ("Tel 0701234567", "telefonnummer", "0701234567"),
    ],
)
def test_it_never_returns_overlapping_findings(text, kind, written):
    assert [(f.kind, f.text) for f in find_personal_data(text)] == [(kind, written)]


def test_it_calls_a_number_that_is_both_a_phone_number_and_a_personnummer_a_personnummer():
    # 050709-980C for someone born 2005 is also the shape of a 050 number. The check digit
    # makes the personnummer the more certain reading; either way the reporter removes it.
    number = with_check_digit("050709980")
    assert [f.kind for f in find_personal_data(f"Tel {number}")] == ["personnummer"]


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("850709-9805", "ett personnummer"),
        ("701063-2391", "ett samordningsnummer"),
        ("070-123 45 67", "ett telefonnummer"),
        ("anna@lulea.se", "en e-postadress"),
        ("ABC 123", "ett registreringsnummer"),
    ],
)
def test_it_tells_the_reporter_in_swedish_what_was_found_and_to_remove_it(written, words):
    (finding,) = find_personal_data(SENTENCE.format(written))
    assert finding.message.startswith(f'Texten innehåller {words} ("{written}"). Ta bort ')
    assert finding.message.endswith("rapporter beskriver platser och situationer, inte personer.")


def test_it_words_the_personnummer_message_as_the_reporter_reads_it():
    assert find_personal_data("850709-9805") == [
        Finding(
            kind="personnummer",
            text="850709-9805",
            start=0,
            end=11,
            message='Texten innehåller ett personnummer ("850709-9805"). Ta bort det: '
            "rapporter beskriver platser och situationer, inte personer.",
        )
    ]


def test_it_finds_nothing_in_empty_text():
    assert find_personal_data("") == []


# --- The fast path ---------------------------------------------------------------------------------
#
# find_personal_data skips the detectors a text cannot satisfy (no "@": no e-mail; fewer than
# ten digits: no identity number; fewer than seven: no phone number; fewer than two: nothing).
# It must answer exactly as the full check, `_find` with every detector on.

# Characters that make the detectors work: ASCII and other Unicode decimal digits (which the
# patterns' \d also matches), separators, plate letters, the parts of an e-mail address.
_ALPHABET = st.sampled_from(
    list("0123456789") * 4
    + list(" -–+.,:/()@_\u00a0")
    + list("ABCEFGHJKLMNOPRSTUWXYZabcxyzåäöÅÄÖ")
    + ["٣", "１", "٠", "²"]
)
_FRAGMENTS = st.sampled_from(
    [
        "070-123 45 67",
        "+46 70 123 45 67",
        "0046 (0)920 12 34 56",
        "850709-9805",
        "19850709-9805",
        "850769-9802",
        "ABC 123",
        "abc12d",
        "kontakt@example.se",
        "0800-1700",
        "01-02-2020",
        "Händelse 123456 vid skolan.",
        "٠٧٠١٢٣٤٥٦٧",
    ]
)
_TEXTS = st.lists(st.one_of(st.text(_ALPHABET, max_size=12), _FRAGMENTS), max_size=6).map("".join)


@given(text=st.one_of(_TEXTS, st.text(max_size=40)))
def test_the_fast_path_answers_as_the_full_check(text):
    from samverkan.core.privacy import _find

    assert find_personal_data(text) == _find(text)


@pytest.mark.parametrize(
    "text",
    [
        "Klotter på skolans vägg, ungefär 3 meter.",  # one digit: the fast path
        "Glas på marken vid busshållplatsen.",
        "Brand i soprum, 40 kvm.",
    ],
)
def test_the_fast_path_finds_nothing_where_nothing_can_be(text):
    from samverkan.core.privacy import _find

    assert find_personal_data(text) == _find(text) == []


def test_the_fast_path_still_finds_each_kind_at_its_fewest_digits():
    # Each kind at the smallest number of digits the fast path lets through.
    assert [f.kind for f in find_personal_data("Bil ABC 12A stod här.")] == ["registreringsnummer"]
    assert [f.kind for f in find_personal_data("Ring 08-123 45 i dag.")] == []
    assert [f.kind for f in find_personal_data("Ring 08-123 456 i dag.")] == ["telefonnummer"]
    assert [f.kind for f in find_personal_data("Skriv till a@b.se.")] == ["e-post"]
    assert [f.kind for f in find_personal_data("Nummer 8507099805.")] == ["personnummer"]


def test_redact_masks_every_finding_and_keeps_the_rest():
    from samverkan.core.privacy import redact, redacted_messages

    text = "Ring 070-123 45 67 eller skriv till a.b@example.org om 19121212-1212."
    findings = find_personal_data(text)
    assert len(findings) == 3
    assert redact(text, findings) == "Ring […] eller skriv till […] om […]."
    for message, finding in zip(redacted_messages(findings), findings, strict=True):
        assert finding.text not in message and "[…]" in message


@pytest.mark.parametrize(
    "text",
    [
        "Larm till SOS 112 kl 02.10.",
        "Han 112 ringde ingen.",
        "Och 230 brott per 100 000 invånare.",
        "Per 100 invånare anmäls 12 brott.",
        "Klotter på rum 123 och hus 12B.",
        "Nya 365 lampor, SEK 500 styck.",
        "Kl 230 0, sal 204, lgh 1102.",
    ],
)
def test_words_before_a_number_are_not_registration_numbers(text):
    assert find_personal_data(text) == []


def test_the_guard_holds_its_targets_on_the_report_corpus():
    """At least 99 % of the identifiers of every kind refused, at most 1 % of the clean texts
    (benchmarks/privacy_guard.py prints the figures)."""
    texts = identifier_texts(400, seed=1)
    for kind in {kind for _, kind, _ in texts}:
        of_kind = [(text, value) for text, k, value in texts if k == kind]
        caught = sum(
            any(f.text == value for f in find_personal_data(text)) for text, value in of_kind
        )
        assert caught / len(of_kind) >= 0.99, kind
    clean = clean_texts(1000, seed=1)
    assert sum(bool(find_personal_data(text)) for text in clean) / len(clean) <= 0.01
