"""SCB Statistikdatabasen through PxWebApi 2.0 (docs/indicators.md): population by
municipality, single year of age and sex (table TAB638), for rates per 100 000 and the age
groups of the plan (0–14, 15–17, 18–25).

- fetch: `ScbClient` reads `/config` for the API's limits (maxDataCells,
  maxCallsPerTimeWindow, timeWindow), splits a query that would exceed the cell limit into
  several, and waits so as not to exceed the call limit; retries with backoff
  (`imports.http`).
- parse (pure): `parse_jsonstat2` flattens a JSON-stat2 dataset into one dict per cell.
- load: observations of the indicator "folkmangd" (Folkmängd 31 december) with breakdowns
  sex (K/M) and age (single years, "100+").

`population()` sums held observations over an age range and sex; `rate_per_100k()` is the
rate of a count per 100 000 inhabitants.
"""

import itertools
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from samverkan.imports.http import CallLimiter, FetchError, get_json, make_session
from samverkan.indicators.importers.load import fail_run, load_rows, start_run
from samverkan.indicators.importers.sources import SCB, ensure_source
from samverkan.indicators.models import Indicator, Observation

POPULATION_CODE = "folkmangd"
POPULATION_TABLE = "TAB638"
POPULATION_CONTENTS = "BE0101N1"
AGES = [str(a) for a in range(100)] + ["100+"]
SEX_CODES = {"1": "M", "2": "K"}  # SCB Kon → Kolada-style K/M

# The plan's age groups (seed 6.2): youth suspected of and exposed to crime.
AGE_GROUPS = {"0-14": (0, 14), "15-17": (15, 17), "18-25": (18, 25)}


class JsonStatError(ValueError):
    """The document is not a JSON-stat2 dataset."""


def parse_jsonstat2(doc: dict) -> list[dict]:
    """A JSON-stat2 dataset → one dict per cell: {dimension id: category code, "value": v}.

    Cells are in row-major order over `id`/`size` (the last dimension varies fastest);
    `value` may be a list or a sparse dict {index: value}; a missing cell is None, with
    its `status` mark (e.g. "..") under "status" when the document gives one.
    """
    if not isinstance(doc, dict) or doc.get("class") != "dataset":
        raise JsonStatError(_("Svaret är inget JSON-stat2-dataset (class ≠ dataset)."))
    try:
        ids = list(doc["id"])
        sizes = [int(s) for s in doc["size"]]
        dims = doc["dimension"]
    except (KeyError, TypeError, ValueError):
        raise JsonStatError(_("JSON-stat2-datasetet saknar id, size eller dimension.")) from None
    if len(ids) != len(sizes):
        raise JsonStatError(_("JSON-stat2: id och size har olika längd."))
    codes_per_dim = []
    for dim_id, size in zip(ids, sizes, strict=True):
        index = dims[dim_id]["category"].get("index")
        if index is None:  # a single category may come with only a label
            codes = list(dims[dim_id]["category"]["label"].keys())
        elif isinstance(index, list):
            codes = list(index)
        else:
            codes = [code for code, _pos in sorted(index.items(), key=lambda kv: kv[1])]
        if len(codes) != size:
            raise JsonStatError(
                _("JSON-stat2: dimensionen %(dim)s har %(n)d kategorier men size %(size)d.")
                % {"dim": dim_id, "n": len(codes), "size": size}
            )
        codes_per_dim.append(codes)
    total = 1
    for size in sizes:
        total *= size
    raw = doc.get("value")
    if isinstance(raw, dict):
        values = [raw.get(str(i)) for i in range(total)]
    elif isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(
                _("JSON-stat2: %(n)d värden men %(total)d celler.")
                % {"n": len(raw), "total": total}
            )
        values = raw
    else:
        raise JsonStatError(_("JSON-stat2-datasetet saknar value."))
    status = doc.get("status") or {}
    if isinstance(status, list):
        status = {str(i): s for i, s in enumerate(status) if s}
    cells = []
    for i, combo in enumerate(itertools.product(*codes_per_dim)):
        cell = dict(zip(ids, combo, strict=True))
        cell["value"] = values[i]
        mark = status.get(str(i)) if isinstance(status, dict) else None
        if mark:
            cell["status"] = mark
        cells.append(cell)
    return cells


@dataclass(frozen=True)
class Limits:
    max_cells: int = 150_000
    max_calls: int = 30
    window: float = 10.0


