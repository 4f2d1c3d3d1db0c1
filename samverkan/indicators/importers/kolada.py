"""Kolada API v3 (docs/indicators.md): KPI metadata and values per municipality and year.

Three steps, as every importer:

- fetch: `KoladaClient` builds the URLs, pages through `next_url`, retries with backoff
  (`imports.http`); batches municipalities (at most 20 per call).
- parse (pure): `parse_kpi` and `parse_data_page` read the JSON, `kolada_rows` turns values
  into load rows (a null value becomes a skipped row with its reason).
- load: `importers.load.load_rows`.

`import_kolada` ties them together per KPI: it re-reads the KPI's metadata and compares its
title with the indicator's expected title (a changed title may mean a redefined KPI: its
values are then not loaded), reports a removed KPI clearly, and fetches every page before
writing anything, so a network failure leaves the data held before untouched.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from samverkan.imports.http import FetchError, NotFound, get_json, make_session
from samverkan.imports.runs import add_problem
from samverkan.indicators.importers.load import fail_run, finish_run, load_rows
from samverkan.indicators.importers.load import start_run as _start_run
from samverkan.indicators.importers.sources import KOLADA, ensure_source
from samverkan.indicators.models import Indicator

MAX_MUNICIPALITIES_PER_CALL = 20
PER_PAGE = 5000
MAX_PAGES = 1000


class KoladaFormatError(ValueError):
    """The answer is not in Kolada's documented shape."""


@dataclass(frozen=True)
class KpiMeta:
    id: str
    title: str
    description: str = ""
    operating_area: str = ""
    has_ou_data: bool = False
    is_divided_by_gender: bool = False
    municipality_type: str = ""


@dataclass(frozen=True)
class KoladaValue:
    kpi: str
    municipality: str
    period: int
    gender: str
    value: float | None
    status: str = ""
    count: int = 1


def _values(payload) -> list:
    if isinstance(payload, dict) and isinstance(payload.get("values"), list):
        return payload["values"]
    raise KoladaFormatError(_("Svaret från Kolada saknar listan ”values”."))


def parse_kpi(payload, kpi_id: str) -> KpiMeta | None:
    """The KPI's metadata from `/kpi/{id}`; None when Kolada no longer has it."""
    if isinstance(payload, dict) and "values" not in payload and payload.get("id"):
        items = [payload]  # a bare object
    else:
        items = _values(payload)
    for item in items:
        if str(item.get("id", "")).upper() == kpi_id.upper():
            return KpiMeta(
                id=str(item["id"]),
                title=str(item.get("title") or "").strip(),
                description=str(item.get("description") or "").strip(),
                operating_area=str(item.get("operating_area") or ""),
                has_ou_data=bool(item.get("has_ou_data")),
                is_divided_by_gender=bool(item.get("is_divided_by_gender")),
                municipality_type=str(item.get("municipality_type") or ""),
            )
    return None


def parse_data_page(payload) -> tuple[list[KoladaValue], str | None]:
    """One page of `/data/…`: the values (one per gender) and the next page's URL."""
    result = []
    for item in _values(payload):
        try:
            kpi = str(item["kpi"])
            municipality = str(item["municipality"])
            period = int(item["period"])
        except (KeyError, TypeError, ValueError):
            raise KoladaFormatError(
                _("Ett dataobjekt från Kolada saknar kpi, municipality eller period: %(item)s")
                % {"item": str(item)[:200]}
            ) from None
        for v in item.get("values") or []:
            raw = v.get("value")
            result.append(
                KoladaValue(
                    kpi=kpi,
                    municipality=municipality,
                    period=period,
                    gender=str(v.get("gender") or "T").upper(),
                    value=None if raw is None else float(raw),
                    status=str(v.get("status") or ""),
                    count=int(v.get("count") or 1),
                )
            )
    next_url = payload.get("next_url") or payload.get("next_page")
    return result, next_url or None


def geography(code: str) -> tuple[str, str]:
    """Kolada's region id → (level, code): 0000 riket, 00NN a county (region), else kommun."""
    if code == "0000":
        return "land", "SE"
    if re.fullmatch(r"00\d{2}", code):
        return "lan", code[2:]
    return "kommun", code


def kolada_rows(values: list[KoladaValue], indicator: Indicator, source_url: str) -> list[dict]:
    """Load rows for one indicator; a null value is a skipped row with the reason."""
    rows = []
    for number, v in enumerate(values, start=1):
        level, code = geography(v.municipality)
        if v.value is None:
            rows.append(
                {
                    "row": number,
                    "skip": _(
                        "Kolada har inget värde för %(kpi)s, %(mun)s, %(year)s, kön %(sex)s "
                        "(null%(status)s); raden hoppades över."
                    )
                    % {
                        "kpi": v.kpi,
                        "mun": v.municipality,
                        "year": v.period,
                        "sex": v.gender,
                        "status": f", status ”{v.status}”" if v.status else "",
                    },
                    "skip_value": "null",
                }
            )
            continue
        preliminary = "prel" in v.status.lower()
        rows.append(
            {
                "row": number,
                "indicator": indicator,
                "period": str(v.period),
                "geo_level": level,
                "geo_code": code,
                "breakdown": {"sex": v.gender},
                "value": v.value,
                "status": "preliminar" if preliminary else "slutlig",
                "note": "" if preliminary or not v.status else f"Kolada: {v.status}",
                "source_url": source_url,
            }
        )
    return rows


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def unit_from_title(title: str) -> str:
    t = title.lower()
    if "100 000" in t or "100000" in t:
        return Indicator.Unit.PER_100K
    if "/1000" in t or "1000 inv" in t or "1 000" in t:
        return Indicator.Unit.PER_1000
    if "andel" in t or "(%)" in t or t.endswith("%"):
        return Indicator.Unit.PERCENT
    if "antal" in t:
        return Indicator.Unit.COUNT
    return Indicator.Unit.OTHER


