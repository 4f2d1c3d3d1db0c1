"""Import incident reports from a CSV or XLSX file: the thin Django step around `rows`.

    import_incident_file(data=…, filename=…, organisation=…, mapping={…}, options={…})
        -> ImportRun

1. An ImportRun (kind "incidents", source "file") is created first, so whatever happens
   the user can open it.
2. `imports.tabular` reads the file and `mapping` checks the mapping; names of categories,
   districts and places are looked up among the categories and the municipalities the
   organisation works in. A file
   that cannot be read at all (not CSV/XLSX, empty, no header, a mapped column missing)
   fails the run with one Swedish message and writes nothing. A file with an unclosed quote
   (`imports.csvrecords`) is read and checked row by row but saves nothing either: the run
   fails with the line where the quote opened and every row's problems.
3. The rows stream from `rows.iter_rows` to `load_incidents` a batch at a time (a large
   file is never held as row dicts all at once). A row that cannot be read passes as a
   failed row with its problems; the rest get the rules of `services.incident_create`
   (privacy guard, time not in the future, position inside the municipality …) and are
   upserted by external id, atomically per batch (or all or nothing). Problems name the
   file's column headers.

External ids are namespaced by the organisation (``<organisation slug>:<id>``): two partners
whose files both number their rows 1, 2, 3 do not overwrite each other.
"""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.imports.models import ImportRun
from samverkan.imports.runs import fail_run, start_run
from samverkan.imports.tabular import FileError, read_table
from samverkan.imports.values import key
from samverkan.incidents import services
from samverkan.incidents.importers import rows as parse
from samverkan.incidents.importers.load import load_incidents
from samverkan.incidents.importers.mapping import TARGET_FIELDS, Lookups, Options
from samverkan.incidents.models import Category, Incident, SourceTypeMapping
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Place

KIND = "incidents"
SOURCE = Incident.Source.FILE.value


def lookups_for(organisation: Organisation) -> tuple[Lookups, dict, dict]:
    """The names a file may use, and the districts and places behind the keys."""
    lookups = Lookups()
    for category in Category.objects.all():
        lookups.categories[key(category.slug)] = category.slug
        lookups.categories.setdefault(key(category.name), category.slug)
    for source_type, slug in SourceTypeMapping.objects.filter(source=SOURCE).values_list(
        "source_type", "category__slug"
    ):
        lookups.type_mappings[key(source_type)] = slug
    municipalities = services.municipality_ids_for_organisation(organisation)
    districts = {d.pk: d for d in District.objects.filter(municipality__in=municipalities)}
    places = {p.pk: p for p in Place.objects.filter(municipality__in=municipalities)}
    for district in districts.values():
        names = {key(district.name), key(district.slug)}
        for name in names:
            lookups.districts.setdefault(name, []).append(district.pk)
    for place in places.values():
        lookups.places.setdefault(key(place.name), []).append(place.pk)
    return lookups, districts, places


def new_run(
    *,
    filename: str,
    organisation: Organisation,
    user: User | None,
    mapping: dict[str, str],
    options: dict | None,
    all_or_nothing: bool,
) -> ImportRun:
    """The run of a file import, "pågår" from now (the page shows it while the rows load)."""
    return start_run(
        KIND,
        SOURCE,
        filename=filename,
        organisation=organisation,
        user=user,
        details={
            "mapping": {target: header for target, header in mapping.items() if header},
            "options": options or {},
            "all_or_nothing": all_or_nothing,
        },
    )


def import_incident_file(
    *,
    data: bytes,
    filename: str,
    organisation: Organisation,
    mapping: dict[str, str],
    options: dict | None = None,
    user: User | None = None,
    all_or_nothing: bool = False,
    batch_size: int = 5000,
    run: ImportRun | None = None,
) -> ImportRun:
    """Import the file's rows as reports of `organisation`; returns the finished run (`run`
    when one was made beforehand, see `new_run`)."""
    mapping = {target: header for target, header in (mapping or {}).items() if header}
    run = run or new_run(
        filename=filename,
        organisation=organisation,
        user=user,
        mapping=mapping,
        options=options,
        all_or_nothing=all_or_nothing,
    )
    try:
        parsed_options = Options.from_dict(options)
        table = read_table(
            data, sheet=parsed_options.sheet, encoding=(options or {}).get("encoding", "")
        )
        if not table.rows:
            raise FileError(_("Filen har en rubrikrad men inga rader med data."))
        lookups, districts, places = lookups_for(organisation)
        parsed = parse.iter_rows(table, mapping, options=parsed_options, lookups=lookups)
    except FileError as error:
        return fail_run(run, str(error))

    run.details.update(
        format=table.kind,
        encoding=table.encoding,
        encoding_chosen=bool((options or {}).get("encoding")),
        delimiter=table.delimiter,
        sheet=table.sheet,
    )
    if table.guess is not None and not table.guess.certain:
        run.details["encoding_doubtful"] = table.guess.doubtful
    run.save()
    if table.refusal:
        # An unclosed quote: every row is still read and checked (so the run lists every
        # problem, the privacy guard's too), but nothing is saved.
        all_or_nothing = True

    prefix = f"{organisation.slug}:"

    def rows():
        # Streamed: the loader takes a batch at a time, so a large file never exists as row
        # dicts all at once; rows that could not be read pass as failed rows.
        for row in parsed:
            if "problems" not in row:
                row["external_id"] = prefix + row["external_id"]
                if "district" in row:
                    row["district"] = districts[row["district"]]
                if "place" in row:
                    row["place"] = places[row["place"]]
            yield row

    before = run.problems.aggregate(last=Max("pk"))["last"] or 0
    run = load_incidents(
        rows(),
        run=run,
        source=SOURCE,
        organisation=organisation,
        by=user,
        all_or_nothing=all_or_nothing,
        batch_size=batch_size,
    )
    _name_columns(run, mapping, after=before)
    if table.refusal and run.status == ImportRun.Status.FAILED:
        run.message = f"{table.refusal} {run.message}".strip()
        run.save(update_fields=["message"])
    return run


def _name_columns(run: ImportRun, mapping: dict[str, str], *, after: int) -> None:
    """The loader names the model's fields; the user knows the file's column headers (and,
    for a field without a column, its Swedish name)."""
    names = {
        "municipality": _("Kommun"),
        **{target: str(label) for target, label in TARGET_FIELDS.items()},
    }
    if "lat" in mapping:
        names["lon"] = mapping["lat"]  # the position is reported under its first column
    if "occurred_from" in mapping:
        names["occurred_to"] = mapping["occurred_from"]
    names.update(mapping)
    loaded = run.problems.filter(pk__gt=after)
    fields = set(loaded.values_list("field", flat=True).distinct())
    for target in fields & set(names):
        loaded.filter(field=target).update(field=names[target][:100])
