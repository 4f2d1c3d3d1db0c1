"""The method library (samverkan/prevention/data/methods.yaml) is complete and consistent."""

from pathlib import Path

import pytest
import yaml

import samverkan

LIBRARY = Path(samverkan.__file__).resolve().parent / "prevention" / "data" / "methods.yaml"
TYPES = {"situationell", "social"}
LEVELS = {"universell", "selektiv", "indikerad"}
EVIDENCE = {"effektiv", "lovande", "ingen_effekt", "skadlig", "ej_utvarderad"}
FIELDS = (
    "slug",
    "name",
    "type",
    "level",
    "target_problem",
    "evidence",
    "source",
    "citation",
    "description",
)


@pytest.fixture(scope="module")
def methods() -> list[dict]:
    return yaml.safe_load(LIBRARY.read_text(encoding="utf-8"))["methods"]


def test_it_has_at_least_thirty_methods_with_unique_slugs(methods):
    assert len(methods) >= 30
    slugs = [m["slug"] for m in methods]
    assert len(set(slugs)) == len(slugs)


def test_every_method_has_every_field_filled_in(methods):
    for method in methods:
        for field in FIELDS:
            value = method.get(field)
            assert isinstance(value, str) and value.strip(), f"{method.get('slug')}: {field}"


def test_every_method_uses_the_allowed_values(methods):
    for method in methods:
        assert method["type"] in TYPES, method["slug"]
        assert method["level"] in LEVELS, method["slug"]
        assert method["evidence"] in EVIDENCE, method["slug"]


def test_both_types_and_all_levels_are_present(methods):
    assert {m["type"] for m in methods} == TYPES
    assert {m["level"] for m in methods} == LEVELS


def test_it_names_what_does_not_work_and_what_harms(methods):
    ratings = {m["evidence"] for m in methods}
    assert "skadlig" in ratings
    assert "ingen_effekt" in ratings


def test_every_citation_names_a_year(methods):
    for method in methods:
        assert any(f"({year}" in method["citation"] for year in range(1970, 2030)), method["slug"]


@pytest.mark.parametrize(
    "slug, evidence",
    [
        ("scared-straight", "skadlig"),
        ("boot-camps", "ingen_effekt"),
        ("forbattrad-gatubelysning", "effektiv"),
        ("hot-spot-polisarbete", "effektiv"),
        ("multisystemisk-terapi", "ingen_effekt"),
    ],
)
def test_the_reviews_ratings_are_kept(methods, slug, evidence):
    by_slug = {m["slug"]: m for m in methods}
    assert by_slug[slug]["evidence"] == evidence
