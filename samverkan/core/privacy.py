"""The privacy guard for free text: finds personal data a reporter should remove before saving.

EST reports describe places, times and situations, never people (docs/privacy.md). Every entry path for report text (form, file import, API, Open311)
runs `find_personal_data` and asks the reporter to remove what it finds.

It finds personnummer and samordningsnummer (only with a valid date and check digit), Swedish
phone numbers, e-mail addresses and vehicle registration numbers. A false positive has a real
cost (a reporter asked to remove innocent text, and learning to ignore the warning), so the
patterns are narrow: dates, times, year ranges, counts, postcodes, money, organisation numbers
and addresses are left alone. Names are not detected: that would need a name list and would
still flag place names (Hertsön, Sunderbyn) and ordinary words. See docs/privacy.md.

Pure Python, no Django: the message templates are marked with a local `gettext_noop` so that
makemessages collects them; a caller that wants another language translates `MESSAGES[kind]`.
"""

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    # Same name as Django's marker, so makemessages extracts these strings without an import.
    return message


# Whole literals, no concatenation with a variable: xgettext only extracts literals.
MESSAGES = {
    "personnummer": gettext_noop(
        'Texten innehåller ett personnummer ("%(text)s"). Ta bort det: '
        "rapporter beskriver platser och situationer, inte personer."
    ),
    "samordningsnummer": gettext_noop(
        'Texten innehåller ett samordningsnummer ("%(text)s"). Ta bort det: '
        "rapporter beskriver platser och situationer, inte personer."
    ),
    "telefonnummer": gettext_noop(
        'Texten innehåller ett telefonnummer ("%(text)s"). Ta bort det: '
        "rapporter beskriver platser och situationer, inte personer."
    ),
    "e-post": gettext_noop(
        'Texten innehåller en e-postadress ("%(text)s"). Ta bort den: '
        "rapporter beskriver platser och situationer, inte personer."
    ),
    "registreringsnummer": gettext_noop(
        'Texten innehåller ett registreringsnummer ("%(text)s"). Ta bort det: '
        "rapporter beskriver platser och situationer, inte personer."
    ),
}

# When two candidates overlap, the more certain kind wins: an e-mail address may contain
# digits, and a personnummer is confirmed by its check digit while a phone number is a shape.
_PRIORITY = ["e-post", "personnummer", "samordningsnummer", "telefonnummer", "registreringsnummer"]


Candidate = tuple[str, int, int]  # kind, start, end


@dataclass(frozen=True)
class Finding:
    kind: str  # "personnummer" | "samordningsnummer" | "telefonnummer" | "e-post" | "registreringsnummer"
    text: str  # the matched text as written
    start: int
    end: int
    message: str  # Swedish: what was found, and to remove it


# What each detector needs at the least, read off its pattern below: an e-mail address an "@";
# a personnummer or samordningsnummer ten digits; a phone number seven digits after the trunk 0
# or the country code (`_end_of_phone_number`); a registration number two digits in a row.
# "Digit" is what the patterns' ``\d`` matches (any Unicode decimal digit), so it is counted
# with the same ``\d``. Most report text has no "@" and few digits, and is done at once.
_DIGIT = re.compile(r"\d")
_MIN_DIGITS_IDENTITY = 10
_MIN_DIGITS_PHONE = 7
_MIN_DIGITS_REGISTRATION = 2


def find_personal_data(text: str) -> list[Finding]:
    """Personal data in `text`, ordered by position; findings never overlap."""
    digits = len(_DIGIT.findall(text))
    email = "@" in text
    if not email and digits < _MIN_DIGITS_REGISTRATION:
        return []  # the fast path: no detector can match
    return _find(
        text,
        email=email,
        identity=digits >= _MIN_DIGITS_IDENTITY,
        phone=digits >= _MIN_DIGITS_PHONE,
        registration=digits >= _MIN_DIGITS_REGISTRATION,
    )


MASK = "[…]"


def redact(text: str, findings: list[Finding]) -> str:
    """`text` with every finding replaced by […], for what must be kept about a refused text
    (an import run's problem): the run must not keep a copy of the personal data."""
    for finding in sorted(findings, key=lambda finding: finding.start, reverse=True):
        text = text[: finding.start] + MASK + text[finding.end :]
    return text


def redacted_messages(findings: list[Finding]) -> list[str]:
    """The findings' messages with the found text itself masked."""
    return [finding.message.replace(finding.text, MASK) for finding in findings]


