"""Loading Polisen's events into incident reports: parse (`polisen.parse`, pure) → rows →
`load.load_incidents` (the rules of every import). Used by `samverkan import-polisen FILE` and
by the scheduled fetch (`polisen_fetch`).

- Only events of the municipalities the police organisation works in through an agreement are
  kept; the others are counted on the run as skipped.
- The category comes from the editable type mapping (SourceTypeMapping, source "polisen"); a
  type without a mapping goes to *övrigt* until someone maps it on /handelser/typer/. The
  type is kept as given (stripped) in ``source_type``.
- Polisen's point is the centre of the named kommun or län, never the event's place: every
  record has ``position_is_centre``. When Polisen names only the county, the point stored is
  the municipality's own centre (a point inside its boundary), not the county's.
- The same id with new text (Polisen updates a notice) updates the record; when a payload
  holds one id twice, the later one counts (a file of appended fetches ends with the newest).
- Records are öppen (Polisen publishes them), reported by the police organisation. The time
  is the one at the start of the notice's name ("22 augusti 17.59", time precision
  "ungefär"); Polisen's ``datetime`` (when the notice was published) is kept in
  ``published_at``. A name without a readable time leaves only the publication time: the
  record then has it as its time, with time precision "publiceringstid".
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _

from samverkan.core.models import Classification, User
from samverkan.imports import runs
from samverkan.imports.models import ImportProblem, ImportRun
from samverkan.incidents import services
from samverkan.incidents.importers import polisen
from samverkan.incidents.importers.load import load_incidents, without_cyclic_gc
from samverkan.incidents.models import Category, Incident, SourceTypeMapping
from samverkan.organisations.models import Organisation
from samverkan.places.models import Municipality

SOURCE = Incident.Source.POLISEN.value
APPROXIMATE = Incident.TimePrecision.APPROXIMATE.value
PUBLISHED = Incident.TimePrecision.PUBLISHED.value
OPEN = Classification.OPEN.value
FALLBACK_CATEGORY = "ovrigt"


class PolisenSetupError(ValueError):
    """No police organisation to import for, or it works in no municipality."""


def police_organisation(slug: str | None = None) -> Organisation:
    """The organisation Polisen's events are filed under: the one named, or the only active
    police organisation that is party to an agreement."""
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise PolisenSetupError(_("Organisationen %(slug)s finns inte.") % {"slug": slug})
        return organisation
    candidates = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.POLICE, active=True, agreements__isnull=False
        ).distinct()
    )
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise PolisenSetupError(
            _("Det finns ingen polisorganisation som är part i en överenskommelse.")
        )
    raise PolisenSetupError(
        _("Det finns flera polisorganisationer (%(slugs)s); ange vilken med --organisation.")
        % {"slugs": ", ".join(o.slug for o in candidates)}
    )


def polisen_names(municipality: Municipality) -> list[str]:
    """The names Polisen may use for a municipality: "Luleå kommun" → Luleå, "Bodens kommun"
    → Boden (and Bodens, harmless)."""
    name = municipality.name.strip()
    base = name.removesuffix(" kommun").strip()
    names = {base}
    if base != name and base.endswith("s"):
        names.add(base[:-1])
    return sorted(names)


def municipalities_for(organisation: Organisation) -> list[Municipality]:
    ids = services.municipality_ids_for_organisation(organisation)
    municipalities = list(Municipality.objects.filter(pk__in=ids).order_by("name"))
    if not municipalities:
        raise PolisenSetupError(
            _("%(organisation)s samverkar inte i någon kommun genom en överenskommelse.")
            % {"organisation": organisation.name}
        )
    return municipalities


def type_mapping() -> dict[str, Category]:
    return {
        m.source_type.strip(): m.category
        for m in SourceTypeMapping.objects.filter(source=SOURCE).select_related("category")
    }


def _rows(events, *, municipalities: dict[str, Municipality], mapping, fallback):
    centres = {}
    for number, event in events:
        municipality = municipalities[event.municipality_code]
        if event.county_only:
            if municipality.pk not in centres:
                point = municipality.geometry().representative_point()
                centres[municipality.pk] = (round(point.y, 6), round(point.x, 6))
            lat, lon = centres[municipality.pk]
        else:
            lat, lon = event.lat, event.lon
        yield {
            "row": number,
            "external_id": event.external_id,
            "category": mapping.get(event.type, fallback),
            "occurred_from": event.occurred_at,
            "time_precision": APPROXIMATE if event.title_timed else PUBLISHED,
            "published_at": event.published_at,
            "municipality": municipality,
            "lat": lat,
            "lon": lon,
            "description": event.summary or event.name,
            "classification": OPEN,
            "source_type": event.type,
            "source_url": event.url,
            "is_summary": event.is_summary,
            "position_is_centre": True,
        }


def parse_for(raw: bytes | str, organisation: Organisation) -> polisen.ParseResult:
    """The payload's events, those of the organisation's municipalities kept (the preview of
    an upload, and the first step of `import_polisen`)."""
    return polisen.parse(raw, municipalities=municipality_names(organisation))


def municipality_names(organisation: Organisation) -> dict[str, str]:
    """Polisen's names of the organisation's municipalities -> their codes."""
    return {name: m.code for m in municipalities_for(organisation) for name in polisen_names(m)}


@without_cyclic_gc()  # from the parse on (load_incidents: why)
def import_polisen(
    raw: bytes | str,
    *,
    organisation: Organisation | None = None,
    run: ImportRun | None = None,
    filename: str = "",
    by: User | None = None,
    batch_size: int = 5000,
) -> ImportRun:
    """Parse and load one payload of Polisen events. Raises PolisenPayloadError (nothing
    written, no run recorded unless one was passed) when the payload cannot be read at all.
    A run passed in keeps its organisation when it has one (an upload is the uploader's
    run); the events are always the police organisation's."""
    organisation = organisation or police_organisation()
    municipalities = municipalities_for(organisation)
    by_code = {m.code: m for m in municipalities}
    names = {name: m.code for m in municipalities for name in polisen_names(m)}
    result = polisen.parse(raw, municipalities=names)

    if run is None:
        run = runs.start_run("incidents", SOURCE, filename=filename, save=False)
    if run.organisation_id is None:
        run.organisation = organisation
    run.user = by
    run.save()
    run.skipped += result.skipped
    run.rows_total += result.skipped + len(result.problems)
    run.failed += len({p.index for p in result.problems})
    runs.add_problems(
        runs.problem(run, p.message, row=p.index + 1, value=p.event_id or "")
        for p in result.problems
    )
    # One id twice in a payload: the later notice counts.
    latest: dict[str, tuple[int, polisen.PolisenEvent]] = {}
    for index, event in enumerate(result.rows):
        latest.pop(event.external_id, None)
        latest[event.external_id] = (index + 1, event)
    superseded = len(result.rows) - len(latest)
    run.rows_total += superseded
    run.unchanged += superseded
    mapping = type_mapping()
    # What the run page says about the events kept: how many (summaries aside) have a type
    # without a mapping and so land in Övrigt, the commonest such types, and how many names
    # gave no time (their time is the publication time).
    kept = [event for _number, event in latest.values()]
    unmapped = Counter(e.type for e in kept if not e.is_summary and e.type not in mapping)
    run.details = {
        **run.details,
        "superseded": superseded,
        "events": sum(not e.is_summary for e in kept),
        "unmapped": sum(unmapped.values()),
        "unmapped_types": [
            [t, n] for t, n in sorted(unmapped.items(), key=lambda i: (-i[1], i[0]))[:5]
        ],
        "untimed": sum(not e.title_timed for e in kept),
    }

    fallback = Category.objects.get(slug=FALLBACK_CATEGORY)
    rows = _rows(
        latest.values(),
        municipalities=by_code,
        mapping=mapping,
        fallback=fallback,
    )
    last_problem = run.problems.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        return load_incidents(
            rows, run=run, source=SOURCE, organisation=organisation, by=by, batch_size=batch_size
        )
    finally:
        _number_problems_by_payload(run, raw, after=last_problem, latest=latest)


