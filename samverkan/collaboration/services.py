"""Every write of the collaboration inventory, and its checks.

- Only a samordnare or administratör of a party to the agreement writes
  (`collaboration.access.can_edit_collaborations`).
- Free text holds no personal data: the privacy guard (`core.privacy.find_personal_data`)
  finds personnummer, phone numbers, e-mail addresses and registration numbers, and
  `_named_clients` a client named by name ("klienten Kalle", "pojken Ali"). The inventory
  describes collaborations, target groups and roles, never individual clients.
- The target group, the level, the status and the focus areas are from their fixed lists;
  a collaboration has at least one focus area; the link is a web address.
- A review of the inventory is dated today or earlier; the next one is due a year later.

A failed check raises ValidationError (Swedish, keyed by field) and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.collaboration.access import can_edit_collaborations
from samverkan.collaboration.models import (
    Collaboration,
    FocusArea,
    InventoryReview,
    Level,
    Party,
    TargetGroup,
    a_year_later,
)
from samverkan.core.models import User
from samverkan.core.privacy import find_personal_data
from samverkan.organisations.models import Organisation
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import Agreement

FIELDS = {
    "name",
    "purpose",
    "legal_basis",
    "parties",
    "target_group",
    "level",
    "focus_areas",
    "leadership",
    "meeting_frequency",
    "contact_roles",
    "start",
    "status",
    "follow_up_method",
    "follow_up_by",
    "documentation_url",
    "is_example",
}
TEXTS = (
    "name",
    "purpose",
    "legal_basis",
    "leadership",
    "meeting_frequency",
    "contact_roles",
    "follow_up_method",
    "follow_up_by",
)
REQUIRED = ("name", "purpose", "target_group", "level")


# What the privacy guard found, as it reads in a sentence.
def _found(kind: str) -> str:
    return {
        "personnummer": _("ett personnummer"),
        "samordningsnummer": _("ett samordningsnummer"),
        "telefonnummer": _("ett telefonnummer"),
        "e-post": _("en e-postadress"),
        "registreringsnummer": _("ett registreringsnummer"),
    }.get(kind, kind)


# A word for an individual client followed by a capitalised word: a name.
_CLIENT_WORDS = (
    r"klient(?:en)?|brukar(?:e|en)|patient(?:en)?|ungdomen|den unge|eleven|pojken|flickan|"
    r"killen|tjejen|barnet|mamman|pappan|personen|individen|gärningspersonen|brottsoffret"
)
_NAMED_CLIENT = re.compile(rf"\b(?i:{_CLIENT_WORDS})\s+[A-ZÅÄÖ][a-zåäöéü]+")


def _privacy_messages(text: str) -> list[str]:
    messages = [
        _(
            'Texten innehåller %(what)s ("%(text)s"). Ta bort det: inventeringen beskriver '
            "samverkan, målgrupper och roller, aldrig enskilda personer."
        )
        % {"what": _found(finding.kind), "text": finding.text}
        for finding in find_personal_data(text)
    ]
    messages += [
        _(
            'Texten namnger en enskild klient ("%(text)s"). Ta bort namnet: inventeringen '
            "beskriver målgrupper och roller, aldrig enskilda klienter."
        )
        % {"text": match[0]}
        for match in _NAMED_CLIENT.finditer(text)
    ]
    return messages


def _privacy(errors: dict, **texts: str) -> None:
    for name, text in texts.items():
        for message in _privacy_messages(text or ""):
            errors.setdefault(name, []).append(message)


def check_editor(user: User, agreement: Agreement) -> None:
    if not agreement_list_for_user(user).filter(pk=agreement.pk).exists():
        raise PermissionDenied(_("Din organisation är inte part i överenskommelsen."))
    if not can_edit_collaborations(user):
        raise PermissionDenied(
            _("Bara samordnare och administratörer får ändra samverkansinventeringen.")
        )


def _choice(errors: dict, data: dict, name: str, choices, label: str) -> None:
    value = data.get(name)
    if value in (None, "") and name in REQUIRED:
        return  # reported as missing
    if value not in choices.values:
        errors.setdefault(name, []).append(
            _("Okänd %(label)s %(value)s: välj en av %(choices)s.")
            % {"label": label, "value": value, "choices": ", ".join(choices.values)}
        )


def _clean_parties(errors: dict, parties) -> list[tuple[Organisation, str]]:
    """``parties``: (organisation, role) pairs; an organisation may be given by its pk."""
    cleaned, seen = [], set()
    for organisation, role in parties or ():
        if not isinstance(organisation, Organisation):
            found = Organisation.objects.filter(pk=organisation).first()
            if found is None:
                errors.setdefault("parties", []).append(
                    _("Organisationen %(id)s finns inte.") % {"id": organisation}
                )
                continue
            organisation = found
        if organisation.pk in seen:
            errors.setdefault("parties", []).append(
                _("%(organisation)s står med två gånger bland parterna.")
                % {"organisation": organisation}
            )
            continue
        seen.add(organisation.pk)
        role = (role or "").strip()
        for message in _privacy_messages(role):
            errors.setdefault("parties", []).append(message)
        cleaned.append((organisation, role))
    return cleaned


def collaboration_errors(data: dict) -> dict[str, list[str]]:
    """Every check of a collaboration's fields; {} when it may be saved."""
    errors: dict[str, list[str]] = {}
    for name in REQUIRED:
        if not str(data.get(name) or "").strip():
            errors.setdefault(name, []).append(_("Fältet måste fyllas i."))
    _privacy(errors, **{name: data.get(name) or "" for name in TEXTS})
    _choice(errors, data, "target_group", TargetGroup, _("målgrupp"))
    _choice(errors, data, "level", Level, _("preventionsnivå"))
    _choice(errors, data, "status", Collaboration.Status, _("status"))
    areas = list(data.get("focus_areas") or [])
    if not areas:
        errors.setdefault("focus_areas", []).append(_("Välj minst ett fokusområde."))
    for area in areas:
        if area not in FocusArea.values:
            errors.setdefault("focus_areas", []).append(
                _("Okänt fokusområde %(value)s: välj bland %(choices)s.")
                % {"value": area, "choices": ", ".join(FocusArea.values)}
            )
    url = data.get("documentation_url") or ""
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors.setdefault("documentation_url", []).append(
                _("Länken måste vara en webbadress som börjar med http:// eller https://.")
            )
    return errors


