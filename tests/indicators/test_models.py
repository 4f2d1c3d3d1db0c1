from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from samverkan.indicators.models import Indicator, Observation, Source, canonical_breakdown


@pytest.fixture
def kolada(db) -> Source:
    return Source.objects.create(slug="kolada-test", name="Kolada", kind=Source.Kind.API)


def make_indicator(source, unit=Indicator.Unit.PERCENT, **kw) -> Indicator:
    return Indicator.objects.create(
        code=kw.pop("code", f"test-{unit}"),
        name=kw.pop("name", "Test"),
        unit=unit,
        source=source,
        **kw,
    )


def test_canonical_breakdown_sorts_and_drops_total():
    breakdown, key = canonical_breakdown({"Sex": "k", "grade": " ak7 ", "empty": "", "x": None})
    assert breakdown == {"grade": "ak7", "sex": "K"}
    assert key == "grade=ak7;sex=K"
    assert canonical_breakdown({"sex": "T"}) == ({}, "")
    assert canonical_breakdown(None) == ({}, "")


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        (Indicator.Unit.PERCENT, (Decimal(0), Decimal(100))),
        (Indicator.Unit.INDEX_0_6, (Decimal(0), Decimal(6))),
        (Indicator.Unit.COUNT, (Decimal(0), None)),
        (Indicator.Unit.OTHER, (None, None)),
    ],
)
def test_value_range_per_unit(kolada, unit, expected):
    assert make_indicator(kolada, unit).value_range() == expected


def test_own_bounds_override_unit_range(kolada):
    ind = make_indicator(kolada, Indicator.Unit.OTHER, value_min=Decimal(-5), value_max=Decimal(5))
    assert ind.value_range() == (Decimal(-5), Decimal(5))


def test_observation_identity_is_unique_including_breakdown(kolada):
    ind = make_indicator(kolada)
    common = dict(
        indicator=ind,
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        period_label="2021",
        geo_level="kommun",
        geo_code="2580",
        value=Decimal("10.6"),
        retrieved_at=timezone.now(),
    )
    Observation.objects.create(breakdown={"sex": "K"}, **common)
    Observation.objects.create(breakdown={"sex": "M"}, **common)
    obs = Observation.objects.create(breakdown={"sex": "T"}, **common)
    assert obs.breakdown_key == ""
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(breakdown={"sex": "k"}, **common)


def test_period_must_be_ordered(kolada):
    ind = make_indicator(kolada)
    with pytest.raises(IntegrityError), transaction.atomic():
        Observation.objects.create(
            indicator=ind,
            period_start=date(2021, 12, 31),
            period_end=date(2021, 1, 1),
            period_label="x",
            geo_level="kommun",
            geo_code="2580",
            value=1,
            retrieved_at=timezone.now(),
        )
