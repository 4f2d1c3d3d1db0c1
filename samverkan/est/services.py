"""Every write of EST's weekly work: actions, the weekly meeting and its snapshot, each
organisation's notes, planned events, and the area prioritisation (docs/est.md).

Who may do what (in agreements the user's organisation is party to):

- samordnare and administratör create and change actions, events, ratings and meeting notes,
  and close the meeting; each writes the notes of their own organisation;
- styrgrupp, rapportör and läsare read;
- a user of another agreement (Boden) sees nothing of Luleå's: objects are fetched through
  the ``*_for_user`` chokepoints of `est.selectors` and are 404 otherwise.

Free text goes through the privacy guard, as a report's description does. A closed meeting
and its snapshot never change: every service refuses.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.access import can_manage_est
from samverkan.core.models import User
from samverkan.core.privacy import find_personal_data
from samverkan.est.models import Action, AreaRating, PlannedEvent, WeekMeeting, WeekNote
from samverkan.est.selectors import (
    DistrictFigures,
    Period,
    agreement_organisation_ids,
    period_figures,
    priority_scale,
)
from samverkan.est.weekly import (
    SNAPSHOT_VERSION,
    STOCKHOLM,
    agreement_municipalities,
    valid_week,
    weekly_picture,
)
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.models import Incident
from samverkan.organisations.models import Organisation
from samverkan.places.models import District, Place
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import Agreement

ACTION_FIELDS = {
    "what",
    "district",
    "place",
    "incidents",
    "owner_organisation",
    "owner",
    "due_date",
    "status",
    "outcome",
}


# --- Access -----------------------------------------------------------------------------------


def _check_manager(user: User, agreement: Agreement) -> None:
    if not agreement_list_for_user(user).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))
    if not can_manage_est(user):
        raise PermissionDenied(_("Bara samordnare och administratörer får ändra EST-arbetet."))


# --- Checks shared by the services ------------------------------------------------------------


def _privacy(errors: dict, **texts: str) -> None:
    for name, text in texts.items():
        findings = find_personal_data(text or "")
        if findings:
            errors.setdefault(name, []).extend(finding.message for finding in findings)


def _check_week(errors: dict, iso_year, iso_week) -> None:
    if not valid_week(iso_year, iso_week):
        errors.setdefault("iso_week", []).append(
            _("Vecka %(week)s finns inte år %(year)s.") % {"week": iso_week, "year": iso_year}
        )


def _check_location(errors: dict, agreement: Agreement, district, place) -> None:
    municipalities = set(agreement_municipalities(agreement).values_list("pk", flat=True))
    if district is not None and district.municipality_id not in municipalities:
        errors["district"] = [
            _("Området %(district)s ingår inte i överenskommelsens kommuner.")
            % {"district": district.name}
        ]
    if place is not None and place.municipality_id not in municipalities:
        errors["place"] = [
            _("Platsen %(place)s ingår inte i överenskommelsens kommuner.") % {"place": place.name}
        ]


# --- Actions ----------------------------------------------------------------------------------


def _clean_action(*, by: User, agreement: Agreement, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    data["what"] = (data.get("what") or "").strip()
    data["outcome"] = (data.get("outcome") or "").strip()
    if not data["what"]:
        errors["what"] = [_("Beskriv åtgärden.")]
    _privacy(errors, what=data["what"], outcome=data["outcome"])
    _check_location(errors, agreement, data.get("district"), data.get("place"))
    owner_organisation = data.get("owner_organisation")
    if owner_organisation is None:
        errors["owner_organisation"] = [_("Ange vilken organisation som äger åtgärden.")]
    elif owner_organisation.pk not in agreement_organisation_ids(agreement):
        errors["owner_organisation"] = [
            _("%(organisation)s är inte part i överenskommelsen.")
            % {"organisation": owner_organisation.name}
        ]
    owner = data.get("owner")
    if owner is not None and owner_organisation is not None:
        owner_tree = {owner.organisation_id}
        if owner.organisation is not None and owner.organisation.parent_id:
            owner_tree.add(owner.organisation.parent_id)
        if not owner.is_active or owner_organisation.pk not in owner_tree:
            errors["owner"] = [
                _(
                    "%(person)s arbetar inte i %(organisation)s. Välj en person i den "
                    "ansvariga organisationen eller lämna fältet tomt."
                )
                % {"person": owner, "organisation": owner_organisation.name}
            ]
    if data.get("status") not in Action.Status.values:
        errors["status"] = [_("Okänd status: %(status)s.") % {"status": data.get("status")}]
    incidents = list(data.get("incidents") or [])
    if incidents:
        ids = [i.pk if isinstance(i, Incident) else i for i in incidents]
        visible = set(
            incident_list_for_user(by)
            .filter(pk__in=ids, municipality__in=agreement_municipalities(agreement).values("pk"))
            .values_list("pk", flat=True)
        )
        missing = [str(pk) for pk in ids if pk not in visible]
        if missing:
            errors["incidents"] = [
                _("Rapporterna %(ids)s finns inte eller hör inte till överenskommelsen.")
                % {"ids": ", ".join(missing)}
            ]
        data["incidents"] = sorted(visible)
    if errors:
        raise ValidationError(errors)
    return data


def action_create(
    *,
    by: User,
    agreement: Agreement,
    iso_year: int,
    iso_week: int,
    what: str,
    owner_organisation: Organisation | None,
    district: District | None = None,
    place: Place | None = None,
    incidents=(),
    owner: User | None = None,
    due_date: dt.date | None = None,
    status: str = Action.Status.PLANNED,
    outcome: str = "",
) -> Action:
    _check_manager(by, agreement)
    errors: dict[str, list[str]] = {}
    _check_week(errors, iso_year, iso_week)
    if errors:
        raise ValidationError(errors)
    data = _clean_action(
        by=by,
        agreement=agreement,
        data={
            "what": what,
            "district": district,
            "place": place,
            "incidents": incidents,
            "owner_organisation": owner_organisation,
            "owner": owner,
            "due_date": due_date,
            "status": status,
            "outcome": outcome,
        },
    )
    linked = data.pop("incidents")
    with transaction.atomic():
        action = Action.objects.create(
            agreement=agreement,
            iso_year=iso_year,
            iso_week=iso_week,
            created_by=by,
            updated_by=by,
            **data,
        )
        action.incidents.set(linked)
    return action


def action_update(*, action: Action, by: User, **fields) -> Action:
    unknown = set(fields) - ACTION_FIELDS
    if unknown:
        raise TypeError(f"action_update() got unknown fields {sorted(unknown)}")
    _check_manager(by, action.agreement)
    data = {key: getattr(action, key) for key in ACTION_FIELDS - {"incidents"}}
    data["incidents"] = list(action.incidents.values_list("pk", flat=True))
    data.update(fields)
    data = _clean_action(by=by, agreement=action.agreement, data=data)
    linked = data.pop("incidents")
    with transaction.atomic():
        for key, value in data.items():
            setattr(action, key, value)
        action.updated_by = by
        action.save()
        if "incidents" in fields:
            action.incidents.set(linked)
    return action


def action_is_overdue(action: Action, *, today: dt.date | None = None) -> bool:
    today = today or timezone.now().astimezone(STOCKHOLM).date()
    return action.is_overdue(today)


# --- The weekly meeting -----------------------------------------------------------------------


def _closed_error() -> ValidationError:
    return ValidationError(
        _("Mötet är stängt: veckans lägesbild och beslut är sparade och kan inte ändras.")
    )


def meeting_for_week(agreement: Agreement, iso_year: int, iso_week: int) -> WeekMeeting:
    errors: dict[str, list[str]] = {}
    _check_week(errors, iso_year, iso_week)
    if errors:
        raise ValidationError(errors)
    meeting, _created = WeekMeeting.objects.get_or_create(
        agreement=agreement, iso_year=iso_year, iso_week=iso_week
    )
    return meeting


def meeting_update(
    *, by: User, agreement: Agreement, iso_year: int, iso_week: int, notes: str, decisions: str
) -> WeekMeeting:
    _check_manager(by, agreement)
    with transaction.atomic():
        meeting = meeting_for_week(agreement, iso_year, iso_week)
        meeting = WeekMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_closed:
            raise _closed_error()
        errors: dict[str, list[str]] = {}
        _privacy(errors, notes=notes, decisions=decisions)
        if errors:
            raise ValidationError(errors)
        meeting.notes, meeting.decisions = notes.strip(), decisions.strip()
        meeting.save(update_fields=["notes", "decisions"])
    return meeting


def meeting_close(
    *, by: User, agreement: Agreement, iso_year: int, iso_week: int, now: dt.datetime | None = None
) -> WeekMeeting:
    """Close the week's meeting: the picture as shown now, the notes and the decisions are
    stored as the meeting's snapshot, which never changes afterwards."""
    _check_manager(by, agreement)
    now = now or timezone.now()
    with transaction.atomic():
        meeting = meeting_for_week(agreement, iso_year, iso_week)
        meeting = WeekMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_closed:
            raise _closed_error()
        picture = weekly_picture(agreement, iso_year, iso_week, now=now)
        meeting.status = WeekMeeting.Status.CLOSED
        meeting.closed_at = now
        meeting.closed_by = by
        meeting.snapshot_version = SNAPSHOT_VERSION
        meeting.snapshot = {
            "version": SNAPSHOT_VERSION,
            "picture": picture.as_dict(),
            "notes": meeting.notes,
            "decisions": meeting.decisions,
            "closed_at": now.astimezone(STOCKHOLM).isoformat(timespec="minutes"),
            "closed_by": str(by),
        }
        meeting.save()
    return meeting