def _unknown(fields: dict) -> None:
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")


def _save(collaboration: Collaboration, data: dict, parties, by: User) -> Collaboration:
    errors = collaboration_errors(data)
    cleaned = _clean_parties(errors, parties) if parties is not None else None
    duplicate = Collaboration.objects.filter(
        agreement=collaboration.agreement, name=(data.get("name") or "").strip()
    ).exclude(pk=collaboration.pk)
    if duplicate.exists():
        errors.setdefault("name", []).append(
            _("Det finns redan en samverkan med det namnet i överenskommelsen.")
        )
    if errors:
        raise ValidationError(errors)
    for name, value in data.items():
        setattr(collaboration, name, value.strip() if name in TEXTS else value)
    collaboration.focus_areas = [a for a in FocusArea.values if a in data["focus_areas"]]
    collaboration.updated_by = by
    if collaboration.pk is None:
        collaboration.created_by = by
    with transaction.atomic():
        collaboration.save()
        if cleaned is not None:
            collaboration.parties.all().delete()
            Party.objects.bulk_create(
                Party(collaboration=collaboration, organisation=organisation, role=role)
                for organisation, role in cleaned
            )
    return collaboration


def collaboration_create(*, by: User, agreement: Agreement, **fields) -> Collaboration:
    _unknown(fields)
    check_editor(by, agreement)
    parties = fields.pop("parties", [])
    data = {"status": Collaboration.Status.RUNNING, "focus_areas": [], **fields}
    data = {k: ("" if v is None and k in TEXTS else v) for k, v in data.items()}
    return _save(Collaboration(agreement=agreement), data, parties, by)


def collaboration_update(*, collaboration: Collaboration, by: User, **fields) -> Collaboration:
    _unknown(fields)
    check_editor(by, collaboration.agreement)
    parties = fields.pop("parties", None)
    current = {name: getattr(collaboration, name) for name in FIELDS - {"parties"}}
    data = {**current, **{k: ("" if v is None and k in TEXTS else v) for k, v in fields.items()}}
    return _save(collaboration, data, parties, by)


def review_inventory(
    *, by: User, agreement: Agreement, reviewed_on: dt.date | None = None, note: str = ""
) -> InventoryReview:
    """Record that the agreement's inventory has been gone through; the next review is due
    a year later."""
    check_editor(by, agreement)
    today = timezone.localdate()
    reviewed_on = reviewed_on or today
    errors: dict[str, list[str]] = {}
    if reviewed_on > today:
        errors["reviewed_on"] = [
            _("Granskningen kan inte dateras i framtiden (%(day)s).")
            % {"day": reviewed_on.isoformat()}
        ]
    _privacy(errors, note=note)
    if errors:
        raise ValidationError(errors)
    return InventoryReview.objects.create(
        agreement=agreement,
        reviewed_on=reviewed_on,
        next_review=a_year_later(reviewed_on),
        reviewed_by=by,
        note=note or "",
    )
