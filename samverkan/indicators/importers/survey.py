"""The local safety survey (trygghetsmätning, docs/indicators.md) as the provider delivers it.

The provider's problem/trygghet index (0–6; 0 = hardly any problems, 6 = alarming; the
national average is set near 2) cannot be recomputed from published thresholds, so the
index values are imported as delivered, per area, question and breakdown, together with
the share of respondents per answer where the provider gives it.

Layout (CSV or XLSX, one row per figure; docs/indicators.md, "Safety survey"):

    år | område | fråga | mått | svar | kön | boendeform | åldersgrupp | värde | n

- år: survey year ("2023").
- område: one of the municipality's districts (name, slug or code, e.g. "Hertsön"), or
  "Hela kommunen" / "Totalt" / the municipality's name for the whole municipality.
- fråga: the question or index as the provider names it ("Totalindex",
  "Otrygg ensam ute sent på kvällen", "Nedskräpning" …). Each question is an indicator of
  its own, created on first import: "tm-<fråga>" (index) and "tm-<fråga>-andel" (share).
- mått: "index" (0–6) or "andel" (percent of respondents).
- svar: the answer alternative for a share ("Mycket otrygg", "Ganska otrygg" …); empty
  for an index.
- kön (Kvinnor/Män/Totalt), boendeform (Hyresrätt/Bostadsrätt/Villa), åldersgrupp
  ("16-19", "20-49" …): breakdowns; empty = all.
- värde: "1,38", "12 %", "12,5"; n: respondents behind the figure.
"""

from django.utils.text import slugify
from django.utils.translation import gettext as _

from samverkan.imports.tabular import FileError
from samverkan.indicators.importers.generic import normalise_breakdown
from samverkan.indicators.importers.geography import region_name
from samverkan.indicators.importers.load import fail_run, load_rows, start_run
from samverkan.indicators.importers.sources import SURVEY, ensure_source
from samverkan.indicators.importers.tabular import cell_text, read_grid
from samverkan.indicators.models import Indicator

COLUMNS = {
    "year": "år",
    "area": "område",
    "question": "fråga",
    "measure": "mått",
    "answer": "svar",
    "sex": "kön",
    "housing": "boendeform",
    "age": "åldersgrupp",
    "value": "värde",
    "n": "n",
}
REQUIRED = ["year", "area", "question", "measure", "value"]
WHOLE_MUNICIPALITY = {"hela kommunen", "totalt", "kommunen", "samtliga områden", "alla områden"}
MEASURE_INDEX = "index"
MEASURE_SHARE = "andel"


class SurveyLayoutError(ValueError):
    pass


def parse_survey_grid(grid: list[list], *, municipality: str = "2580") -> list[dict]:
    """Pure: the grid → load-row dicts with "question" and "measure" (indicator not yet set)."""
    if not grid:
        raise SurveyLayoutError(_("Filen är tom."))
    headers = {cell_text(c).lower(): i for i, c in enumerate(grid[0]) if cell_text(c)}
    index = {key: headers.get(name) for key, name in COLUMNS.items()}
    missing = [COLUMNS[k] for k in REQUIRED if index[k] is None]
    if missing:
        raise SurveyLayoutError(
            _("Kolumner saknas: %(missing)s. Filens rubriker: %(found)s.")
            % {"missing": ", ".join(missing), "found": ", ".join(headers)}
        )
    municipality_name = region_name(municipality).lower()
    rows = []
    for i in range(1, len(grid)):
        raw = grid[i]
        if all(cell_text(c) == "" for c in raw):
            continue

        def get(key, raw=raw):
            c = index.get(key)
            return raw[c] if c is not None and c < len(raw) else None

        area = cell_text(get("area"))
        if area.lower() in WHOLE_MUNICIPALITY | {municipality_name, f"{municipality_name} kommun"}:
            level, code = "kommun", municipality
        else:
            level, code = "omrade", area
        measure = cell_text(get("measure")).lower()
        breakdown = {
            key: normalise_breakdown(key, get(key))
            for key in ("sex", "housing", "age")
            if cell_text(get(key))
        }
        answer = cell_text(get("answer"))
        if answer:
            breakdown["answer"] = answer
        rows.append(
            {
                "row": i + 1,
                "question": cell_text(get("question")),
                "measure": measure,
                "period": cell_text(get("year")),
                "geo_level": level,
                "geo_code": code,
                "municipality": municipality,
                "breakdown": breakdown,
                "value": get("value"),
                "n": get("n"),
            }
        )
    return rows


def indicator_for(question: str, measure: str) -> Indicator:
    suffix = "" if measure == MEASURE_INDEX else "-andel"
    code = (slugify(f"tm-{question}")[: 60 - len(suffix)] + suffix).strip("-")
    found = Indicator.objects.filter(code=code).first()
    if found:
        return found
    if measure == MEASURE_INDEX:
        return Indicator.objects.create(
            code=code,
            name=question[:300],
            unit=Indicator.Unit.INDEX_0_6,
            direction=Indicator.Direction.DOWN,
            description=_(
                "Trygghetsmätningens index 0–6 som leverantören räknat fram: 0 = närmast "
                "obefintliga problem, 6 = alarmerande påtagliga problem. Lägre är bättre."
            ),
            source=ensure_source(SURVEY),
            cadence=Indicator.Cadence.IRREGULAR,
            focus_area=Indicator.FocusArea.SAFETY,
            external_id=question[:60],
        )
    return Indicator.objects.create(
        code=code,
        name=_("%(question)s, andel svarande") % {"question": question[:280]},
        unit=Indicator.Unit.PERCENT,
        source=ensure_source(SURVEY),
        cadence=Indicator.Cadence.IRREGULAR,
        focus_area=Indicator.FocusArea.SAFETY,
        external_id=f"{question[:54]}|andel",
    )


def import_survey(data: bytes, filename: str, *, municipality: str = "2580", user=None):
    """Import a safety-survey file. Returns the ImportRun."""
    run = start_run(SURVEY, filename=filename, user=user, details={"municipality": municipality})
    try:
        grid = read_grid(data, filename)
        parsed = parse_survey_grid(grid, municipality=municipality)
    except (FileError, SurveyLayoutError) as error:
        return fail_run(run, str(error))
    rows = []
    cache: dict[tuple, Indicator] = {}
    for row in parsed:
        question, measure = row.pop("question"), row.pop("measure")
        if not question:
            row["indicator"] = ""
            row["problem"] = (_("fråga"), "", _("Frågan saknas."))
        elif measure not in (MEASURE_INDEX, MEASURE_SHARE):
            row["indicator"] = ""
            row["problem"] = (
                _("mått"),
                measure,
                _("Okänt mått ”%(value)s”: ange ”index” (0–6) eller ”andel” (procent).")
                % {"value": measure},
            )
        else:
            if (question, measure) not in cache:
                cache[(question, measure)] = indicator_for(question, measure)
            row["indicator"] = cache[(question, measure)]
        rows.append(row)
    return load_rows(run, rows, reason=_("Ny leverans av trygghetsmätningen"))
