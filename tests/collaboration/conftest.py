import pytest
from django.utils import translation

from samverkan.collaboration import services
from samverkan.collaboration.models import Collaboration, InventoryReview
from samverkan.organisations.models import Organisation


@pytest.fixture(autouse=True)
def _back_to_swedish():
    yield
    translation.deactivate()


@pytest.fixture
def lulea(lulea_plan):
    return lulea_plan.agreement


@pytest.fixture
def boden(boden_plan):
    return boden_plan.agreement


@pytest.fixture
def empty(demo):
    """The demo without its inventory: each test records the collaborations it counts."""
    Collaboration.objects.all().delete()
    InventoryReview.objects.all().delete()


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


@pytest.fixture
def make(coordinator, lulea, empty):
    def make(name: str, **fields) -> Collaboration:
        data = {
            "purpose": "Samordning kring målgruppen.",
            "target_group": "barn_unga",
            "level": "indikerad",
            "focus_areas": ["ungdom"],
            "parties": [(org("socialforvaltningen"), "Samordnar")],
            **fields,
        }
        return services.collaboration_create(by=coordinator, agreement=lulea, name=name, **data)

    return make
