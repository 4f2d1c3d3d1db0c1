"""The meeting pages: plan a meeting of a styrgrupp or beredningsgrupp with an agenda built
from what is due, write its minutes, record its decisions and ask for the agenda and the
minutes as PDF. Reads go through `organisations.access`; writes through `meetings.services`."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samverkan.core.forms import add_service_errors
from samverkan.meetings import selectors, services
from samverkan.meetings.forms import DecisionForm, MeetingForm, MinutesForm
from samverkan.organisations.access import (
    can_adopt,
    can_edit_group,
    get_group_for_user,
    get_meeting_for_user,
    require_edit_group,
)
from samverkan.organisations.models import Decision, Group
from samverkan.reports import services as report_services
from samverkan.reports.kinds.meeting import adopted_for_user, agenda_points, members_on_day

DOCUMENT_KINDS = {"dagordning", "protokoll"}


def _messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def meeting_create(request, group_pk: int):
    group = get_group_for_user(request.user, group_pk)
    require_edit_group(request.user, group)
    today = timezone.localdate()
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(by=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Mötet är planerat."))
            return redirect("meeting_detail", meeting.pk)
    elif request.method != "POST":
        try:
            held_on = dt.date.fromisoformat(request.GET.get("datum", ""))
        except ValueError:
            held_on = today
        form = MeetingForm(
            initial={
                "held_on": held_on,
                "title": _("Möte i %(group)s") % {"group": group.name},
                "agenda": selectors.proposed_agenda(
                    request.user, group, held_on=held_on, today=today
                ),
            }
        )
    due = selectors.due_before(request.user, group, held_on=today, today=today)
    return render(
        request,
        "meetings/meeting_form.html",
        {"group": group, "form": form, "due": due},
        status=422 if form.errors else 200,
    )


def _candidates(user, meeting) -> list:
    """What a decision at this meeting may adopt: only the styrgrupp adopts, and only a
    person who may record its adopting decisions is offered the choice."""
    if meeting.group.kind != Group.Kind.STEERING or not can_adopt(user, meeting.group):
        return []
    return selectors.adoptable(user, meeting.group.agreement)


def _decisions(user, meeting) -> list[tuple[Decision, object]]:
    return [(d, adopted_for_user(user, d)) for d in meeting.decisions.order_by("number")]


@login_required
def meeting_detail(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    can_edit = can_edit_group(request.user, meeting.group)
    today = timezone.localdate()
    candidates = _candidates(request.user, meeting)
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "points": agenda_points(meeting.agenda),
        "members": members_on_day(meeting),
        "decisions": _decisions(request.user, meeting),
        "can_edit": can_edit,
        "can_decide": can_edit and meeting.held_on <= today,
        "minutes_form": MinutesForm(initial={"agenda": meeting.agenda, "minutes": meeting.minutes}),
        "decision_form": DecisionForm(candidates=candidates),
    }
    return render(request, "meetings/meeting_detail.html", context)


@login_required
@require_POST
def meeting_minutes(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    require_edit_group(request.user, meeting.group)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_update(by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _messages(request, error)
        else:
            messages.success(request, _("Dagordning och protokoll är sparade."))
    return redirect("meeting_detail", meeting.pk)


@login_required
@require_POST
def decision_create(request, pk: int):
    meeting = get_meeting_for_user(request.user, pk)
    require_edit_group(request.user, meeting.group)
    candidates = _candidates(request.user, meeting)
    form = DecisionForm(request.POST, candidates=candidates)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("meeting_detail", meeting.pk)
    key = form.cleaned_data["target"]
    target = next((c.obj for c in candidates if c.key == key), None) if key else None
    try:
        decision = services.decision_record(
            by=request.user, meeting=meeting, text=form.cleaned_data["text"], target=target
        )
    except ValidationError as error:
        _messages(request, error)
    else:
        messages.success(request, _("§ %(number)s är protokollförd.") % {"number": decision.number})
    return redirect("meeting_detail", meeting.pk)


@login_required
@require_POST
def meeting_document(request, pk: int, kind: str):
    meeting = get_meeting_for_user(request.user, pk)
    if kind not in DOCUMENT_KINDS:
        messages.error(request, _("Okänd dokumenttyp."))
        return redirect("meeting_detail", meeting.pk)
    try:
        report_services.document_request(
            by=request.user,
            agreement=meeting.group.agreement,
            kind=kind,
            fmt="pdf",
            parameters={"meeting": meeting.pk},
        )
    except ValidationError as error:
        _messages(request, error)
        return redirect("meeting_detail", meeting.pk)
    messages.success(request, _("Dokumentet skapas; det hamnar bland överenskommelsens dokument."))
    return redirect("document_list", agreement_pk=meeting.group.agreement_id)
