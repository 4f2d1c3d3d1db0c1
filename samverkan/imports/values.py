"""Reading one value of a Swedish file: numbers, dates, times of day, yes/no, choices.

- Numbers are written the Swedish or the English way: 12,5 · 1 234,50 · 1.234,50 · 12.5;
  `decimal_text` is the one rule for the separators (the last of "," and "." is the decimal
  sign, spaces and apostrophes group thousands), used by the incident and indicator readers.
- Times are local Swedish time (Europe/Stockholm) unless the value carries an offset. An
  ambiguous time (the repeated hour when summer time ends, 02:00–02:59 on the last Sunday
  of October) is read as the first one, still summer time (+02:00). A time that does not
  exist (02:00–02:59 on the last Sunday of March) is read with the offset in force before
  the change (+01:00), so 02:30 becomes 03:30 summer time.
- A value that cannot be read raises ValueProblem with the Swedish reason.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def swedish_time(moment: dt.datetime) -> str:
    """A moment as a message or page shows it: Swedish local time, the Swedish way
    ("2 dec 2026 05:22"), never UTC or ISO. A naive moment is taken as Swedish time."""
    from django.utils import dateformat

    local = moment.astimezone(STOCKHOLM) if moment.tzinfo else moment
    return dateformat.format(local, "j b Y H:i")


def swedish_date(day: dt.date) -> str:
    """A day the Swedish way ("22 aug 2026")."""
    from django.utils import dateformat

    return dateformat.format(day, "j b Y")


DATE_FORMATS = {
    "auto": gettext_lazy("Automatiskt"),
    "iso": gettext_lazy("ISO 8601 (2026-08-22 21:30)"),
    "sv": gettext_lazy("Svenskt (22/8 2026 21.30, 22 aug 2026 kl. 21.30)"),
    "compact": gettext_lazy("Kompakt (20260822)"),
}
MONTHS = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "mars": 3, "apr": 4,
    "april": 4, "maj": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augusti": 8,
    "sep": 9, "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_TIME = (
    r"(?i:\s*(?:T|,)?\s*(?:kl\.?\s*)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
    r"(?:[:.](?P<s>\d{2})(?:[.,]\d+)?)?)?"
)
_OFFSET = r"\s*(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?"
DATE_PATTERNS = {
    "iso": [re.compile(r"(?P<y>\d{4})-(?P<mo>\d{1,2})-(?P<d>\d{1,2})" + _TIME + _OFFSET)],
    "compact": [
        re.compile(
            r"(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})(?:[Tt ]?(?P<h>\d{2})(?P<mi>\d{2})(?P<s>\d{2})?)?"
        )
    ],
    "sv": [
        re.compile(r"(?P<d>\d{1,2})[/.](?P<mo>\d{1,2})(?:[/.]|\s+)(?P<y>\d{4}|\d{2})" + _TIME),
        re.compile(
            r"(?:[a-zåäö]+dag(?:en)?\s+(?:den\s+)?)?(?P<d>\d{1,2})\s+(?P<mon>[a-zåäö]+)\.?"
            r"\s+(?P<y>\d{4})" + _TIME
        ),
    ],
}
DATE_PATTERNS["auto"] = DATE_PATTERNS["iso"] + DATE_PATTERNS["compact"] + DATE_PATTERNS["sv"]
_CLOCK = re.compile(r"(?:kl\.?\s*)?(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?)?")
_CLOCK_COMPACT = re.compile(r"(?P<h>\d{2})(?P<mi>\d{2})")
YES = {"ja", "j", "yes", "y", "true", "sant", "1", "x"}
NO = {"nej", "n", "no", "false", "falskt", "0", "-"}
# An Excel serial day number (1900 system) as found in an unformatted date cell: 1954–2119.
EXCEL_SERIAL = (20_000, 80_000)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


class ValueProblem(ValueError):
    """A value that cannot be read; the message is Swedish and names the reason."""


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def key(text: Any) -> str:
    return " ".join(str(text).split()).casefold().rstrip(":")


_PLAIN_NUMBER = re.compile(r"-?\d+([.,]\d+)?")
_GROUPING = re.compile(r"[\s\u00a0\u202f\u2009']")


def decimal_text(text: str, *, grouping: bool = True) -> str:
    """A number's text with "." as its decimal sign and nothing between its digits: spaces
    (also no-break and thin) and apostrophes out, "−" as "-"; of "," and "." both present
    the last is the decimal sign (1.234,5 · 1,234.5), one "," alone is the decimal sign.
    With `grouping`, a sign that repeats groups thousands (1.234.567 · 1,234,567); without,
    it is left, so the text is no number."""
    text = _GROUPING.sub("", text).replace("\u2212", "-")
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            return text.replace(".", "").replace(",", ".")
        return text.replace(",", "")
    if not grouping:
        return text.replace(",", ".")
    if text.count(",") == 1:
        return text.replace(",", ".")
    if text.count(",") > 1:
        return text.replace(",", "")
    if text.count(".") > 1:
        return text.replace(".", "")
    return text


def parse_decimal(value: Any) -> Decimal:
    """A number written the Swedish or the English way: 12,5 · 1 234,50 · 1.234,50 · 12.5."""
    if isinstance(value, bool):
        raise ValueProblem(_("är inte ett tal"))
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueProblem(_("är inte ett tal"))
        return Decimal(str(value))
    text = str(value).strip()
    if _PLAIN_NUMBER.fullmatch(text):  # the common case, fast: 12 · 12.5 · 12,5
        return Decimal(text.replace(",", "."))
    text = re.sub(r"(?i)\s*(kr|sek|:-)$", "", text)
    text = decimal_text(text)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        raise ValueProblem(_("är inte ett tal"))
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueProblem(_("är inte ett tal")) from None


def to_utc(local: dt.datetime) -> dt.datetime:
    """A naive Swedish local time as an aware UTC datetime (see the module docstring for the
    treatment of the hour that repeats or is skipped when summer time ends or starts)."""
    return local.replace(tzinfo=STOCKHOLM, fold=0).astimezone(dt.UTC)


def _offset(text: str) -> dt.timezone:
    if text.upper() == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def parse_moment(value: Any, date_format: str = "auto") -> tuple[dt.datetime, bool]:
    """(aware UTC datetime, whether a time of day was given) from a cell.

    A date without a time is midnight local time, with False.
    """
    if isinstance(value, dt.datetime):
        has_time = value.time() != dt.time(0, 0)
        if value.tzinfo is not None:
            return value.astimezone(dt.UTC), True
        return to_utc(value), has_time
    if isinstance(value, dt.date):
        return to_utc(dt.datetime.combine(value, dt.time())), False
    if isinstance(value, int | float) and not isinstance(value, bool):
        if EXCEL_SERIAL[0] <= value <= EXCEL_SERIAL[1]:
            moment = EXCEL_EPOCH + dt.timedelta(days=float(value))
            moment = moment.replace(microsecond=0)
            return to_utc(moment), moment.time() != dt.time(0, 0)
        value = text_of(value)
    text = " ".join(str(value).split()).casefold()
    for pattern in DATE_PATTERNS[date_format]:
        match = pattern.fullmatch(text)
        if match:
            return _moment_from(match)
    raise ValueProblem(
        _("kan inte läsas som datum med formatet %(format)s (t.ex. %(example)s)")
        % {"format": DATE_FORMATS[date_format], "example": _example(date_format)}
    )


def _example(date_format: str) -> str:
    return {
        "iso": "2026-08-22 21:30",
        "sv": "22/8 2026 21.30",
        "compact": "20260822",
    }.get(date_format, "2026-08-22 21:30, 22/8 2026 21.30, 22 aug 2026 kl. 21.30, 20260822")


def _moment_from(match: re.Match) -> tuple[dt.datetime, bool]:
    parts = match.groupdict()
    year = int(parts["y"])
    if year < 100:
        year += 2000
    if parts.get("mon") is not None:
        month = MONTHS.get(parts["mon"])
        if month is None:
            raise ValueProblem(
                _("månaden %(month)s känns inte igen (skriv t.ex. aug eller augusti)")
                % {"month": parts["mon"]}
            )
    else:
        month = int(parts["mo"])
    has_time = parts.get("h") is not None
    try:
        moment = dt.datetime(
            year,
            month,
            int(parts["d"]),
            int(parts["h"] or 0),
            int(parts["mi"] or 0),
            int(parts["s"] or 0),
        )
    except ValueError:
        raise ValueProblem(_("är inget giltigt datum eller klockslag")) from None
    if parts.get("tz"):
        return moment.replace(tzinfo=_offset(parts["tz"])).astimezone(dt.UTC), True
    return to_utc(moment), has_time


def parse_clock(value: Any) -> dt.time:
    """A time of day: 21:30, 21.30, kl. 21.30, 2130, 21, or an Excel time."""
    if isinstance(value, dt.datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(microsecond=0, tzinfo=None)
    if isinstance(value, float) and 0 <= value < 1:
        seconds = round(value * 86400)
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    text = " ".join(text_of(value).split()).casefold()
    match = _CLOCK_COMPACT.fullmatch(text) or _CLOCK.fullmatch(text)
    if match:
        parts = match.groupdict()
        try:
            return dt.time(int(parts["h"]), int(parts["mi"] or 0), int(parts.get("s") or 0))
        except ValueError:
            pass
    raise ValueProblem(_("är inget klockslag (skriv t.ex. 21:30, 21.30 eller kl. 21.30)"))


def parse_choice(value: Any, choices: dict[str, Any], expected: str) -> Any:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = key(text_of(value))
    if text in choices:
        return choices[text]
    first = re.match(r"[1-3]\b", text)
    if first and first.group() in choices:  # "2 – medel"
        return choices[first.group()]
    raise ValueProblem(_("ska vara %(expected)s") % {"expected": expected})


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = key(text_of(value))
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueProblem(_("ska vara ja eller nej (ja/nej, 1/0 eller x för ja)"))
