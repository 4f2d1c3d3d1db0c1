"""The demo's synthetic reports: marked, free of personal data, idempotent, quick."""

import time

from samverkan.core.privacy import find_personal_data
from samverkan.demo.incidents import COUNT, EVENTS, PREFIX, load_incidents
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Incident


def test_it_loads_thirty_marked_reports_once(demo, coordinator, kommunpolis):
    started = time.perf_counter()
    assert load_incidents() == COUNT
    assert time.perf_counter() - started < 0.3
    assert load_incidents() == 0
    demo_reports = Incident.objects.filter(external_id__regex=r"^demo-[0-9]+$")
    assert demo_reports.count() == COUNT
    assert all(i.description.startswith(PREFIX) for i in demo_reports)
    assert all(i.municipality.code == "2580" for i in demo_reports)
    # The police's begränsad ones are hidden from the kommun.
    assert incident_list_for_user(coordinator).count() < incident_list_for_user(kommunpolis).count()


def test_its_texts_pass_the_privacy_guard():
    for _slug, text, _severity, _insecure in EVENTS:
        assert find_personal_data(PREFIX + text) == []


def test_samverkan_demo_loads_the_year_but_the_test_fixture_does_not(demo):
    from samverkan.demo.load import load_demo
    from samverkan.demo.year_shape import YEAR_PREFIX

    year = Incident.objects.filter(external_id__startswith=YEAR_PREFIX)
    assert not year.exists()
    load_demo()
    assert year.count() > 4000
