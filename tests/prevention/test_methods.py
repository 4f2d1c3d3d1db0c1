from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from samverkan.prevention.models import Method
from samverkan.prevention.services import load_methods

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "prevention" / "methods.yaml"


def test_the_loader_upserts_by_slug(db):
    assert load_methods(FIXTURE) == {"created": 2, "updated": 0}
    light = Method.objects.get(slug="belysning")
    assert (light.name, light.type, light.level, light.evidence) == (
        "Förbättrad belysning",
        "situationell",
        "universell",
        "effektiv",
    )
    assert light.citation == "Welsh & Farrington (2008)"
    light.name = "Ändrad i admin"
    light.save()
    assert load_methods(FIXTURE) == {"created": 0, "updated": 2}
    assert Method.objects.count() == 2
    assert Method.objects.get(slug="belysning").name == "Förbättrad belysning"


def test_a_bad_entry_writes_nothing(db, tmp_path):
    bad = tmp_path / "methods.yaml"
    bad.write_text(
        FIXTURE.read_text(encoding="utf-8")
        + "- slug: mentor\n  name: Mentorskap\n  type: social\n  level: alla\n"
        "  evidence: lovande\n"
    )
    with pytest.raises(ValidationError) as excinfo:
        load_methods(bad)
    assert excinfo.value.messages == [
        "Metod mentor: okänt värde alla för level (välj en av universell, selektiv, indikerad)."
    ]
    assert not Method.objects.exists()


def test_a_missing_key_and_a_duplicate_are_named(db, tmp_path):
    bad = tmp_path / "methods.yaml"
    bad.write_text(
        "- slug: a\n  name: A\n  type: social\n  level: selektiv\n  evidence: lovande\n"
        "- slug: a\n  name: A igen\n  type: social\n  level: selektiv\n"
    )
    with pytest.raises(ValidationError) as excinfo:
        load_methods(bad)
    assert excinfo.value.messages == ["Metod a saknar evidence.", "Metod a finns två gånger."]


def test_a_missing_file_is_a_swedish_message(db, tmp_path):
    with pytest.raises(ValidationError, match="Metodkatalogen finns inte"):
        load_methods(tmp_path / "nej.yaml")


def test_the_command_loads_the_catalogue_and_reports_errors(db, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("import_methods", str(FIXTURE), stdout=out)
    assert out.getvalue().strip() == "2 nya och 0 uppdaterade metoder."
    with pytest.raises(CommandError, match="Metodkatalogen finns inte"):
        call_command("import_methods", str(tmp_path / "nej.yaml"))


def test_the_library_file_itself_loads_in_a_handful_of_queries(db, django_assert_max_num_queries):
    # The library keeps its list under `methods:`; the loader reads it as it is.
    with django_assert_max_num_queries(8):
        counts = load_methods()
    assert counts["created"] == Method.objects.count() >= 30
    assert counts["updated"] == 0
    assert Method.objects.filter(slug="klotterborttagning-24h", evidence="lovande").exists()
    assert load_methods() == {"created": 0, "updated": counts["created"]}
