"""Pure parsing of the values and periods found in statistics files and APIs.

Swedish tables write numbers as "1 234", "1 234,5", "10,6 %", and mark a missing value
with "..", ".", "–", "-" or "x" (secrecy). `parse_number` turns such a cell into a
Decimal (the separators read by `imports.values.decimal_text`), returns None for a
missing-value mark, and raises ValueError with a Swedish message for anything else.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.translation import gettext as _

from samverkan.imports.values import decimal_text

# Marks that mean "no value" in Swedish official statistics.
MISSING_MARKS = {"", "..", "...", ".", "–", "—", "-", "x", "X", "NA", "n/a", "null"}
# Secrecy/suppression marks get their own reason.
SUPPRESSED_MARKS = {"x", "X", "*", "s"}


@dataclass(frozen=True)
class Missing:
    """A cell that holds no value, with the reason in Swedish."""

    reason: str


def parse_number(raw) -> Decimal | Missing:
    """A number from a cell: int/float/Decimal, or text like "1 234", "10,6 %", "2,03".

    Returns a `Missing` for the marks of a missing or suppressed value. Raises ValueError
    (Swedish message) for text that is not a number.
    """
    if raw is None:
        return Missing(_("värdet saknas"))
    if isinstance(raw, bool):
        raise ValueError(_("”%(value)s” är inte ett tal.") % {"value": raw})
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw:  # NaN
            return Missing(_("värdet saknas"))
        return Decimal(repr(raw))
    text = str(raw).strip()
    if text in SUPPRESSED_MARKS:
        return Missing(_("värdet är sekretessmarkerat (”%(mark)s”)") % {"mark": text})
    if text in MISSING_MARKS:
        return Missing(_("värdet saknas (”%(mark)s”)") % {"mark": text} if text else _("tom cell"))
    cleaned = text
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    # "1.234,5" (dot as thousands separator) or "1,234.5": the last one is the decimal; a
    # repeated sign is no number here ("1.5.2021" is a date in the wrong column).
    cleaned = decimal_text(cleaned, grouping=False)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(_("”%(value)s” är inte ett tal.") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(_("”%(value)s” är inte ett tal.") % {"value": text})
    return value


def parse_int(raw) -> int | None:
    """A whole number (e.g. n, the number of respondents), or None for an empty cell."""
    value = parse_number(raw)
    if isinstance(value, Missing):
        return None
    if value != value.to_integral_value() or value < 0:
        raise ValueError(_("”%(value)s” är inte ett heltal ≥ 0.") % {"value": raw})
    return int(value)


class Period(NamedTuple):
    start: date
    end: date
    label: str


_YEAR = re.compile(r"^(\d{4})$")
_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*/\s*(\d{2}|\d{4})$")
_MONTH = re.compile(r"^(\d{4})-?M?(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})\s*[-]?\s*[KQ]([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*[-]?\s*H([12])$", re.IGNORECASE)
_TERTIAL = re.compile(r"^(\d{4})\s*[-]?\s*T([1-3])$", re.IGNORECASE)
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:–|—|\.\.|/|\s-\s|--)\s*(\d{4}-\d{2}-\d{2})$")


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(raw) -> Period:
    """A period from its usual Swedish notations.

    "2021" (calendar year), "2020/21" or "2020/2021" (school year, 1 July–30 June),
    "2023-05" or "2023M05" (month), "2023K1"/"2023Q1" (quarter), "2023H1" (half-year),
    "2023T1" (tertial), "2023-01-01–2023-06-30" (date range). An int is a year.
    """
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    text = str(raw or "").strip()
    if m := _YEAR.match(text):
        y = int(m[1])
        return Period(date(y, 1, 1), date(y, 12, 31), text)
    if m := _SCHOOL_YEAR.match(text):
        y = int(m[1])
        second = int(m[2]) if len(m[2]) == 4 else (y + 1)
        if second != y + 1 or (len(m[2]) == 2 and int(m[2]) != (y + 1) % 100):
            raise ValueError(
                _("”%(value)s” är inget läsår: andra året ska följa på det första.")
                % {"value": text}
            )
        return Period(date(y, 7, 1), date(y + 1, 6, 30), f"{y}/{(y + 1) % 100:02d}")
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return Period(date(y, mo, 1), _month_end(y, mo), f"{y}-{mo:02d}")
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), f"{y} kv {q}")
    if m := _HALF.match(text):
        y, h = int(m[1]), int(m[2])
        return Period(date(y, 6 * h - 5, 1), _month_end(y, 6 * h), f"{y} halvår {h}")
    if m := _TERTIAL.match(text):
        y, t = int(m[1]), int(m[2])
        return Period(date(y, 4 * t - 3, 1), _month_end(y, 4 * t), f"{y} tertial {t}")
    if m := _RANGE.match(text):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError:
            start = end = None
        if start and end:
            if end < start:
                raise ValueError(
                    _("Perioden ”%(value)s” slutar före den börjar.") % {"value": text}
                )
            return Period(start, end, f"{start.isoformat()}–{end.isoformat()}")
    raise ValueError(
        _(
            "”%(value)s” är ingen period som känns igen (år ”2021”, läsår ”2020/21”, "
            "månad ”2021-05”, kvartal ”2021K1”, halvår ”2021H1” eller "
            "datumintervall ”2021-01-01–2021-06-30”)."
        )
        % {"value": text}
    )


def parse_years(text: str) -> list[int]:
    """ "2019-2023" → [2019, …, 2023]; "2019,2021" → [2019, 2021]; "2020" → [2020]."""
    years: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^(\d{4})\s*[-–]\s*(\d{4})$", part)
        if m:
            a, b = int(m[1]), int(m[2])
            if b < a:
                raise ValueError(_("Årsintervallet ”%(value)s” är baklänges.") % {"value": part})
            years.extend(range(a, b + 1))
        elif re.match(r"^\d{4}$", part):
            years.append(int(part))
        else:
            raise ValueError(_("”%(value)s” är inga år (t.ex. 2019-2023).") % {"value": part})
    return sorted(set(years))