def week_note_save(
    *, by: User, agreement: Agreement, iso_year: int, iso_week: int, text: str
) -> WeekNote:
    """The notes of the user's own organisation for the week (one per organisation)."""
    _check_manager(by, agreement)
    if by.organisation_id is None:
        raise PermissionDenied(_("Du hör inte till någon organisation."))
    text = (text or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Skriv organisationens noteringar.")]
    _privacy(errors, text=text)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = meeting_for_week(agreement, iso_year, iso_week)
        meeting = WeekMeeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.is_closed:
            raise _closed_error()
        note, _created = WeekNote.objects.update_or_create(
            meeting=meeting,
            organisation_id=by.organisation_id,
            defaults={"text": text, "author": by},
        )
    return note


# --- Planned events ---------------------------------------------------------------------------


def planned_event_create(
    *,
    by: User,
    agreement: Agreement,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    district: District | None = None,
    place: Place | None = None,
) -> PlannedEvent:
    _check_manager(by, agreement)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Ange en rubrik.")]
    _privacy(errors, title=title)
    if ends_at < starts_at:
        errors["ends_at"] = [_("Sluttiden ligger före starttiden.")]
    _check_location(errors, agreement, district, place)
    if errors:
        raise ValidationError(errors)
    return PlannedEvent.objects.create(
        agreement=agreement,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        district=district,
        place=place,
        organisation_id=by.organisation_id,
    )


# --- Area prioritisation ----------------------------------------------------------------------


def area_rating_save(
    *,
    by: User,
    agreement: Agreement,
    period: Period,
    district: District,
    level: str,
    rationale: str = "",
    prioritised: bool = False,
    figures: list[DistrictFigures] | None = None,
) -> AreaRating:
    """Rate one district for the period; the trend follows from the period's figures. At
    most SAMVERKAN_PRIORITY_MAX districts may be prioritised per agreement and period."""
    _check_manager(by, agreement)
    errors: dict[str, list[str]] = {}
    scale = priority_scale()
    if level not in scale:
        errors["level"] = [
            _("Nivån %(level)s finns inte på skalan (%(scale)s).")
            % {"level": level, "scale": ", ".join(scale)}
        ]
    rationale = (rationale or "").strip()
    _privacy(errors, rationale=rationale)
    _check_location(errors, agreement, district, None)
    if errors:
        raise ValidationError(errors)
    figures = figures if figures is not None else period_figures(agreement, period)
    trend = next(
        (row.trend for row in figures if row.district_id == district.pk), AreaRating.Trend.FLAT
    )
    maximum = settings.SAMVERKAN_PRIORITY_MAX
    with transaction.atomic():
        # Lock the period's ratings so two coordinators cannot both pick the last place.
        others = list(
            AreaRating.objects.select_for_update()
            .filter(agreement=agreement, period_start=period.start, prioritised=True)
            .exclude(district=district)
            .values_list("pk", flat=True)
        )
        if prioritised and len(others) >= maximum:
            raise ValidationError(
                {
                    "prioritised": [
                        _(
                            "Högst %(max)s områden kan prioriteras för %(period)s; ta bort "
                            "ett annat först."
                        )
                        % {"max": maximum, "period": period.label}
                    ]
                }
            )
        rating, _created = AreaRating.objects.update_or_create(
            agreement=agreement,
            period_start=period.start,
            district=district,
            defaults={
                "period_label": period.label,
                "period_end": period.end,
                "level": level,
                "trend": trend,
                "rationale": rationale,
                "prioritised": prioritised,
                "updated_by": by,
            },
        )
    return rating
