"""The common load step: checks, idempotence, revisions, problems, nothing half-written."""

from datetime import date
from decimal import Decimal

import pytest

from samverkan.imports.models import ImportRun
from samverkan.indicators.importers import load as load_module
from samverkan.indicators.importers.load import load_rows, start_run
from samverkan.indicators.importers.values import parse_number, parse_period, parse_years
from samverkan.indicators.models import Indicator, Observation, ObservationRevision, Source


@pytest.fixture
def share(db) -> Indicator:
    source = Source.objects.create(slug="shl", name="Skolbarns hälsa", kind=Source.Kind.FILE)
    return Indicator.objects.create(
        code="ledsen", name="Ofta eller alltid ledsen", unit=Indicator.Unit.PERCENT, source=source
    )


def rows(indicator="ledsen", **over):
    base = [
        {
            "row": 2,
            "indicator": indicator,
            "period": "2020/21",
            "geo_code": "2580",
            "breakdown": {"sex": "K", "grade": "ak7"},
            "value": "10,6 %",
            "n": "312",
        },
        {
            "row": 3,
            "indicator": indicator,
            "period": "2020/21",
            "geo_code": "2580",
            "breakdown": {"sex": "M", "grade": "ak7"},
            "value": "1,2 %",
            "n": "298",
        },
    ]
    for row in base:
        row.update(over)
    return base


def test_parse_number_swedish_forms():
    assert parse_number("10,6 %") == Decimal("10.6")
    assert parse_number("1 234") == Decimal("1234")
    assert parse_number("1\u00a0234,5") == Decimal("1234.5")
    assert parse_number("\u22122,5") == Decimal("-2.5")
    assert parse_number(2.03) == Decimal("2.03")
    assert parse_number("..").reason.startswith("värdet saknas")
    assert "sekretess" in parse_number("x").reason
    with pytest.raises(ValueError, match="inte ett tal"):
        parse_number("tio")


def test_parse_period_notations():
    assert parse_period("2021") == (date(2021, 1, 1), date(2021, 12, 31), "2021")
    p = parse_period("2020/21")
    assert (p.start, p.end, p.label) == (date(2020, 7, 1), date(2021, 6, 30), "2020/21")
    assert parse_period("2020/2021").label == "2020/21"
    assert parse_period("2024-02").end == date(2024, 2, 29)
    assert parse_period("2023K2").start == date(2023, 4, 1)
    assert parse_period("2023T3").end == date(2023, 12, 31)
    assert parse_period("2023-01-01–2023-06-30").end == date(2023, 6, 30)
    assert parse_period(2019).label == "2019"
    with pytest.raises(ValueError, match="läsår"):
        parse_period("2020/23")
    with pytest.raises(ValueError, match="ingen period"):
        parse_period("våren")
    assert parse_years("2019-2021,2023") == [2019, 2020, 2021, 2023]


def test_load_creates_then_second_import_is_all_unchanged(share):
    run = load_rows(start_run("generic"), rows())
    assert (run.created, run.updated, run.unchanged, run.failed) == (2, 0, 0, 0)
    assert run.status == ImportRun.Status.OK
    girls = Observation.objects.get(breakdown_key="grade=ak7;sex=K")
    assert girls.value == Decimal("10.6") and girls.n == 312
    assert (girls.period_label, girls.geo_level) == ("2020/21", "kommun")
    assert girls.import_run == run

    again = load_rows(start_run("generic"), rows())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Observation.objects.count() == 2
    assert not ObservationRevision.objects.exists()


def test_changed_value_is_updated_and_old_value_kept(share):
    first = load_rows(start_run("generic"), rows())
    changed = rows()
    changed[0]["value"] = "11,0"
    second = load_rows(start_run("generic"), changed, reason="Reviderad rapport")
    assert (second.updated, second.unchanged) == (1, 1)
    girls = Observation.objects.get(breakdown_key="grade=ak7;sex=K")
    assert girls.value == Decimal("11") and girls.import_run == second
    revision = girls.revisions.get()
    assert revision.value == Decimal("10.6")
    assert revision.reason == "Reviderad rapport"
    assert revision.import_run == second
    assert first.observations.count() == 1  # the boy's row still points at the first run


@pytest.mark.parametrize(
    ("override", "field", "fragment"),
    [
        ({"value": "120"}, "värde", "utanför det giltiga intervallet 0–100 för enheten Procent"),
        ({"value": "tio"}, "värde", "”tio” är inte ett tal"),
        ({"value": ".."}, "värde", "Värdet saknas"),
        ({"geo_code": "2599"}, "geografi", "Okänd kommunkod ”2599”"),
        ({"period": "våren"}, "period", "ingen period som känns igen"),
        ({"indicator": "finns-inte"}, "indikator", "Okänd indikator ”finns-inte”"),
        ({"n": "-3"}, "n", "inte ett heltal"),
    ],
)
def test_bad_row_gets_precise_problem_and_is_not_written(share, override, field, fragment):
    bad = rows()
    bad[1].update(override)
    run = load_rows(start_run("generic"), bad)
    assert (run.created, run.failed) == (1, 1)
    assert run.status == ImportRun.Status.WITH_PROBLEMS
    problem = run.problems.get()
    assert problem.row == 3 and problem.field == field
    assert fragment in problem.message
    assert Observation.objects.count() == 1


