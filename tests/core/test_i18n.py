"""Swedish first, English as a second locale: the pages, messages and errors go through gettext,
the language is Swedish unless the person chose English (the language cookie), and the committed catalogue
(samverkan/locale/en) is complete and compiled."""

import ast
import gettext
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from samverkan.plans import services
from samverkan.plans.models import Commitment, FollowUpStatus, Plan

LOCALE = Path(__file__).resolve().parents[2] / "samverkan" / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture
def english(client):
    """The person chose English (what the language button in the header does)."""
    client.cookies["django_language"] = "en"


@pytest.fixture(autouse=True)
def _back_to_swedish():
    # The language middleware activates the request's language for the thread and leaves it active;
    # later tests that run outside a request expect the default, Swedish.
    yield
    translation.deactivate()


def commitment(plan: Plan, number: str) -> Commitment:
    return plan.sections.get(number=number).commitments.get()


# --- The login page -------------------------------------------------------------------------


def test_it_shows_the_login_page_in_swedish_by_default(client, demo):
    response = client.get("/login/")
    assertContains(response, '<html lang="sv">')
    assertContains(response, "<h1>Logga in</h1>")
    assertContains(response, '<label for="id_username">Användarnamn</label>')
    assertNotContains(response, "Log in")


def test_it_shows_the_login_page_in_english(english, client, demo):
    response = client.get("/login/")
    assertContains(response, '<html lang="en">')
    assertContains(response, "<title>Log in – Samverkan</title>")
    assertContains(response, "<h1>Log in</h1>")
    assertContains(response, '<label for="id_username">Username</label>')
    assertContains(response, '<label for="id_password">Password</label>')
    assertNotContains(response, "Logga in")


# --- The plan ---------------------------------------------------------------------------------


def test_it_shows_the_plan_in_swedish_by_default(client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get("/", follow=True)
    assertContains(response, "<h3>Mål</h3>")
    assertContains(response, "<h3>Åtaganden</h3>")
    assertContains(response, "<strong>Delmål 3:</strong>")
    assertContains(response, "Ansvar: Kommunstaben, Lokalpolisområde Luleå-Boden")
    assertContains(response, '<span class="badge">Fastställd</span>')
    assertContains(response, '<h2 style="margin-top:0">Planen</h2>')


def test_it_shows_the_plan_in_english(english, client, coordinator, lulea_plan):
    client.force_login(coordinator)
    response = client.get("/", follow=True)
    assert response.redirect_chain  # the start page leads to the agreement's plan
    assertContains(response, '<html lang="en">')
    assertContains(response, '<a href="/overenskommelser/">Agreements</a>')
    assertContains(response, "<h3>Goals</h3>")
    assertContains(response, "<h3>Commitments</h3>")
    assertContains(response, "<strong>Subgoal 3:</strong>")
    assertContains(response, "Responsible: Kommunstaben, Lokalpolisområde Luleå-Boden")
    assertContains(response, '<span class="badge">Adopted</span>')
    assertContains(response, '<span class="badge status-forsenad">Delayed ')
    assertContains(response, '<h2 style="margin-top:0">The plan</h2>')
    assertContains(response, ">New yearly version</button>")
    # Data stays as written: section headings are the plan's own words.
    assertContains(response, '<h2 style="margin-top:0">6.1. Trygghet</h2>')
    assertNotContains(response, "<h3>Åtaganden</h3>")


def test_it_shows_follow_up_and_its_message_in_english(english, client, coordinator, lulea_plan):
    client.force_login(coordinator)
    target = commitment(lulea_plan, "1")
    response = client.get(target.get_absolute_url())
    assertContains(response, "<h1>Commitment</h1>")
    assertContains(response, "<h2>Follow-up</h2>")
    assertContains(response, '<td data-label="Period">2020 T3</td>')
    assertContains(response, "<h2>History</h2>")

    response = client.post(
        target.get_absolute_url(),
        {"status": FollowUpStatus.DONE, "period_date": "2020-06-01"},
        follow=True,
    )
    assertContains(response, '<li class="success">The follow-up has been saved.</li>')


def test_it_answers_the_api_in_the_chosen_language(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/api/plans/999999").json() == {"detail": "Finns inte."}
    client.cookies["django_language"] = "en"
    assert client.get("/api/plans/999999").json() == {"detail": "Does not exist."}


def test_it_translates_service_errors_at_call_time(reader, lulea_plan):
    target = commitment(lulea_plan, "1")
    with pytest.raises(PermissionDenied, match="^Du har inte behörighet att rapportera"):
        services.follow_up_create(author=reader, commitment=target, status=FollowUpStatus.DONE)
    with (
        translation.override("en"),
        pytest.raises(PermissionDenied, match="^You are not permitted to report follow-up.$"),
    ):
        services.follow_up_create(author=reader, commitment=target, status=FollowUpStatus.DONE)


# --- The catalogue ----------------------------------------------------------------------------


def _po_entries(path: Path) -> dict[str, str | list[str]]:
    """msgid (with "msgctxt\\x04" before it, as in a .mo) to msgstr, or to the plural forms."""
    entries: dict[str, str | list[str]] = {}
    fields: dict[str, str] = {}
    current = None

    def flush():
        if "msgid" in fields and fields["msgid"]:
            key = fields["msgid"]
            if "msgctxt" in fields:
                key = f"{fields['msgctxt']}\x04{key}"
            plural = sorted(k for k in fields if k.startswith("msgstr["))
            entries[key] = [fields[k] for k in plural] if plural else fields["msgstr"]
        fields.clear()

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            flush()
        elif line.startswith('"'):
            fields[current] += ast.literal_eval(line)
        elif not line.startswith("#"):
            current, _, value = line.partition(" ")
            fields[current] = ast.literal_eval(value)
    return entries


def test_it_has_an_english_translation_for_every_message():
    entries = _po_entries(LOCALE / "django.po")
    assert len(entries) > 200
    untranslated = [k for k, v in entries.items() if not (all(v) if isinstance(v, list) else v)]
    assert untranslated == []


def test_it_ships_a_compiled_catalogue_that_matches_the_po_file():
    # CI does not run compilemessages: after editing django.po, run it and commit django.mo.
    with (LOCALE / "django.mo").open("rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    for key, value in _po_entries(LOCALE / "django.po").items():
        if isinstance(value, list):
            msgid = key  # a .mo keys plural forms by the singular msgid and the form's index
            assert [catalog.get((msgid, i)) for i in range(len(value))] == value, key
        else:
            assert catalog.get(key) == value, key


def test_it_stays_swedish_for_a_browser_that_asks_for_english(client, demo):
    # Staff with an English browser still work in Swedish unless they choose otherwise.
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assertContains(response, "<h1>Logga in</h1>")


def test_it_switches_language_with_the_button_in_the_header(client, demo):
    assertContains(client.get("/login/"), 'name="language" value="en"')
    response = client.post("/sprak/", {"language": "en", "next": "/login/"}, follow=True)
    assertContains(response, "<h1>Log in</h1>")
    response = client.post("/sprak/", {"language": "sv", "next": "/login/"}, follow=True)
    assertContains(response, "<h1>Logga in</h1>")
