import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.filters import category_and_children, incident_filter, parse_filter
from samverkan.incidents.models import Category, Incident
from samverkan.incidents.services import incident_create

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def three(reporter, stadsparken):
    """Three reports: klotter late on 1 Nov local time, skadegörelse, and a Polisen summary."""
    klotter = Category.objects.get(slug="klotter")
    skadegorelse = Category.objects.get(slug="skadegorelse")
    late = dt.datetime(2026, 11, 1, 23, 30, tzinfo=STOCKHOLM)  # 22:30 UTC
    a = incident_create(by=reporter, category=klotter, occurred_from=late, place=stadsparken)
    b = incident_create(
        by=reporter,
        category=skadegorelse,
        occurred_from=dt.datetime(2026, 11, 2, 0, 30, tzinfo=STOCKHOLM),
        place=stadsparken,
    )
    c = incident_create(
        by=reporter,
        category=skadegorelse,
        occurred_from=dt.datetime(2026, 11, 2, 8, 0, tzinfo=STOCKHOLM),
        place=stadsparken,
    )
    Incident.objects.filter(pk=c.pk).update(is_summary=True, source="polisen")
    return a, b, c


def _pks(user, params):
    chosen = parse_filter(QueryDict(params))
    return set(incident_filter(incident_list_for_user(user), chosen).values_list("pk", flat=True))


def test_dates_are_inclusive_swedish_local_days(reporter, three):
    a, b, _ = three
    assert _pks(reporter, "from=2026-11-01&to=2026-11-01") == {a.pk}
    assert _pks(reporter, "fran=2026-11-02&till=2026-11-02") == {b.pk}


def test_parent_category_includes_children(reporter, three):
    a, b, _ = three
    assert _pks(reporter, "category=skadegorelse") == {a.pk, b.pk}
    assert _pks(reporter, "kategori=klotter") == {a.pk}
    klotter = Category.objects.get(slug="klotter").pk
    assert klotter in category_and_children("skadegorelse")


def test_summaries_only_on_request(reporter, three):
    a, b, c = three
    assert _pks(reporter, "") == {a.pk, b.pk}
    assert _pks(reporter, "summaries=1") == {a.pk, b.pk, c.pk}
    assert _pks(reporter, "source=polisen&summaries=1") == {c.pk}


def test_organisation_by_id_or_slug(reporter, three):
    a, b, _ = three
    organisation = reporter.organisation
    assert _pks(reporter, f"organisation={organisation.pk}") == {a.pk, b.pk}
    assert _pks(reporter, f"organisation={organisation.slug}") == {a.pk, b.pk}
    assert _pks(reporter, "organisation=finns-inte") == set()


@pytest.mark.parametrize(
    "params, key",
    [
        ("from=1/11", "from"),
        ("from=2026-11-02&to=2026-11-01", "to"),
        ("source=fax", "source"),
        ("status=klar", "status"),
        ("category=finns-inte", "category"),
        ("district=norr", "district"),
    ],
)
def test_unreadable_values_are_named_in_swedish(db, params, key):
    with pytest.raises(ValidationError) as caught:
        parse_filter(QueryDict(params))
    assert key in caught.value.message_dict
    assert caught.value.message_dict[key][0].endswith(".")