class KoladaClient:
    def __init__(self, session=None, base_url: str | None = None):
        self.session = session or make_session()
        self.base_url = (base_url or settings.SAMVERKAN_KOLADA_URL).rstrip("/")

    def kpi(self, kpi_id: str) -> KpiMeta | None:
        try:
            payload = get_json(self.session, f"{self.base_url}/kpi/{kpi_id}")
        except NotFound:
            return None
        return parse_kpi(payload, kpi_id)

    def data_url(self, kpi_id: str, municipalities: list[str], years: list[int]) -> str:
        path = f"/data/kpi/{kpi_id}"
        if municipalities:
            path += "/municipality/" + ",".join(municipalities)
        path += "/year/" + ",".join(str(y) for y in years)
        return self.base_url + path

    def values(
        self, kpi_id: str, municipalities: list[str], years: list[int]
    ) -> list[tuple[KoladaValue, str]]:
        """Every value of the KPI, following `next_url`; (value, URL of its page)."""
        result = []
        groups = [
            municipalities[i : i + MAX_MUNICIPALITIES_PER_CALL]
            for i in range(0, len(municipalities), MAX_MUNICIPALITIES_PER_CALL)
        ] or [[]]
        for group in groups:
            url = self.data_url(kpi_id, group, years)
            params = {"per_page": PER_PAGE}
            for _page in range(MAX_PAGES):
                payload = get_json(self.session, url, params=params)
                values, next_url = parse_data_page(payload)
                result.extend((v, url) for v in values)
                if not next_url:
                    break
                url, params = next_url, None  # next_url carries its own query
        return result


def indicator_for_kpi(kpi_id: str, meta: KpiMeta | None) -> Indicator | None:
    """The indicator for a KPI id; created from the metadata if none exists yet."""
    found = Indicator.objects.filter(external_id__iexact=kpi_id, source__slug=KOLADA).first()
    if found or meta is None:
        return found
    return Indicator.objects.create(
        code=f"kolada-{kpi_id.lower()}",
        name=meta.title[:300],
        external_title=meta.title[:300],
        external_id=kpi_id,
        unit=unit_from_title(meta.title),
        description=meta.description,
        source=ensure_source(KOLADA),
        release_month=None,
    )


def import_kolada(
    kpis: list[str] | None = None,
    *,
    municipalities: list[str] | None = None,
    years: list[int],
    user=None,
    session=None,
):
    """Import KPIs (default: every active Kolada indicator) for municipalities and years.

    One ImportRun for the whole call; each KPI is checked and fetched in full before its
    values are loaded. Returns the run.
    """
    municipalities = municipalities or ["2580"]
    if kpis is None:
        kpis = list(
            Indicator.objects.filter(source__slug=KOLADA, active=True)
            .exclude(external_id="")
            .values_list("external_id", flat=True)
        )
    client = KoladaClient(session)
    run = _start_run(
        KOLADA,
        filename=client.base_url,
        user=user,
        details={"kpis": kpis, "municipalities": municipalities, "years": years},
    )
    if not kpis:
        return fail_run(
            run, _("Inga Kolada-nyckeltal att hämta: ange --kpi eller lägg upp en indikator.")
        )
    loaded_any = False
    try:
        for kpi_id in kpis:
            meta = client.kpi(kpi_id)
            indicator = indicator_for_kpi(kpi_id, meta)
            if meta is None:
                add_problem(
                    run,
                    _(
                        "Nyckeltalet %(kpi)s finns inte längre i Kolada (borttaget eller "
                        "omdöpt). Inget hämtades för det; tidigare värden ligger kvar. "
                        "Sök efter ersättaren på kolada.se och ändra indikatorns id hos källan."
                    )
                    % {"kpi": kpi_id},
                    field="kpi",
                    value=kpi_id,
                )
                run.failed += 1
                continue
            if _norm(meta.title) != _norm(indicator.expected_title):
                add_problem(
                    run,
                    _(
                        "Koladas titel för %(kpi)s är nu ”%(title)s”, men indikatorn "
                        "”%(code)s” väntar ”%(expected)s”. Nyckeltalet kan ha definierats om; "
                        "värdena lästes inte in. Kontrollera definitionen och uppdatera "
                        "indikatorns namn hos källan."
                    )
                    % {
                        "kpi": kpi_id,
                        "title": meta.title,
                        "code": indicator.code,
                        "expected": indicator.expected_title,
                    },
                    field="titel",
                    value=meta.title,
                )
                run.failed += 1
                continue
            fetched = client.values(kpi_id, municipalities, years)
            rows = []
            for number, (value, url) in enumerate(fetched, start=1):
                row = kolada_rows([value], indicator, url)[0]
                row["row"] = number
                rows.append(row)
            if not rows:
                add_problem(
                    run,
                    _("Kolada har inga värden för %(kpi)s, kommun %(mun)s, år %(years)s.")
                    % {
                        "kpi": kpi_id,
                        "mun": ", ".join(municipalities),
                        "years": ", ".join(str(y) for y in years),
                    },
                    field="kpi",
                    value=kpi_id,
                )
            load_rows(run, rows, reason=_("Reviderat i Kolada"), finish=False)
            if run.status == run.Status.FAILED:  # a database error; the run is closed
                return run
            loaded_any = True
    except (FetchError, ValueError) as error:
        # Nothing of this KPI was written (values are loaded only after every page is in).
        return fail_run(
            run,
            _("Hämtningen från Kolada misslyckades; tidigare värden ligger kvar. %(error)s")
            % {"error": error},
        )
    return finish_run(run, failed=not loaded_any)
