import datetime as dt

import pytest

from samverkan.organisations.models import Group, Meeting
from samverkan.plans.models import Plan
from samverkan.plans.services import plan_revise


@pytest.fixture(autouse=True)
def _documents_dir(settings, tmp_path):
    settings.SAMVERKAN_DOCUMENTS_DIR = tmp_path / "documents"


@pytest.fixture
def steering_group(lulea_plan) -> Group:
    return Group.objects.get(agreement=lulea_plan.agreement, kind=Group.Kind.STEERING)


@pytest.fixture
def preparation_group(lulea_plan) -> Group:
    return Group.objects.get(agreement=lulea_plan.agreement, kind=Group.Kind.PREPARATION)


@pytest.fixture
def draft(lulea_plan, coordinator) -> Plan:
    return plan_revise(plan=lulea_plan, by=coordinator)


@pytest.fixture
def meeting(steering_group) -> Meeting:
    return Meeting.objects.create(
        group=steering_group,
        held_on=dt.date(2021, 2, 18),
        title="Styrgruppsmöte",
        agenda="Mötets öppnande\nBeslut att fatta\n- Verksamhetsplanen 2021–2022\nÖvriga frågor",
    )