def _number_problems_by_payload(run: ImportRun, raw, *, after: int, latest: dict) -> None:
    """The loader numbers rows among the kept events; a problem names the event's position
    in the payload instead (and its id as value when the field has none), like a parse
    problem. Only read when there are problems, which are few."""
    problems = list(run.problems.filter(pk__gt=after, row__isnull=False))
    if not problems:
        return
    by_number = {number: event.external_id for number, event in latest.values()}
    positions = {}
    for index, item in enumerate(polisen._load(raw)):
        if isinstance(item, dict):
            positions[str(item.get("id")).strip()] = index + 1  # the last one, as kept
    for problem in problems:
        external_id = by_number.get(problem.row)
        problem.row = positions.get(external_id, problem.row)
        problem.message = _("Händelse med id %(id)s: %(message)s") % {
            "id": external_id,
            "message": problem.message,
        }
    ImportProblem.objects.bulk_update(problems, ["row", "message"])


def run_summary(run: ImportRun) -> str:
    """The run's counts in one Swedish sentence (command output, logs)."""
    return _(
        "%(total)s händelser: %(created)s nya, %(updated)s uppdaterade, %(unchanged)s "
        "oförändrade, %(skipped)s från andra kommuner överhoppade, %(failed)s med fel."
    ) % {
        "total": run.rows_total,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "skipped": run.skipped,
        "failed": run.failed,
    }