def _find(
    text: str,
    *,
    email: bool = True,
    identity: bool = True,
    phone: bool = True,
    registration: bool = True,
) -> list[Finding]:
    """Every detector asked for (all by default: the full check the fast path must equal)."""
    candidates = [
        *(_emails(text) if email else ()),
        *(_identity_numbers(text) if identity else ()),
        *(_phone_numbers(text) if phone else ()),
        *(_registration_numbers(text) if registration else ()),
    ]
    if not candidates:
        return []
    candidates.sort(key=lambda c: (_PRIORITY.index(c[0]), c[1] - c[2], c[1]))
    chosen: list[Candidate] = []
    for kind, start, end in candidates:
        if all(end <= s or start >= e for _, s, e in chosen):
            chosen.append((kind, start, end))
    return [
        Finding(kind, text[s:e], s, e, MESSAGES[kind] % {"text": text[s:e]})
        for kind, s, e in sorted(chosen, key=lambda c: c[1])
    ]


# A number must stand alone: not inside a longer run of digits, and not one part of a date, a
# time, a decimal or a range ("2026-08-22", "23.00-03.00", "6.1").
_NUMBER_START = r"(?<![\d+])(?<!\d[-–.,:/])"
_NUMBER_END = r"(?!\d)(?![-–.,:/]\d)"
_SPACE = "[ \u00a0]"  # a no-break space arrives with text pasted from word processors

# --- Personnummer and samordningsnummer ---------------------------------------------------------
#
# A personnummer is the birth date and a serial of three digits plus a check digit: YYMMDD-NNNC.
# The "-" becomes "+" the year the person turns 100; the twelve-digit form spells the century
# (YYYYMMDD-NNNC). A samordningsnummer, for people who are not or have not been registered in
# Sweden, has the day plus 60 (61–91). The check digit C is Luhn over the ten digits YYMMDDNNN,
# in every form. An organisationsnummer has the same shape and check digit but its "month"
# (digits 3–4) is 20 or more, so the date check rules it out.

_IDENTITY_NUMBER = re.compile(
    _NUMBER_START
    + r"(?P<century>19|20)?(?P<date>\d{6})"
    + rf"(?P<sep>[-–+]|{_SPACE})?(?P<serial>\d{{4}})"
    + _NUMBER_END
)


def luhn_check_digit(digits: str) -> int:
    """The Luhn check digit for `digits` (for a personnummer: the nine digits YYMMDDNNN)."""
    total = 0
    for i, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if i % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _identity_numbers(text: str) -> Iterator[Candidate]:
    for match in _IDENTITY_NUMBER.finditer(text):
        century, sep = match["century"], match["sep"] or ""
        date, serial = match["date"], match["serial"]
        if century and sep == "+":
            continue  # "+" belongs to the ten-digit form only
        if luhn_check_digit(date + serial[:3]) != int(serial[3]):
            continue
        if century:
            years = [int(century + date[:2])]
        else:
            # Without the century, "+" says over 100 years old; a leap day must fit some century.
            centuries = [1800, 1900] if sep == "+" else [1900, 2000]
            years = [c + int(date[:2]) for c in centuries]
        month, day = int(date[2:4]), int(date[4:6])
        if _is_date(years, month, day):
            yield "personnummer", match.start(), match.end()
        elif 61 <= day <= 91 and _is_date(years, month, day - 60):
            yield "samordningsnummer", match.start(), match.end()


def _is_date(years: list[int], month: int, day: int) -> bool:
    for year in years:
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


# --- Phone numbers -------------------------------------------------------------------------------
#
# Swedish numbers as people write them: a trunk 0 and an area code (08 Stockholm, 0920 Luleå,
# 070 mobile, 010 nationwide) then the subscriber number in groups of two to four digits,
# separated by spaces or a hyphen (070-123 45 67, 0920-12 34 56, 08-123 456 78, 0701234567).
# Internationally +46 or 0046 replaces the trunk 0 (+46 70 123 45 67), sometimes with "(0)".
# After the 0 (or after 46) come 7–10 digits. A group must have at least two digits, so a count
# that follows a number ("070-123 45 67 5 personer") is not swallowed.

_PHONE_SEP = rf"(?:{_SPACE}?[-–]{_SPACE}?|{_SPACE})"
_PHONE_GROUPS = rf"(?:{_PHONE_SEP}\d{{2,}})*"
_NATIONAL_PHONE = re.compile(
    _NUMBER_START
    + rf"(?:0[1-9]\d*|\(0[1-9]\d{{0,3}}\){_SPACE}?\d{{2,}})"
    + _PHONE_GROUPS
    + r"(?!\d)"
)
_INTERNATIONAL_PHONE = re.compile(
    rf"(?P<prefix>(?:\+|(?<![\d+])00){_SPACE}?46{_PHONE_SEP}?(?:\(0\){_SPACE}?|0)?)[1-9]\d*"
    + _PHONE_GROUPS
    + r"(?!\d)"
)
# Shapes of digits that start with 0 but are times or dates: "0800-1700", "01-02-2020".
_TIME_RANGE = re.compile(r"(?:[01]\d|2[0-3])[0-5]\d[-–](?:[01]\d|2[0-3])[0-5]\d")
_DAY_MONTH_YEAR = re.compile(r"0[1-9][- ](?:0[1-9]|1[0-2])[- ](?:19|20)\d\d")


