"""The figures the operational plan quotes, as data: checked against the plan's own text."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

import samverkan
from samverkan.indicators.models import Indicator, Observation, Source
from samverkan.indicators.seed_figures import (
    SEED_SOURCE_SLUG,
    figure_values,
    load_seed_figures,
    seed_figures,
)

ROOT = Path(samverkan.__file__).resolve().parent.parent
# The plan document itself, kept in the repository (tests/fixtures/seed/README.md).
SEED = ROOT / "tests" / "fixtures" / "seed" / "verksamhetsplan-2020-2021.txt"


def plain(text: str) -> str:
    """The PDF extract as running text: hyphenated line breaks joined, whitespace collapsed."""
    text = re.sub(r"(?<=[^\W\d_])-\s*\n\s*", "", text)  # "Mot-\nsvarande" → "Motsvarande"
    text = re.sub(r"(?<=\d)-\s*\n\s*", "-", text)  # "15-\n17 år" → "15-17 år"
    return re.sub(r"\s+", " ", text)


def swedish_number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def test_it_holds_every_figure_the_plan_quotes():
    figures = seed_figures()["figures"]
    # Counted paragraph by paragraph in the plan: 6.1 one (drygt 60 % at weekends), 6.2 four
    # (sad or low: girls/boys × åk 7/gy 1), 6.3 eight from the drug-habit survey 2017, six
    # from Skolbarns hälsa 2018/2019 and one range (230–260 crimes a year).
    assert len(figures) == 20
    per_section = {s: sum(f["section"] == s for f in figures) for s in ("6.1", "6.2", "6.3")}
    assert per_section == {"6.1": 1, "6.2": 4, "6.3": 15}


def test_every_quote_is_the_plans_own_sentence():
    seed = plain(SEED.read_text(encoding="utf-8"))
    data = seed_figures()
    for item in data["figures"] + data["findings"]:
        assert item["quote"] in seed, item["quote"]


def test_every_value_is_the_number_written_in_its_quote():
    for figure in seed_figures()["figures"]:
        assert figure["text"] in figure["quote"]
        numbers = re.findall(r"\d+(?:,\d+)?", figure["text"])
        values = [value for value, _extra in figure_values(figure)]
        assert [swedish_number(n) for n in numbers] == values, figure["text"]


@pytest.mark.parametrize(
    ("indicator", "breakdowns", "expected"),
    [
        # "Andelen flickor i åk 7 är 10,6 % och i år 1 på gymnasiet är andelen 21 %.
        #  Motsvarande siffror för pojkar är 1,2 % respektive 6 %."
        ("shlv-ledsen", {"sex": "K", "grade": "ak7"}, [Decimal("10.6")]),
        ("shlv-ledsen", {"sex": "K", "grade": "gy1"}, [Decimal("21")]),
        ("shlv-ledsen", {"sex": "M", "grade": "ak7"}, [Decimal("1.2")]),
        ("shlv-ledsen", {"sex": "M", "grade": "gy1"}, [Decimal("6")]),
        # "62 % årskurs 9 på högstadiet … aldrig druckit alkohol"
        ("can-aldrig-druckit", {"grade": "ak9"}, [Decimal("62")]),
        ("shlv-aldrig-druckit", {"grade": "gy1"}, [Decimal("63.9")]),
        # "mellan 230-260 brott": a range, not a made-up middle
        ("brott-alkohol-narkotika", {}, [Decimal("230"), Decimal("260")]),
    ],
)
def test_a_sample_of_values_matches_the_plan(indicator, breakdowns, expected):
    found = [
        f
        for f in seed_figures()["figures"]
        if f["indicator"] == indicator and f["breakdowns"] == breakdowns
    ]
    assert len(found) == 1
    assert [value for value, _extra in figure_values(found[0])] == expected


def test_the_demo_loads_them_as_observations_of_the_plan_document(demo):
    source = Source.objects.get(slug=SEED_SOURCE_SLUG)
    assert source.name == "Verksamhetsplanen 2020–2021 (styrgruppens beslut)"
    assert source.kind == Source.Kind.DOCUMENT
    observations = Observation.objects.filter(indicator__source=source)
    assert observations.count() == 21  # 20 figures, the range as low and high
    girls = observations.get(
        indicator__code="shlv-ledsen", breakdown_key="grade=ak7;sex=K", geo_code="2580"
    )
    assert girls.value == Decimal("10.6")
    assert girls.period_label == "2018/2019"
    assert "10,6 %" in girls.note and "6.2" in girls.note
    bounds = observations.filter(indicator__code="brott-alkohol-narkotika").order_by("value")
    assert [(o.value, o.breakdown["grans"], o.period_label) for o in bounds] == [
        (Decimal("230"), "nedre", "2016–2019"),
        (Decimal("260"), "ovre", "2016–2019"),
    ]
    # The base data the plan names without numbers is in the catalogue too.
    assert Indicator.objects.get(code="unga-misstankta").observations.count() == 0


def test_loading_again_changes_nothing(demo):
    before = list(Observation.objects.values_list("pk", "value").order_by("pk"))

    assert load_seed_figures() == 0

    assert list(Observation.objects.values_list("pk", "value").order_by("pk")) == before
    assert Indicator.objects.filter(source__slug=SEED_SOURCE_SLUG).count() == len(
        seed_figures()["indicators"]
    )
