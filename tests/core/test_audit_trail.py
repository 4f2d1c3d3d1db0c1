"""Every tracked model keeps its audit trail: who changed what, before and after."""

import datetime as dt

import pytest
from django.utils import timezone

from samverkan.core.history import history_entries
from samverkan.core.models import APIToken, Role
from samverkan.core.retention import history_models
from samverkan.organisations.models import Group, Meeting, Membership

TRACKED = {
    "core.user",
    "core.apitoken",
    "incidents.incident",
    "est.action",
    "est.weekmeeting",
    "organisations.membership",
    "organisations.meeting",
    "organisations.decision",
    "prevention.intervention",
    "plans.plan",
}


def test_every_model_of_the_audit_trail_has_its_history():
    tracked = {model.instance_type._meta.label_lower for model in history_models()}
    assert TRACKED <= tracked


def test_a_role_change_is_in_the_users_history(reader, admin_user):
    reader._history_user = admin_user
    reader.role = Role.COORDINATOR
    reader.save()
    latest = history_entries(reader)[0]
    assert latest.who == str(admin_user)
    assert ("roll", Role.READER, Role.COORDINATOR) in latest.changes
    # The password hash is not kept in the trail.
    assert not hasattr(reader.history.first(), "password")


def test_revoking_a_key_is_in_its_history(reader):
    APIToken.issue(user=reader, name="skript")
    token = APIToken.objects.get(user=reader)
    token.revoke()
    latest = token.history.order_by("-history_date", "-history_id").first()
    assert latest.revoked_at is not None
    assert not hasattr(latest, "key_hash")


def test_memberships_and_meetings_have_history(reader):
    group = Group.objects.first()
    membership = Membership.objects.create(
        group=group, person=reader, organisation=reader.organisation, start=dt.date(2026, 1, 1)
    )
    membership.end = dt.date(2026, 6, 30)
    membership.save()
    assert [entry.action for entry in history_entries(membership)] == ["Ändrad", "Skapad"]
    meeting = Meeting.objects.create(group=group, held_on=timezone.localdate(), title="Möte")
    pk = meeting.pk
    meeting.delete()
    assert Meeting.history.filter(id=pk, history_type="-").exists()


@pytest.mark.parametrize("label", sorted(TRACKED))
def test_the_history_tables_exist(db, label):
    model = next(m for m in history_models() if m.instance_type._meta.label_lower == label)
    assert model.objects.count() >= 0
