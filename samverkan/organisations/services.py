"""Writes of groups and meetings that the data apps share: the check every adopting
decision passes, and the groups' memberships with their period.

A decision is recorded by `samverkan.meetings.services.decision_record`, which creates it and
hands it to the one function of the app that owns what it adopts (`plans.services.plan_decide`,
`reports.services.document_decide`, `prevention.services.intervention_decide`,
`andts.services.plan_decide`); each of those asks `check_adopting_decision` first.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.organisations.access import (
    can_adopt,
    can_manage_members,
    organisation_list_for_user,
)
from samverkan.organisations.models import Decision, Group, Membership


def check_adopting_decision(decision: Decision, *, adopts: str, agreement, by: User) -> None:
    """``decision`` may adopt a thing of kind ``adopts`` in ``agreement``: it names that kind,
    it was taken at a meeting of the agreement's styrgrupp, and ``by`` may record the group's
    adopting decisions (`organisations.access.can_adopt`). Otherwise PermissionDenied or a
    ValidationError in Swedish."""
    if decision is None or decision.pk is None:
        raise ValidationError(
            _("Det fastställs bara genom ett beslut som protokollförs vid ett möte.")
        )
    if decision.adopts != adopts:
        raise ValidationError(
            _("Beslutet § %(number)s fastställer inte en %(kind)s.")
            % {"number": decision.number, "kind": Decision.Adopts(adopts).label.lower()}
        )
    if any(
        relation.related_model._default_manager.filter(**{relation.field.name: decision}).exists()
        for relation in Decision._meta.related_objects
        if relation.one_to_one
    ):
        raise ValidationError(
            _("Beslutet § %(number)s har redan fastställt något; ett beslut fastställer en sak.")
            % {"number": decision.number}
        )
    group = decision.meeting.group
    if group.kind != Group.Kind.STEERING or group.agreement_id != agreement.pk:
        raise ValidationError(
            _("Bara överenskommelsens styrgrupp fastställer; %(group)s gör det inte.")
            % {"group": group.name}
        )
    if not can_adopt(by, group):
        raise PermissionDenied(
            _(
                "Bara styrgruppen fastställer: du behöver rollen styrgrupp eller vara ledamot "
                "av %(group)s."
            )
            % {"group": group.name}
        )


def _check_period(start, end) -> None:
    if not isinstance(start, dt.date):
        raise ValidationError({"start": [_("Ange från vilket datum uppdraget gäller.")]})
    if end is not None and end < start:
        raise ValidationError({"end": [_("Slutdatumet ligger före startdatumet.")]})


def _require_manage(by: User, group: Group) -> None:
    if not can_manage_members(by, group):
        raise PermissionDenied(
            _("Bara överenskommelsens administratör eller samordnare ändrar gruppens ledamöter.")
        )


def membership_add(
    *,
    by: User,
    group: Group,
    person: User,
    organisation,
    role: str,
    start: dt.date,
    end: dt.date | None = None,
) -> Membership:
    """A person's seat (or appointment as utsedd tjänsteperson) in a group for a period."""
    _require_manage(by, group)
    if role not in Membership.Role.values:
        raise ValidationError({"role": [_("Okänd roll %(role)r.") % {"role": str(role)[:40]}]})
    _check_period(start, end)
    if not organisation_list_for_user(by).filter(pk=organisation.pk).exists():
        raise ValidationError(
            {"organisation": [_("Organisationen hör inte till överenskommelsen.")]}
        )
    overlapping = Membership.objects.filter(group=group, person=person, role=role).exclude(
        end__lt=start
    )
    if end is not None:
        overlapping = overlapping.filter(start__lte=end)
    if overlapping.exists():
        raise ValidationError(
            {
                "person": [
                    _("%(person)s har redan den rollen i gruppen under perioden.")
                    % {"person": person}
                ]
            }
        )
    with transaction.atomic():
        return Membership.objects.create(
            group=group,
            person=person,
            organisation=organisation,
            role=role,
            start=start,
            end=end,
        )


def membership_end(*, by: User, membership: Membership, end: dt.date) -> Membership:
    """The last day of a seat; the membership stays, with its period, in the group's history."""
    _require_manage(by, membership.group)
    if membership.end is not None:
        raise ValidationError({"end": [_("Uppdraget är redan avslutat.")]})
    _check_period(membership.start, end)
    membership.end = end
    membership.save(update_fields=["end"])
    return membership
