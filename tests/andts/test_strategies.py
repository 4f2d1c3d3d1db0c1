"""The national strategies as data: the shipped file, idempotent loading, a new strategy as a
file of its own, and a bad file refused whole."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from samverkan.andts import services
from samverkan.andts.models import PriorityArea, Strategy, StrategyGoal


def test_the_shipped_strategies(db):
    assert services.load_strategies() == {"created": 2, "updated": 0}
    andt = Strategy.objects.get(slug="andt-2016-2020")
    andts = Strategy.objects.get(slug="andts-2022-2025")
    assert andt.goals.count() == 6 and andts.goals.count() == 7
    assert andt.overall_goal.startswith("Ett samhälle fritt från narkotika och doping")
    assert "spel om pengar" in andts.overall_goal
    assert andt.goals.get(number=1).text == (
        "Tillgång till narkotika, dopningsmedel, alkohol och tobak ska minska."
    )
    assert andts.goals.get(number=7).text.startswith("En folkhälsobaserad syn på ANDTS")
    assert (andts.period_start.year, andts.period_end.year) == (2022, 2025)


def test_loading_twice_changes_nothing_and_keeps_added_priority_areas(db):
    services.load_strategies()
    goal = StrategyGoal.objects.get(strategy__slug="andts-2022-2025", number=3)
    PriorityArea.objects.create(goal=goal, text="Lokalt tillagt", position=9)
    before = (StrategyGoal.objects.count(), PriorityArea.objects.count())
    assert services.load_strategies() == {"created": 0, "updated": 2}
    assert (StrategyGoal.objects.count(), PriorityArea.objects.count()) == before


NEW = """
strategies:
  - slug: andts-2026-2029
    title: "ANDTS-strategin 2026–2029"
    period_start: 2026-01-01
    period_end: 2029-12-31
    overall_goal: "Ett samhälle fritt från narkotika."
    goals:
      - number: 1
        text: "Tillgången ska minska."
        priority_areas: ["Tillsyn"]
"""


def test_a_new_strategy_is_added_as_a_file(db, tmp_path):
    path = tmp_path / "ny.yaml"
    path.write_text(NEW, encoding="utf-8")
    call_command("load_strategies", str(path))
    strategy = Strategy.objects.get(slug="andts-2026-2029")
    assert [a.text for a in strategy.goals.get().priority_areas.all()] == ["Tillsyn"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("strategies: [{slug: x}]", "Strategi x saknar title"),
        ("- !!python/object/apply:os.system ['true']", "kan inte läsas som YAML"),
        (NEW.replace("number: 1", "number: noll"), "number ska vara ett heltal från 1"),
        (NEW.replace("2029-12-31", "2020-12-31"), "period_end ligger före period_start"),
        (NEW.replace("    goals:", "    colour: red\n    goals:"), "har okända fält: colour"),
    ],
)
def test_a_bad_file_is_refused_whole(db, tmp_path, text, message):
    path = tmp_path / "dålig.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        services.load_strategies(path)
    assert not Strategy.objects.exists()
    with pytest.raises(CommandError, match=message):
        call_command("load_strategies", str(path))