def _phone_numbers(text: str) -> Iterator[Candidate]:
    yield from _phone_matches(_NATIONAL_PHONE, text)
    yield from _phone_matches(_INTERNATIONAL_PHONE, text)


def _phone_matches(pattern: re.Pattern[str], text: str) -> Iterator[Candidate]:
    position = 0
    while match := pattern.search(text, position):
        skip = match.end("prefix") - match.start() if "prefix" in pattern.groupindex else 0
        end = _end_of_phone_number(match[0], skip=skip)
        if end is None:
            position = match.end()
            continue
        # Two numbers in a row ("070-123 45 67 070-765 43 21") form one match: look again
        # after the first.
        position = match.start() + end
        if skip == 0 and _is_time_range_or_date(match[0][:end]):
            continue
        yield "telefonnummer", match.start(), match.start() + end


def _starts_new_number(national: str, group: re.Match[str]) -> bool:
    # A space and then 0 and at least two more digits: the next number ("0800-1700 070-…").
    # Groups of two may start with 0 ("0920-45 30 00").
    return len(group[0]) >= 3 and group[0][0] == "0" and national[group.start() - 1] in " \u00a0"


def _is_time_range_or_date(candidate: str) -> bool:
    compact = re.sub(r"[ \u00a0]*([-–])[ \u00a0]*", r"\1", candidate).replace("\u00a0", " ")
    return bool(
        _TIME_RANGE.fullmatch(compact.replace(" ", "")) or _DAY_MONTH_YEAR.fullmatch(compact)
    )


def _end_of_phone_number(candidate: str, *, skip: int) -> int | None:
    """Where the phone number in `candidate` ends: after the last digit group that keeps 7–10
    digits after the trunk 0 (or the country code, which ends at `skip`); None if none does."""
    national = candidate[skip:]
    trunk = 1 if skip == 0 else 0
    best = None
    for group in re.finditer(r"\d+", national):
        digits = sum(c.isdigit() for c in national[: group.end()]) - trunk
        if digits > 10:
            break
        if best is not None and _starts_new_number(national, group):
            break
        if digits >= 7:
            best = skip + group.end()
    return best


# --- E-mail addresses ----------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")


def _emails(text: str) -> Iterator[Candidate]:
    for match in _EMAIL.finditer(text):
        yield "e-post", match.start(), match.end()


# --- Vehicle registration numbers ----------------------------------------------------------------
#
# Three letters and three characters: two digits and a digit or a letter (ABC 123, ABC 12A, the
# letter last since 2019). I, Q and V are never used; Å, Ä and Ö neither. People write the
# letters and digits together, with a space or with a hyphen (ABC123, ABC 123, ABC-123), in
# capitals or not. Apart, in lower or mixed case, a word in front of a number has the same shape
# ("och 230 brott", "per 100 000 invånare", "Han 112 …"): such a part is a registration number
# unless its letters are a Swedish word or abbreviation of the lists below. In capitals and
# apart, only the abbreviations people put before a number (SOS 112, SEK 500) are left alone.

_PLATE_LETTER = "A-HJ-PR-UW-Z"
_REGISTRATION_NUMBER = re.compile(
    rf"(?<![\w-])(?P<letters>[{_PLATE_LETTER}]{{3}})"
    + rf"(?P<sep>{_SPACE}|[-–])?"
    + rf"(?P<tail>\d\d[{_PLATE_LETTER}\d])"
    + r"(?!\w)(?![-–.,:/]\d)",
    re.IGNORECASE,
)
# Words of three plate letters that come before a number in ordinary report text.
_WORDS_BEFORE_NUMBERS = frozenset(
    """och det den att som med var han hon ett per tre fem sex sju tio nio kan ska har nya nej
    mer men nog ung mot kom ser fick dag tid bra fel tog gav sen upp ner hit dit ute typ tex
    rum hus sal lgh hem tel tfn mob ons tor fre jan feb mar apr maj jun jul aug sep okt nov dec
    kap sid bil buss nat ord far mor bor bar gym alla ton mil min din sin tal sek kgs cca ore
    sos eur usd nok dkk gbp lss lvu lvm sfs sou lul kpi bnp""".split()
)
# Capitals before a number: an emergency number or a currency, never a plate.
_CAPITALS_BEFORE_NUMBERS = frozenset({"SOS", "SEK", "EUR", "USD", "NOK", "DKK", "GBP"})


def _registration_numbers(text: str) -> Iterator[Candidate]:
    for match in _REGISTRATION_NUMBER.finditer(text):
        letters, apart = match["letters"], match["sep"] is not None
        capitals = letters.isupper() and not match["tail"][-1].islower()
        if apart and capitals and letters in _CAPITALS_BEFORE_NUMBERS:
            continue
        if apart and not capitals and letters.lower() in _WORDS_BEFORE_NUMBERS:
            continue
        yield "registreringsnummer", match.start(), match.end()
