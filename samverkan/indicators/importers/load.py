"""The common load step of every indicator importer: rows (dicts) → observations.

Each importer parses its source into rows like

    {"row": 7, "indicator": "kolada-n07403", "period": "2021", "geo_level": "kommun",
     "geo_code": "2580", "breakdown": {"sex": "K"}, "value": "10,6 %", "n": 312,
     "ci_low": None, "ci_high": None, "status": "slutlig", "source_url": "https://…"}

and hands them to `load_rows`, which checks every row (indicator known, period readable,
geography known, value a number within the unit's range), upserts the good ones in one
transaction per batch and records counts and row-level problems on the ImportRun.

- Idempotent: an observation is identified by indicator, period, geography and breakdown;
  loading the same row again changes nothing and counts as "oförändrad".
- A changed value (or n, confidence interval, status) updates the observation and keeps
  the previous state as an ObservationRevision with the time and the reason.
- A bad row is a problem with row, field, value and a Swedish reason; it is not written.
  An importer may mark a row bad itself with `"problem": (field, value, message)`.
  A row that carries `skip` (e.g. a Kolada null) is counted as skipped with its reason.
- A database error in a batch rolls the whole batch back (nothing half-written) and the
  run is marked failed; batches written before stay.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samverkan.imports import runs
from samverkan.imports.models import ImportRun
from samverkan.imports.runs import add_problem
from samverkan.indicators.importers.geography import GeoResolver
from samverkan.indicators.importers.values import Missing, parse_int, parse_number, parse_period
from samverkan.indicators.models import (
    Indicator,
    Observation,
    ObservationRevision,
    canonical_breakdown,
)

logger = logging.getLogger(__name__)

KIND = "indicators"
QUANT = Decimal("0.000001")  # six decimals, as stored
TRACKED = ["value", "n", "ci_low", "ci_high", "status"]


def start_run(source: str, *, filename: str = "", user=None, details: dict | None = None):
    """Open an ImportRun for an indicator import (recorded outside any batch transaction)."""
    organisation = getattr(user, "organisation", None) if user is not None else None
    return runs.start_run(
        KIND,
        source,
        filename=filename,
        user=user if getattr(user, "pk", None) else None,
        organisation=organisation,
        details=details,
    )


def finish_run(run: ImportRun, *, message: str = "", failed: bool = False) -> ImportRun:
    """Close the run: status from its counts and problems, and a summary message."""
    summary = _(
        "%(total)d rader: %(created)d nya, %(updated)d uppdaterade, %(unchanged)d oförändrade, "
        "%(skipped)d överhoppade, %(failed)d felaktiga."
    ) % {
        "total": run.rows_total,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "failed": run.failed,
    }
    message = f"{message} {summary}".strip() if message else summary
    return runs.finish_run(run, message=message, failed=failed)


def fail_run(run: ImportRun, message: str) -> ImportRun:
    """A fatal error before or during loading: the run fails with the message."""
    add_problem(run, message)
    return finish_run(run, message=message, failed=True)


@dataclass
class Prepared:
    row: int | None
    identity: tuple
    indicator: Indicator
    fields: dict = field(default_factory=dict)


def _quant(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(QUANT)


def _range_text(low, high) -> str:
    def fmt(v):
        return format(v.normalize(), "f") if v is not None else "…"

    return f"{fmt(low)}–{fmt(high)}"


class Loader:
    """Checks and upserts rows for one ImportRun. Use `load_rows` unless you stream."""

    def __init__(self, run: ImportRun, *, batch_size: int = 500, reason: str = ""):
        self.run = run
        self.batch_size = batch_size
        self.reason = reason or _("Ny import (%(source)s)") % {"source": run.source}
        self.geo = GeoResolver()
        self._indicators: dict[str, Indicator | None] = {}
        self._seen: dict[tuple, int | None] = {}
        self.now = timezone.now()

    # -- checking ------------------------------------------------------------------------

    def _problem(self, message, *, row=None, field="", value="") -> None:
        add_problem(self.run, message, row=row, field=field, value=value)

    def _indicator(self, ref) -> Indicator | None:
        if isinstance(ref, Indicator):
            return ref
        code = str(ref or "").strip()
        if code not in self._indicators:
            self._indicators[code] = Indicator.objects.filter(code=code).first()
        return self._indicators[code]

    def prepare(self, data: dict) -> Prepared | None:
        """One row → Prepared, or None after recording why it is skipped or bad."""
        row = data.get("row")
        if data.get("skip"):
            self.run.skipped += 1
            self._problem(
                data["skip"],
                row=row,
                field=data.get("skip_field", "värde"),
                value=data.get("skip_value", ""),
            )
            return None
        if data.get("problem"):  # the importer already found what is wrong
            field_name, value, message = data["problem"]
            self.run.failed += 1
            self._problem(message, row=row, field=field_name, value=value)
            return None
        try:
            return self._prepare(data, row)
        except _RowError as error:
            self.run.failed += 1
            self._problem(error.message, row=row, field=error.field, value=error.value)
            return None

    def _prepare(self, data: dict, row) -> Prepared:
        indicator = self._indicator(data.get("indicator"))
        if indicator is None:
            raise _RowError(
                "indikator",
                data.get("indicator"),
                _("Okänd indikator ”%(code)s”: lägg upp den i indikatorkatalogen först.")
                % {"code": data.get("indicator")},
            )
        try:
            if data.get("period_start") and data.get("period_end"):
                start, end = data["period_start"], data["period_end"]
                label = data.get("period_label") or f"{start.isoformat()}–{end.isoformat()}"
            else:
                period = parse_period(data.get("period"))
                start, end, label = period.start, period.end, period.label
        except ValueError as error:
            raise _RowError("period", data.get("period"), str(error)) from None
        try:
            geo = self.geo.resolve(
                data.get("geo_level"), data.get("geo_code"), municipality=data.get("municipality")
            )
        except ValueError as error:
            raise _RowError("geografi", data.get("geo_code"), str(error)) from None
        value = self._number(data, "value", _lazy("värde"), required=True)
        low, high = indicator.value_range()
        if (low is not None and value < low) or (high is not None and value > high):
            raise _RowError(
                _("värde"),
                data.get("value"),
                _(
                    "Värdet %(value)s ligger utanför det giltiga intervallet %(range)s för "
                    "enheten %(unit)s (indikator %(code)s)."
                )
                % {
                    "value": data.get("value"),
                    "range": _range_text(low, high),
                    "unit": indicator.unit_display(),
                    "code": indicator.code,
                },
            )
        ci_low = self._number(data, "ci_low", _lazy("konfidensintervall, nedre"))
        ci_high = self._number(data, "ci_high", _lazy("konfidensintervall, övre"))
        if ci_low is not None and ci_high is not None and ci_low > ci_high:
            raise _RowError(
                _("konfidensintervall"),
                f"{data.get('ci_low')}–{data.get('ci_high')}",
                _("Konfidensintervallets nedre gräns är större än den övre."),
            )
        try:
            n = parse_int(data.get("n"))
        except ValueError as error:
            raise _RowError("n", data.get("n"), str(error)) from None
        status = str(data.get("status") or Observation.Status.FINAL)
        if status not in Observation.Status.values:
            raise _RowError("status", status, _("Okänd status (preliminar eller slutlig)."))
        breakdown, key = canonical_breakdown(data.get("breakdown"))
        if len(key) > 255:
            raise _RowError(_("uppdelning"), key, _("Uppdelningen är för lång (högst 255 tecken)."))
        identity = (indicator.pk, start, end, geo.level, geo.code, key)
        if identity in self._seen:
            raise _RowError(
                _("rad"),
                label,
                _(
                    "Samma observation (indikator, period, geografi och uppdelning) finns redan "
                    "på rad %(row)s i samma import."
                )
                % {"row": self._seen[identity]},
            )
        self._seen[identity] = row
        retrieved = data.get("retrieved_at") or self.now
        if isinstance(retrieved, str):
            retrieved = datetime.fromisoformat(retrieved)
        return Prepared(
            row=row,
            identity=identity,
            indicator=indicator,
            fields={
                "period_label": label,
                "district": geo.district,
                "breakdown": breakdown,
                "value": _quant(value),
                "n": n,
                "ci_low": _quant(ci_low),
                "ci_high": _quant(ci_high),
                "status": status,
                "note": str(data.get("note") or "")[:300],
                "retrieved_at": retrieved,
                "source_url": str(data.get("source_url") or "")[:1000],
            },
        )

    @staticmethod
    def _number(data, key, label, *, required=False) -> Decimal | None:
        raw = data.get(key)
        if not required and (raw is None or raw == ""):
            return None
        try:
            value = parse_number(raw)
        except ValueError as error:
            raise _RowError(label, raw, str(error)) from None
        if isinstance(value, Missing):
            if required:
                raise _RowError(label, raw, value.reason[:1].upper() + value.reason[1:] + ".")
            return None
        return value

    # -- writing -------------------------------------------------------------------------

    def write(self, batch: list[Prepared]) -> None:
        """Upsert one batch atomically; revisions for changed values."""
        if not batch:
            return
        with transaction.atomic():
            existing = self._existing(batch)
            created, updated, unchanged = 0, 0, 0
            new = []
            for item in batch:
                obs = existing.get(item.identity)
                if obs is None:
                    _ind, start, end, level, code, key = item.identity
                    new.append(
                        Observation(
                            indicator=item.indicator,
                            period_start=start,
                            period_end=end,
                            geo_level=level,
                            geo_code=code,
                            breakdown_key=key,  # already canonical (see prepare)
                            import_run=self.run,
                            **item.fields,
                        )
                    )
                    continue
                if all(getattr(obs, f) == item.fields[f] for f in TRACKED):
                    unchanged += 1
                    continue
                ObservationRevision.objects.create(
                    observation=obs,
                    reason=self.reason[:300],
                    import_run=self.run,
                    value=obs.value,
                    n=obs.n,
                    ci_low=obs.ci_low,
                    ci_high=obs.ci_high,
                    status=obs.status,
                    retrieved_at=obs.retrieved_at,
                    source_url=obs.source_url,
                )
                for name, value in item.fields.items():
                    setattr(obs, name, value)
                obs.import_run = self.run
                obs.save()
                updated += 1
            Observation.objects.bulk_create(new)
            created = len(new)
        self.run.created += created
        self.run.updated += updated
        self.run.unchanged += unchanged

    @staticmethod
    def _existing(batch: list[Prepared]) -> dict[tuple, Observation]:
        indicators = {i.identity[0] for i in batch}
        codes = {i.identity[4] for i in batch}
        starts = {i.identity[1] for i in batch}
        found = Observation.objects.filter(
            indicator_id__in=indicators, geo_code__in=codes, period_start__in=starts
        )
        wanted = {i.identity for i in batch}
        result = {}
        for obs in found:
            identity = (
                obs.indicator_id,
                obs.period_start,
                obs.period_end,
                obs.geo_level,
                obs.geo_code,
                obs.breakdown_key,
            )
            if identity in wanted:
                result[identity] = obs
        return result


class _RowError(Exception):
    def __init__(self, field, value, message):
        super().__init__(message)
        self.field = str(field)
        self.value = "" if value is None else str(value)
        self.message = message


def load_rows(
    run: ImportRun,
    rows,
    *,
    batch_size: int = 500,
    reason: str = "",
    all_or_nothing: bool = False,
    finish: bool = True,
) -> ImportRun:
    """Check and upsert `rows` for `run`; update its counts, problems and status.

    With `all_or_nothing`, one bad row means nothing is written. A database error fails the
    run; batches written before it stay, the failing batch is rolled back whole.
    """
    loader = Loader(run, batch_size=batch_size, reason=reason)
    prepared: list[Prepared] = []
    for data in rows:
        run.rows_total += 1
        item = loader.prepare(data)
        if item is not None:
            prepared.append(item)
    if all_or_nothing and run.failed:
        message = _(
            "Inget lästes in: %(failed)d rader har fel och importen gällde allt eller inget."
        ) % {"failed": run.failed}
        run.save()
        return finish_run(run, message=message, failed=True) if finish else run
    try:
        if all_or_nothing:
            with transaction.atomic():
                for start in range(0, len(prepared), batch_size):
                    loader.write(prepared[start : start + batch_size])
        else:
            for start in range(0, len(prepared), batch_size):
                loader.write(prepared[start : start + batch_size])
    except Exception as error:  # a database error: the batch is rolled back whole
        logger.exception("Indikatorimport %s misslyckades", run.pk)
        run.save()
        return fail_run(
            run,
            _("Importen avbröts av ett databasfel; den pågående omgången skrevs inte: %(error)s")
            % {"error": error},
        )
    run.save()
    return finish_run(run) if finish else run
