"""Dagordning and protokoll: a group's meeting as the styrgrupp or beredningsgrupp sends it
out before (the agenda) and keeps after (the minutes).

The agenda: the group, date and title, the members who sit in the group on the day and the
agenda's points, one per line as they were written (a line starting with "-" is a
sub-point). The minutes: the same head, the members present, the agenda, the notes, and
every decision with its paragraph number, its text and what it adopts (a plan version, a
document, an intervention, an ANDT(S) action plan), named as the reader may see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from samverkan.andts.access import action_plan_list_for_user
from samverkan.core.models import Classification, User
from samverkan.organisations.access import meeting_list_for_user
from samverkan.organisations.models import Decision, Meeting, Membership
from samverkan.plans.access import plan_list_for_user
from samverkan.plans.models import Agreement
from samverkan.prevention.access import intervention_list_for_user
from samverkan.reports.access import document_list_for_user
from samverkan.reports.content import BulletList, Content, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import made_on, paragraphs


@dataclass(frozen=True)
class Adopted:
    """What a decision adopts, as its reader may see it."""

    kind: str  # "Verksamhetsplan", "Dokument" …
    title: str
    url: str = ""


def adopted_for_user(user: User, decision: Decision) -> Adopted | None:
    """The thing ``decision`` adopts; one the reader may not see is named by its kind only."""
    if not decision.adopts:
        return None
    kind = str(Decision.Adopts(decision.adopts).label)
    relation, visible, url = {
        Decision.Adopts.PLAN: (
            "adopted_plan",
            plan_list_for_user,
            lambda t: reverse("plan_detail", args=[t.pk]),
        ),
        Decision.Adopts.DOCUMENT: (
            "adopted_document",
            document_list_for_user,
            lambda t: reverse("document_file", args=[t.pk]),
        ),
        Decision.Adopts.INTERVENTION: (
            "adopted_intervention",
            intervention_list_for_user,
            lambda t: reverse("prevention_problem_detail", args=[t.problem_id]),
        ),
        Decision.Adopts.ACTION_PLAN: (
            "adopted_action_plan",
            action_plan_list_for_user,
            lambda t: reverse("andts_plan_detail", args=[t.pk]),
        ),
    }[Decision.Adopts(decision.adopts)]
    try:
        target = getattr(decision, relation)
    except ObjectDoesNotExist:
        return Adopted(kind=kind, title=_("(saknas)"))
    if not visible(user).filter(pk=target.pk).exists():
        return Adopted(kind=kind, title=_("(inte synlig för dig)"))
    return Adopted(kind=kind, title=str(target), url=url(target))


def _meeting(user: User, agreement: Agreement, params: Parameters) -> Meeting:
    if params.meeting is None:
        raise ValidationError({"meeting": [_("Ange mötet (dess id).")]})
    meeting = (
        meeting_list_for_user(user)
        .filter(group__agreement=agreement, pk=params.meeting)
        .select_related("group__agreement")
        .first()
    )
    if meeting is None:
        raise ValidationError(
            {
                "meeting": [
                    _("Överenskommelsen har inget möte med id %(id)s som du kan se.")
                    % {"id": params.meeting}
                ]
            }
        )
    return meeting


def members_on_day(meeting: Meeting) -> list[Membership]:
    """Who sits in the group on the meeting's day (their period covers it)."""
    return list(
        Membership.objects.filter(group=meeting.group, start__lte=meeting.held_on)
        .filter(Q(end__isnull=True) | Q(end__gte=meeting.held_on))
        .select_related("person", "organisation")
        .order_by("role", "person__last_name", "person__first_name")
    )


def agenda_points(text: str) -> list[str]:
    """The agenda's lines, numbered: "1. Mötets öppnande"; a "-" line stays a sub-point."""
    points, number = [], 0
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if not line:
            continue
        if line.startswith(("-", "–", "•")):
            points.append("   – " + line.lstrip("-–• ").strip())
        else:
            number += 1
            points.append(f"{number}. {line}")
    return points


def _head(meeting: Meeting, subtitle: str) -> Content:
    group = meeting.group
    return Content(
        title=f"{subtitle}: {group.name} {meeting.held_on.isoformat()}",
        subtitle=meeting.title,
        classification=Classification.INTERNAL,
        cover=[
            (_("Grupp"), f"{group.name} ({group.get_kind_display()})"),
            (_("Överenskommelse"), group.agreement.title),
            (_("Datum"), meeting.held_on.isoformat()),
            made_on(),
        ],
    )


def _members_table(members: list[Membership], caption: str) -> Table:
    return Table(
        header=[_("Namn"), _("Organisation"), _("Roll"), _("Period")],
        rows=[
            [
                m.person.get_full_name() or m.person.username,
                str(m.organisation),
                m.get_role_display(),
                f"{m.start.isoformat()} – {m.end.isoformat() if m.end else ''}".strip(),
            ]
            for m in members
        ],
        caption=caption,
        widths=[3, 3, 2, 2],
    )


def _agenda_blocks(content: Content, meeting: Meeting) -> None:
    content.add(Heading(_("Dagordning")))
    points = agenda_points(meeting.agenda)
    if points:
        content.add(BulletList(points))
    else:
        content.add(Note(_("Mötet har ingen dagordning ännu.")))


def _members_block(content: Content, meeting, heading: str) -> None:
    """The group's members and appointed officials on the meeting's day, under `heading`."""
    members = members_on_day(meeting)
    content.add(Heading(heading))
    if members:
        content.add(_members_table(members, _("Gruppens ledamöter och utsedda den dagen")))
    else:
        content.add(Note(_("Gruppen har inga ledamöter registrerade den dagen.")))


def build_agenda(user: User, agreement: Agreement, params: Parameters) -> Content:
    meeting = _meeting(user, agreement, params)
    content = _head(meeting, _("Dagordning"))
    _members_block(content, meeting, _("Kallade"))
    _agenda_blocks(content, meeting)
    return content


def build_minutes(user: User, agreement: Agreement, params: Parameters) -> Content:
    meeting = _meeting(user, agreement, params)
    content = _head(meeting, _("Protokoll"))
    _members_block(content, meeting, _("Ledamöter"))
    _agenda_blocks(content, meeting)
    content.add(Heading(_("Anteckningar")))
    notes = paragraphs(meeting.minutes)
    content.add(*notes) if notes else content.add(Note(_("Inga anteckningar.")))
    content.add(Heading(_("Beslut")))
    decisions = list(meeting.decisions.order_by("number"))
    if not decisions:
        content.add(Note(_("Mötet fattade inga beslut.")))
    for decision in decisions:
        content.add(Paragraph(" ".join(decision.text.split()), label=f"§ {decision.number}"))
        adopted = adopted_for_user(user, decision)
        if adopted is not None:
            content.add(
                BulletList(
                    [
                        _("Fastställer: %(kind)s – %(title)s")
                        % {"kind": adopted.kind, "title": adopted.title}
                    ]
                )
            )
        content.add(
            BulletList(
                [
                    _("Beslutat av %(group)s %(day)s")
                    % {"group": meeting.group.name, "day": meeting.held_on.isoformat()}
                ]
            )
        )
    return content
