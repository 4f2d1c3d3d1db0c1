import datetime as dt

import pytest
from django.utils import timezone, translation

from samverkan.incidents.models import Category, Incident
from samverkan.places.models import Place

HERTSO_CENTRUM = (65.5842, 22.2641)
BODENS_RESECENTRUM = (65.8250, 21.6910)
A_PERSONNUMMER = "19121212-1212"


@pytest.fixture
def demo(demo) -> None:
    # The demo's synthetic reports are left out here, so that every test of this package
    # starts without reports.
    Incident.objects.filter(external_id__startswith="demo-").delete()


@pytest.fixture(autouse=True)
def _back_to_swedish():
    yield
    translation.deactivate()


@pytest.fixture
def stadsparken(demo) -> Place:
    return Place.objects.get(name="Stadsparken")


@pytest.fixture
def klotter(db) -> Category:
    return Category.objects.get(slug="klotter")


@pytest.fixture
def an_hour_ago() -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=1)