def test_index_range_0_to_6(share):
    share.unit = Indicator.Unit.INDEX_0_6
    share.save()
    run = load_rows(start_run("survey"), rows(value="6,5"))
    assert run.failed == 2 and "0–6" in run.problems.first().message


def test_duplicate_row_in_same_import(share):
    dup = rows()
    dup[1]["breakdown"] = dup[0]["breakdown"]
    run = load_rows(start_run("generic"), dup)
    assert run.failed == 1
    assert "finns redan på rad 2" in run.problems.get().message


def test_all_or_nothing_writes_nothing_when_a_row_is_bad(share):
    bad = rows()
    bad[1]["geo_code"] = "9999"
    run = load_rows(start_run("generic"), bad, all_or_nothing=True)
    assert run.status == ImportRun.Status.FAILED
    assert not Observation.objects.exists()


def test_database_error_rolls_back_the_batch_and_fails_the_run(share, monkeypatch):
    load_rows(start_run("generic"), rows())
    original = load_module.Loader.write
    calls = {"n": 0}

    def failing_write(self, batch):
        calls["n"] += 1
        if calls["n"] == 2:
            # write half the batch, then fail: the batch must roll back as a whole
            from django.db import transaction

            with transaction.atomic():
                original(self, batch[:1])
                raise RuntimeError("disk full")
        return original(self, batch)

    monkeypatch.setattr(load_module.Loader, "write", failing_write)
    new = rows(period="2021/22")
    new += [dict(r, period="2022/23", row=r["row"] + 10) for r in rows()]
    run = load_rows(start_run("generic"), new, batch_size=2)
    assert run.status == ImportRun.Status.FAILED
    assert "databasfel" in run.message and "disk full" in run.message
    labels = sorted(set(Observation.objects.values_list("period_label", flat=True)))
    assert labels == ["2020/21", "2021/22"]  # first batch kept, the failing one not half-written
    assert Observation.objects.filter(period_label="2022/23").count() == 0


def test_district_geography(share, demo):
    from samverkan.places.models import District

    district = District.objects.filter(municipality__code="2580").first()
    run = load_rows(
        start_run("survey"),
        rows(geo_level="omrade", geo_code=district.name, municipality="2580"),
    )
    assert run.created == 2, list(run.problems.values_list("message", flat=True))
    obs = Observation.objects.first()
    assert obs.district == district and obs.geo_code == f"2580:{district.slug}"
    bad = load_rows(start_run("survey"), rows(geo_level="omrade", geo_code="2580:Atlantis"))
    assert "Okänt område ”Atlantis” i kommun 2580" in bad.problems.first().message


def test_status_change_is_a_revision_too(share):
    load_rows(start_run("generic"), rows(status="preliminar"))
    run = load_rows(start_run("generic"), rows(status="slutlig"))
    assert run.updated == 2
    obs = Observation.objects.get(breakdown_key="grade=ak7;sex=K")
    assert obs.status == "slutlig" and obs.revisions.get().status == "preliminar"
    assert obs.value == Decimal("10.6")


def test_geography_forms(share):
    run = load_rows(
        start_run("generic"),
        [
            {"row": 1, "indicator": "ledsen", "period": "2021", "geo_code": "114", "value": 1},
            {
                "row": 2,
                "indicator": "ledsen",
                "period": "2021",
                "geo_code": "Luleå kommun",
                "value": 2,
            },
            {"row": 3, "indicator": "ledsen", "period": "2021", "geo_code": "0000", "value": 3},
            {"row": 4, "indicator": "ledsen", "period": "2021", "geo_code": "25", "value": 4},
            {
                "row": 5,
                "indicator": "ledsen",
                "period": "2021",
                "geo_level": "lpo",
                "geo_code": "LPO Luleå-Boden",
                "value": 5,
            },
            {"row": 6, "indicator": "ledsen", "period": "2021", "geo_code": "26", "value": 6},
        ],
    )
    held = dict(Observation.objects.values_list("geo_code", "geo_level"))
    assert held == {
        "0114": "kommun",
        "2580": "kommun",
        "SE": "land",
        "25": "lan",
        "LPO Luleå-Boden": "lpo",
    }
    assert run.problems.get().message == "Okänd länskod ”26”."
