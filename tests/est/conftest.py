import pytest
from django.utils import translation

from samverkan.incidents.models import Incident

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
