"""Export of the filtered incident reports to CSV and XLSX.

Both are built from the queryset the list shows (scoped by `access.incident_list_for_user`,
narrowed by `filters.incident_filter`), so a report the user may not see never reaches a
file. There is no reporter column. Times are Swedish local time.

CSV: UTF-8 with a byte order mark, ``;`` as separator and decimal comma, which is what
Excel with Swedish settings opens directly; streamed row by row. XLSX: openpyxl's
write-only mode, numbers as numbers. Text never runs as a formula and holds no control
character (`core.cells`). More than `MAX_ROWS` rows are refused with a message
(narrow the filter).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Max, Min, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from samverkan.core.cells import csv_text, xlsx_cell
from samverkan.core.models import Classification
from samverkan.incidents.models import Incident

MAX_ROWS = 200_000
CHUNK = 2000

# (database field, header) in file order.
COLUMNS = [
    ("pk", "id"),
    ("occurred_from", "inträffade_från"),
    ("occurred_to", "inträffade_till"),
    ("time_precision", "tidsprecision"),
    ("category__name", "kategori"),
    ("category__parent__name", "överordnad_kategori"),
    ("municipality__name", "kommun"),
    ("district__name", "område"),
    ("place__name", "plats"),
    ("lat", "latitud"),
    ("lon", "longitud"),
    ("position_is_centre", "position_är_kommunens_mittpunkt"),
    ("description", "beskrivning"),
    ("severity", "allvarlighet"),
    ("creates_insecurity", "skapar_otrygghet"),
    ("place_type", "typ_av_plats"),
    ("organisation__name", "organisation"),
    ("source", "källa"),
    ("external_id", "externt_id"),
    ("source_type", "typ_hos_källan"),
    ("status", "status"),
    ("classification", "klassning"),
    ("cost_sek", "kostnad_kr"),
]

LABELS = {
    "time_precision": dict(Incident.TimePrecision.choices),
    "place_type": dict(Incident.PlaceType.choices),
    "source": dict(Incident.Source.choices),
    "status": dict(Incident.Status.choices),
    "classification": dict(Classification.choices),
}
TIMES = {"occurred_from", "occurred_to"}
BOOLEANS = {"position_is_centre", "creates_insecurity"}


class TooManyRows(Exception):
    def __init__(self, count: int):
        self.count = count
        super().__init__(
            _(
                "Urvalet har %(count)s rapporter; en export rymmer högst %(max)s. "
                "Begränsa filtret (t.ex. perioden) och försök igen."
            )
            % {"count": f"{count:,}".replace(",", " "), "max": f"{MAX_ROWS:,}".replace(",", " ")}
        )


def check_size(queryset: QuerySet[Incident]) -> int:
    count = queryset.count()
    if count > MAX_ROWS:
        raise TooManyRows(count)
    return count


def file_name(queryset: QuerySet[Incident], date_from, date_to, suffix: str) -> str:
    """``handelser_2026-01-01_2026-03-31.csv``: the filter's period, else the data's."""
    if date_from is None or date_to is None:
        span = queryset.aggregate(first=Min("occurred_from"), last=Max("occurred_from"))
        if date_from is None and span["first"]:
            date_from = timezone.localtime(span["first"]).date()
        if date_to is None and span["last"]:
            date_to = timezone.localtime(span["last"]).date()
    if date_from is None or date_to is None:
        return f"handelser.{suffix}"
    return f"handelser_{date_from:%Y-%m-%d}_{date_to:%Y-%m-%d}.{suffix}"


def header() -> list[str]:
    return [name for _field, name in COLUMNS]


def rows(queryset: QuerySet[Incident]) -> Iterator[list]:
    """One list of Python values per report, labels for choices, local naive datetimes."""
    fields = [name for name, _header in COLUMNS]
    ordered = queryset.order_by("occurred_from", "pk").values_list(*fields)
    yes, no = _("ja"), _("nej")
    for values in ordered.iterator(chunk_size=CHUNK):
        row = []
        for name, value in zip(fields, values, strict=True):
            if name in TIMES:
                value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
            elif name in BOOLEANS:
                value = yes if value else no
            elif name in LABELS:
                value = str(LABELS[name].get(value, value))
            elif name == "cost_sek" and value is not None:
                value = Decimal(value)
            row.append(value)
        yield row


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float | Decimal):
        return format(value, "f").rstrip("0").rstrip(".").replace(".", ",") if value else "0"
    return csv_text(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(queryset: QuerySet[Incident]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(header())
    for row in rows(queryset):
        yield writer.writerow([_csv_text(value) for value in row])


def csv_response(queryset: QuerySet[Incident], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(queryset)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def write_xlsx(queryset: QuerySet[Incident], target) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Händelser"))
    sheet.append(header())
    for row in rows(queryset):
        sheet.append([xlsx_cell(sheet, float(v) if isinstance(v, Decimal) else v) for v in row])
    workbook.save(target)


def xlsx_response(queryset: QuerySet[Incident], name: str) -> FileResponse:
    # write-only keeps memory flat while rows are added; the file is spooled to disk when big.
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)
    write_xlsx(queryset, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