def parse_config(doc: dict) -> Limits:
    def number(key, default):
        try:
            return type(default)(doc.get(key, default))
        except (TypeError, ValueError):
            return default

    return Limits(
        max_cells=max(1, number("maxDataCells", 150_000)),
        max_calls=max(1, number("maxCallsPerTimeWindow", 30)),
        window=float(number("timeWindow", 10)),
    )


def split_query(regions: list[str], years: list[str], cells_per_pair: int, max_cells: int):
    """Chunks (regions, years) so that each request holds at most `max_cells` cells."""
    pairs_per_request = max_cells // cells_per_pair
    if pairs_per_request < 1:
        raise ValueError(
            _(
                "SCB:s gräns på %(max)d celler per anrop räcker inte ens för en kommun och ett "
                "år (%(cells)d celler)."
            )
            % {"max": max_cells, "cells": cells_per_pair}
        )
    year_chunk = min(len(years), pairs_per_request)
    region_chunk = max(1, pairs_per_request // year_chunk)
    for r in range(0, len(regions), region_chunk):
        for y in range(0, len(years), year_chunk):
            yield regions[r : r + region_chunk], years[y : y + year_chunk]


class ScbClient:
    def __init__(self, session=None, base_url: str | None = None, clock=time.monotonic):
        self.session = session or make_session()
        self.base_url = (base_url or settings.SAMVERKAN_SCB_URL).rstrip("/")
        self.clock = clock
        self.limits: Limits | None = None
        self.limiter: CallLimiter | None = None
        self.data_calls = 0
        self.halvings = 0

    def _get(self, url, params=None):
        if self.limiter is not None:
            self.limiter.wait()
        return get_json(self.session, url, params=params)

    def config(self) -> Limits:
        if self.limits is None:
            self.limits = parse_config(self._get(f"{self.base_url}/config"))
            self.limiter = CallLimiter(self.limits, self.clock)
            self.limiter.wait()  # the /config call itself counts
        return self.limits

    def data_url(self, table: str) -> str:
        return f"{self.base_url}/tables/{table}/data"

    @staticmethod
    def population_params(regions: list[str], years: list[str]) -> dict:
        return {
            "lang": "sv",
            "outputFormat": "json-stat2",
            "valueCodes[ContentsCode]": POPULATION_CONTENTS,
            "valueCodes[Region]": ",".join(regions),
            "valueCodes[Kon]": ",".join(SEX_CODES),
            "valueCodes[Alder]": ",".join(AGES),
            "valueCodes[Tid]": ",".join(years),
        }

    def population_chunks(self, regions: list[str], years: list[str]) -> list[tuple]:
        limits = self.config()
        cells_per_pair = len(AGES) * len(SEX_CODES)
        return list(split_query(regions, years, cells_per_pair, limits.max_cells))

    def population(self, regions: list[str], years: list[str]) -> list[tuple[dict, str]]:
        """Every cell of population by region, age and sex; (cell, request URL).

        Queries are split to stay within /config's maxDataCells. Should SCB still refuse a
        query as too large (HTTP 400/403/413), it is halved and asked again.
        """
        url = self.data_url(POPULATION_TABLE)
        cells = []
        pending = self.population_chunks(regions, years)
        while pending:
            region_chunk, year_chunk = pending.pop(0)
            try:
                doc = self._get(url, params=self.population_params(region_chunk, year_chunk))
            except FetchError as error:
                if error.status in TOO_LARGE and len(region_chunk) * len(year_chunk) > 1:
                    self.halvings += 1
                    pending[:0] = _halve(region_chunk, year_chunk)
                    continue
                raise
            self.data_calls += 1
            cells.extend((cell, url) for cell in parse_jsonstat2(doc))
        return cells


TOO_LARGE = {400, 403, 413}


def _halve(regions: list[str], years: list[str]) -> list[tuple]:
    if len(years) > 1:
        mid = len(years) // 2
        return [(regions, years[:mid]), (regions, years[mid:])]
    mid = len(regions) // 2
    return [(regions[:mid], years), (regions[mid:], years)]


def population_indicator() -> Indicator:
    indicator = Indicator.objects.filter(code=POPULATION_CODE).first()
    if indicator:
        return indicator
    return Indicator.objects.create(
        code=POPULATION_CODE,
        name="Folkmängd",
        external_title="Folkmängd",
        unit=Indicator.Unit.COUNT,
        description=_(
            "Folkmängden den 31 december efter kommun, ettårsklass och kön (SCB, "
            "befolkningsstatistik). Används för antal per 100 000 invånare och åldersgrupperna "
            "0–14, 15–17 och 18–25 år."
        ),
        source=ensure_source(SCB),
        cadence=Indicator.Cadence.YEARLY,
        release_month=2,
        external_id=POPULATION_TABLE,
        external_options={"table": POPULATION_TABLE, "contents": POPULATION_CONTENTS},
    )


def population_rows(cells: list[tuple[dict, str]], indicator: Indicator) -> list[dict]:
    rows = []
    for number, (cell, url) in enumerate(cells, start=1):
        sex = SEX_CODES.get(str(cell.get("Kon")), str(cell.get("Kon")))
        base = {
            "row": number,
            "indicator": indicator,
            "period": cell.get("Tid"),
            "geo_level": "kommun" if len(str(cell.get("Region"))) == 4 else "",
            "geo_code": cell.get("Region"),
            "breakdown": {"sex": sex, "age": cell.get("Alder")},
            "value": cell.get("value"),
            "note": _("31 december"),
            "source_url": url,
        }
        if cell.get("value") is None:
            base = {
                "row": number,
                "skip": _(
                    "SCB har inget värde för %(region)s, %(year)s, ålder %(age)s, kön %(sex)s%(mark)s."
                )
                % {
                    "region": cell.get("Region"),
                    "year": cell.get("Tid"),
                    "age": cell.get("Alder"),
                    "sex": sex,
                    "mark": f" (”{cell['status']}”)" if cell.get("status") else "",
                },
            }
        rows.append(base)
    return rows


def import_population(
    municipalities: list[str], years: list[int], *, user=None, session=None, clock=time.monotonic
):
    """Fetch and load population for municipalities and years. Returns the ImportRun."""
    client = ScbClient(session, clock=clock)
    run = start_run(
        SCB,
        filename=client.data_url(POPULATION_TABLE),
        user=user,
        details={"table": POPULATION_TABLE, "municipalities": municipalities, "years": years},
    )
    try:
        cells = client.population([str(m) for m in municipalities], [str(y) for y in years])
        limits = client.limits
        run.details["limits"] = {
            "maxDataCells": limits.max_cells,
            "maxCallsPerTimeWindow": limits.max_calls,
            "timeWindow": limits.window,
        }
        run.details["requests"] = client.data_calls
        run.details["halvings"] = client.halvings
    except (FetchError, ValueError) as error:
        return fail_run(
            run,
            _("Hämtningen från SCB misslyckades; tidigare värden ligger kvar. %(error)s")
            % {"error": error},
        )
    return load_rows(
        run, population_rows(cells, population_indicator()), reason=_("Reviderat av SCB")
    )


def _age(code: str) -> int | None:
    text = str(code).rstrip("+").strip()
    return int(text) if text.isdigit() else None


def population(
    municipality_code: str,
    year: int,
    age_from: int | None = None,
    age_to: int | None = None,
    sex: str | None = None,
) -> int | None:
    """The population held for a municipality and year, summed over an age range and sex.

    sex: "K", "M" or None/"T" for both. Ages inclusive; "100+" counts as 100. None when no
    population is held for that municipality and year.
    """
    observations = Observation.objects.filter(
        indicator__code=POPULATION_CODE,
        geo_level="kommun",
        geo_code=municipality_code,
        period_label=str(year),
    ).values_list("breakdown", "value")
    total = 0
    found = False
    for breakdown, value in observations:
        found = True
        age = _age(breakdown.get("age", ""))
        if age is None:
            continue
        if age_from is not None and age < age_from:
            continue
        if age_to is not None and age > age_to:
            continue
        if sex not in (None, "", "T") and breakdown.get("sex") != sex:
            continue
        total += int(value)
    return total if found else None


def rate_per_100k(count, population_size, *, decimals: int | None = None) -> Decimal:
    """count per 100 000 inhabitants; raises ValueError for a population ≤ 0."""
    if population_size is None or population_size <= 0:
        raise ValueError(_("Folkmängden måste vara större än noll för att räkna per 100 000."))
    rate = Decimal(str(count)) * Decimal(100_000) / Decimal(str(population_size))
    if decimals is not None:
        rate = rate.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return rate
