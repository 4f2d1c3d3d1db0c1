"""load_incidents: the batch loader under every incident import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from samverkan.imports.models import ImportProblem, ImportRun
from samverkan.incidents.importers.load import load_incidents
from samverkan.incidents.models import Category, Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Municipality

from .conftest import A_PERSONNUMMER, BODENS_RESECENTRUM, HERTSO_CENTRUM


@pytest.fixture
def lulea_kommun(demo) -> Organisation:
    return Organisation.objects.get(slug="lulea-kommun")


@pytest.fixture
def police(demo) -> Organisation:
    return Organisation.objects.get(slug="lpo-lulea-boden")


def new_run(organisation) -> ImportRun:
    return ImportRun.objects.create(kind="incidents", source="csv", organisation=organisation)


def rows(n, *, when, start=1, **fields):
    lat, lon = HERTSO_CENTRUM
    return [
        {
            "row": i,
            "external_id": f"x-{i}",
            "category": "klotter",
            "occurred_from": when,
            "lat": lat,
            "lon": lon,
            "description": f"Klotter på vägg nummer {i}.",
            **fields,
        }
        for i in range(start, start + n)
    ]


def load(data, organisation, **kwargs):
    run = new_run(organisation)
    return load_incidents(data, run=run, source="file", organisation=organisation, **kwargs)


def test_new_rows_are_created_with_the_rules_of_the_form(lulea_kommun, lulea, an_hour_ago):
    run = load(rows(3, when=an_hour_ago, cost_sek="1200,5".replace(",", ".")), lulea_kommun)
    assert (run.rows_total, run.created, run.updated, run.unchanged, run.failed) == (3, 3, 0, 0, 0)
    assert run.status == ImportRun.Status.OK and run.finished_at is not None
    incident = Incident.objects.get(external_id="x-2")
    assert incident.source == "file" and incident.organisation == lulea_kommun
    assert incident.municipality == lulea
    assert incident.district.slug == "hertson"  # from the point
    assert incident.occurred_from == an_hour_ago == incident.occurred_to
    assert incident.classification == "intern" and incident.status == "ny"
    assert incident.cost_sek == Decimal("1200.50")
    assert incident.import_run == run
    assert incident.category.slug == "klotter"


def test_running_the_same_input_again_changes_nothing(lulea_kommun, an_hour_ago):
    data = rows(5, when=an_hour_ago, severity=2, cost_sek=Decimal("10"))
    load(data, lulea_kommun)
    before = list(Incident.objects.order_by("pk").values())
    again = load(data, lulea_kommun, batch_size=2)
    assert (again.created, again.updated, again.unchanged, again.failed) == (0, 0, 5, 0)
    assert list(Incident.objects.order_by("pk").values()) == before


def test_a_changed_row_is_updated_and_counted(lulea_kommun, an_hour_ago):
    load(rows(3, when=an_hour_ago), lulea_kommun)
    data = rows(3, when=an_hour_ago)
    data[1]["description"] = "Klottret är sanerat men nytt har tillkommit."
    run = load(data, lulea_kommun)
    assert (run.created, run.updated, run.unchanged) == (0, 1, 2)
    incident = Incident.objects.get(external_id="x-2")
    assert incident.description == "Klottret är sanerat men nytt har tillkommit."
    assert incident.import_run == run


def test_a_status_set_by_a_person_is_kept_when_the_import_does_not_give_one(
    lulea_kommun, an_hour_ago
):
    load(rows(1, when=an_hour_ago), lulea_kommun)
    Incident.objects.update(status="granskad")
    run = load(rows(1, when=an_hour_ago), lulea_kommun)
    assert run.unchanged == 1
    assert Incident.objects.get().status == "granskad"
    run = load(rows(1, when=an_hour_ago, status="ny"), lulea_kommun)
    assert run.updated == 1 and Incident.objects.get().status == "ny"


def test_bad_rows_become_problems_and_the_rest_is_written(lulea_kommun, an_hour_ago):
    data = rows(10, when=an_hour_ago)
    data[0]["category"] = "finns-inte"
    data[1]["occurred_from"] = timezone.now() + dt.timedelta(days=2)
    data[2]["description"] = f"Gärningsperson {A_PERSONNUMMER} sprang."
    data[3]["lat"], data[3]["lon"] = BODENS_RESECENTRUM  # Boden: not in Luleå's agreements
    data[4]["municipality"] = Municipality.objects.get(code="2580")
    data[4]["lat"], data[4]["lon"] = BODENS_RESECENTRUM  # outside Luleå
    data[5]["external_id"] = "x-7"  # the same id as the row after it
    data[7]["severity"] = 5
    run = load(data, lulea_kommun)
    assert (run.rows_total, run.created, run.failed) == (10, 3, 7)
    assert run.status == ImportRun.Status.WITH_PROBLEMS
    assert set(Incident.objects.values_list("external_id", flat=True)) == {"x-7", "x-9", "x-10"}
    problems = {}
    for problem in ImportProblem.objects.filter(run=run).order_by("pk"):
        problems.setdefault(problem.row, problem)
    assert set(problems) == {1, 2, 3, 4, 5, 7, 8}
    assert problems[1].field == "category" and "finns-inte" in problems[1].message
    assert problems[2].field == "occurred_from" and "framtiden" in problems[2].message
    # The guard's problem says what was found, but the run keeps no copy of it.
    assert problems[3].field == "description" and "personnummer" in problems[3].message
    assert A_PERSONNUMMER not in problems[3].message + problems[3].value
    assert problems[3].value == "Gärningsperson […] sprang."
    assert problems[4].field == "lat" and "samverkar" in problems[4].message
    assert problems[5].field == "lat" and "utanför kommungränsen för Luleå" in problems[5].message
    assert problems[7].field == "external_id" and "rad 6" in problems[7].message
    assert problems[8].field == "severity" and problems[8].value == "5"


def test_the_municipality_must_be_in_the_organisations_agreements(lulea_kommun, an_hour_ago):
    boden = Municipality.objects.get(code="2582")
    data = rows(1, when=an_hour_ago, municipality=boden, lat=None, lon=None)
    run = load(data, lulea_kommun)
    [problem] = run.problems.all()
    assert problem.field == "municipality" and "Boden" in problem.message
    assert not Incident.objects.exists()


def test_all_or_nothing_writes_nothing_when_a_row_fails(lulea_kommun, an_hour_ago):
    data = rows(6, when=an_hour_ago)
    data[4]["category"] = ""
    run = load(data, lulea_kommun, all_or_nothing=True, batch_size=2)
    assert not Incident.objects.exists()
    assert run.status == ImportRun.Status.FAILED and "Inget sparades" in run.message
    assert run.failed == 1 and run.created == 0
    assert run.problems.get().row == 5


def test_a_crash_keeps_finished_batches_and_marks_the_run_failed(lulea_kommun, an_hour_ago):
    def source():
        yield from rows(4, when=an_hour_ago)
        raise OSError("disken är full")

    run = new_run(lulea_kommun)
    with pytest.raises(OSError):
        load_incidents(source(), run=run, source="file", organisation=lulea_kommun, batch_size=2)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "disken är full" in run.message
    assert Incident.objects.count() == 4 and run.created == 4


def test_a_centre_position_is_not_placed_in_a_district(police, an_hour_ago):
    # Polisen's point is the centre of the county: outside Luleå, but only a centre.
    data = rows(
        1,
        when=an_hour_ago,
        lat=66.830899,
        lon=20.399244,
        position_is_centre=True,
        municipality=Municipality.objects.get(code="2580"),
    )
    run = load(data, police)
    assert run.created == 1, list(run.problems.values_list("message", flat=True))
    incident = Incident.objects.get()
    assert incident.position_is_centre and incident.district is None


def test_a_record_of_another_organisation_is_not_changed(lulea_kommun, police, an_hour_ago):
    load(rows(1, when=an_hour_ago), lulea_kommun)
    data = rows(1, when=an_hour_ago, description="Annan text.")
    run = load(data, police)
    assert run.failed == 1 and "annan organisation" in run.problems.get().message
    assert Incident.objects.get().description == "Klotter på vägg nummer 1."


def test_a_category_object_and_a_district_are_accepted(lulea_kommun, lulea, an_hour_ago):
    centrum = District.objects.get(municipality=lulea, slug="centrum")
    data = rows(1, when=an_hour_ago, lat=None, lon=None, district=centrum)
    data[0]["category"] = Category.objects.get(slug="klotter")
    run = load(data, lulea_kommun)
    assert run.created == 1
    incident = Incident.objects.get()
    assert incident.district == centrum and incident.municipality == lulea
    assert incident.lat is None


def test_many_batches(lulea_kommun, an_hour_ago):
    run = load(rows(23, when=an_hour_ago), lulea_kommun, batch_size=5)
    assert run.created == 23 and Incident.objects.count() == 23
    run = load(rows(30, when=an_hour_ago), lulea_kommun, batch_size=7)
    assert (run.created, run.unchanged) == (7, 23)


# --- The raw write path stores what the ORM path stores -----------------------------------------

_NOT_COMPARED = {"id", "source", "external_id", "import_run_id", "created_at", "updated_at"}


def _orm_and_loaded(by, fields: dict):
    """The same report filed by services.incident_create and loaded by load_incidents, each
    read back from the database as a dict of its columns."""
    from samverkan.incidents.services import incident_create

    filed = incident_create(by=by, **fields)
    run = new_run(by.organisation)
    run = load_incidents(
        [{"row": 1, "external_id": "same-1", **fields}],
        run=run,
        source="file",
        organisation=by.organisation,
        by=by,
    )
    assert run.created == 1, list(run.problems.values_list("message", flat=True))
    orm = Incident.objects.filter(pk=filed.pk).values().get()
    loaded = Incident.objects.filter(source="file", external_id="same-1").values().get()
    return orm, loaded


@pytest.mark.parametrize(
    "extra",
    [
        # Only what is required: every default as the ORM gives it.
        {},
        # Every field the form has, a period with microseconds and a cost.
        {
            "occurred_to": "later",
            "time_precision": "ungefar",
            "severity": 3,
            "creates_insecurity": True,
            "place_type": "halvoffentlig",
            "classification": "begransad",
            "cost_sek": Decimal("1234.5"),
            "status": "granskad",
        },
    ],
    ids=["defaults", "every-field"],
)
@pytest.mark.parametrize("where", ["point", "place", "district"])
def test_the_raw_write_path_stores_exactly_what_the_orm_stores(
    reporter, klotter, stadsparken, lulea, where, extra
):
    when = (timezone.now() - dt.timedelta(hours=3)).replace(microsecond=123456)
    fields = {"category": klotter, "occurred_from": when, "description": "  Klotter på muren. "}
    if where == "point":
        fields["lat"], fields["lon"] = HERTSO_CENTRUM
    elif where == "place":
        fields["place"] = stadsparken
    else:
        fields["district"] = District.objects.get(municipality=lulea, slug="centrum")
    fields.update(extra)
    if fields.get("occurred_to") == "later":
        fields["occurred_to"] = when + dt.timedelta(minutes=90, microseconds=7)
    orm, loaded = _orm_and_loaded(reporter, fields)
    assert {k: v for k, v in loaded.items() if k not in _NOT_COMPARED} == {
        k: v for k, v in orm.items() if k not in _NOT_COMPARED
    }
    assert set(orm) - _NOT_COMPARED >= {"category_id", "cost_sek", "reporter_id", "status"}
    # Timestamps: set once, both the same moment, as auto_now_add/auto_now give on create.
    assert loaded["created_at"] == loaded["updated_at"]
    assert abs(loaded["created_at"] - orm["created_at"]) < dt.timedelta(minutes=1)
    assert loaded["source"] == "file" and loaded["import_run_id"] is not None


def test_a_row_loaded_twice_is_unchanged_whatever_the_stored_types(reporter, klotter):
    # The second load compares what the database gives back (text datetimes and float
    # decimals on SQLite) with the row: an exact read-back, or every row would be "updated".
    when = (timezone.now() - dt.timedelta(hours=2)).replace(microsecond=999999)
    row = {
        "row": 1,
        "external_id": "twice",
        "category": klotter,
        "occurred_from": when.astimezone(dt.timezone(dt.timedelta(hours=2))),
        "lat": HERTSO_CENTRUM[0],
        "lon": HERTSO_CENTRUM[1],
        "cost_sek": "0.10",
        "creates_insecurity": True,
        "is_summary": False,
        "position_is_centre": False,
        "source_type": "Klotter ",
    }
    organisation = reporter.organisation
    first = load_incidents(
        [row], run=new_run(organisation), source="file", organisation=organisation
    )
    assert first.created == 1
    again = load_incidents(
        [row], run=new_run(organisation), source="file", organisation=organisation
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    stored = Incident.objects.get(external_id="twice")
    assert stored.cost_sek == Decimal("0.10") and stored.occurred_from == when
    assert stored.source_type == "Klotter"


def test_the_sqlite_page_cache_is_larger_during_a_run_and_restored_after(lulea_kommun, an_hour_ago):
    from django.db import connection

    from samverkan.incidents.importers.writer import SQLITE_IMPORT_CACHE_KIB

    def cache_size():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size" if connection.vendor == "sqlite" else "SELECT 0")
            return cursor.fetchone()[0]

    during = []

    def source():
        yield from rows(2, when=an_hour_ago)
        during.append(cache_size())

    before = cache_size()
    run = load(source(), lulea_kommun)
    assert run.created == 2
    if connection.vendor == "sqlite":
        assert during == [-SQLITE_IMPORT_CACHE_KIB] and before != during[0]
    else:
        assert during == [0]  # PostgreSQL: no session setting is touched
    assert cache_size() == before


def test_an_imported_row_keeps_the_limits_of_the_form(lulea_kommun, an_hour_ago):
    from samverkan.core.limits import DESCRIPTION_MAX_LENGTH

    data = rows(3, when=an_hour_ago)
    data[0]["description"] = "x" * (DESCRIPTION_MAX_LENGTH + 1)
    data[1]["occurred_from"] = dt.datetime(1899, 12, 31, 12, tzinfo=dt.UTC)
    data[2]["description"] = "Klotter\x00 på\x07 muren"
    run = load(data, lulea_kommun)
    assert (run.created, run.failed) == (1, 2)
    problems = {p.row: p for p in ImportProblem.objects.filter(run=run)}
    assert f"högst {DESCRIPTION_MAX_LENGTH} får plats" in problems[1].message
    assert "före år 1900" in problems[2].message
    assert Incident.objects.get().description == "Klotter på muren"
