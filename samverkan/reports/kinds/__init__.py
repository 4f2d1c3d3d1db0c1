"""The document kinds. Each module builds one `Content` (reports/content.py) for a user, an
agreement and its parameters; the renderers make every format the kind offers from it.

A kind reads everything through the data apps' `*_for_user` functions as the user who asked,
so a document holds only what its reader may see. Bad input is a `ValidationError` with a
Swedish message per parameter, raised before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samverkan.core.models import User
from samverkan.plans.models import Agreement
from samverkan.reports.content import Content


@dataclass(frozen=True)
class Parameters:
    plan: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    meeting: int | None = None  # dagordning, protokoll

    def as_json(self) -> dict:
        data = {
            "plan": self.plan,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }
        if self.meeting is not None:
            data["meeting"] = self.meeting
        return data


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    formats: tuple[str, ...]
    build: Callable[[User, Agreement, Parameters], Content]
    description: str = ""


def _date(value, field: str, errors: dict) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = [
            _("%(value)r är inget datum; skriv ÅÅÅÅ-MM-DD.") % {"value": str(value)[:40]}
        ]
        return None


def _id(value, field: str, message: str, errors: dict) -> int | None:
    if value in ("", None):
        return None
    try:
        number = int(value)
        if not 0 < number < 2**63:
            raise ValueError
    except (TypeError, ValueError):
        errors[field] = [message]
        return None
    return number


def parse_parameters(data: dict) -> Parameters:
    """plan and meeting (id), from and to (ÅÅÅÅ-MM-DD) → Parameters, or a ValidationError in
    Swedish."""
    errors: dict[str, list[str]] = {}
    plan = _id(
        data.get("plan"), "plan", _("Planen anges med sitt id, ett positivt heltal."), errors
    )
    meeting = _id(
        data.get("meeting"), "meeting", _("Mötet anges med sitt id, ett positivt heltal."), errors
    )
    date_from = _date(data.get("from"), "from", errors)
    date_to = _date(data.get("to"), "to", errors)
    if date_from and date_to and date_to < date_from:
        errors["to"] = [_("Slutdatumet ligger före startdatumet.")]
    if errors:
        raise ValidationError(errors)
    return Parameters(plan=plan, date_from=date_from, date_to=date_to, meeting=meeting)


def _kinds() -> dict[str, Kind]:
    from samverkan.reports.kinds import (
        andts,
        est_week,
        follow_up,
        inventory,
        law,
        meeting,
        plan,
        situation,
    )

    return {
        "verksamhetsplan": Kind(
            "verksamhetsplan",
            gettext_lazy("Verksamhetsplan"),
            ("pdf", "docx"),
            plan.build,
            gettext_lazy(
                "Planen med syfte, bakgrund, avsnitt, mål, åtaganden, ansvar och tidplan."
            ),
        ),
        "est-vecka": Kind(
            "est-vecka",
            gettext_lazy("EST-veckan"),
            ("pdf",),
            est_week.build,
            gettext_lazy("Den stängda EST-veckans ögonblicksbild, för den som inte var med."),
        ),
        "uppfoljning": Kind(
            "uppfoljning",
            gettext_lazy("Uppföljning"),
            ("pdf", "xlsx"),
            follow_up.build,
            gettext_lazy("Status, andel och kommentar per åtagande och mål, indikatorer mot mål."),
        ),
        "lagesbild": Kind(
            "lagesbild",
            gettext_lazy("Samlad lägesbild"),
            ("pdf", "docx"),
            situation.build,
            gettext_lazy("Lägesbilden för en period med diagram, tabeller, källor och n."),
        ),
        "lag-2023-196": Kind(
            "lag-2023-196",
            gettext_lazy("Lägesbild och åtgärdsplan (lag 2023:196)"),
            ("pdf", "docx"),
            law.build,
            gettext_lazy(
                "Kartläggning, annan information, analys av behoven, åtgärdsplan, "
                "samordningsfunktion och uppföljning, som lagen kräver."
            ),
        ),
        "andts-handlingsplan": Kind(
            "andts-handlingsplan",
            gettext_lazy("ANDT(S)-handlingsplan"),
            ("pdf", "docx"),
            andts.build,
            gettext_lazy(
                "Den lokala handlingsplanen: prioriterade mål med motivering och underlag, "
                "lokala mål, aktiviteter med ansvar, tidplan och senaste uppföljning."
            ),
        ),
        "samverkansinventering": Kind(
            "samverkansinventering",
            gettext_lazy("Samverkansinventering"),
            ("pdf", "docx"),
            inventory.build,
            gettext_lazy(
                "Samverkansformerna med syfte, parter, målgrupp och nivå, och matrisen över "
                "möjligt dubbelarbete och möjliga luckor."
            ),
        ),
        "dagordning": Kind(
            "dagordning",
            gettext_lazy("Dagordning"),
            ("pdf",),
            meeting.build_agenda,
            gettext_lazy("En grupps möte: datum, ledamöter och dagordningens punkter."),
        ),
        "protokoll": Kind(
            "protokoll",
            gettext_lazy("Protokoll"),
            ("pdf",),
            meeting.build_minutes,
            gettext_lazy(
                "Mötets protokoll: närvarande ledamöter, dagordning, anteckningar och "
                "besluten med vad varje beslut fastställer."
            ),
        ),
    }


def get_kind(slug: str) -> Kind:
    kinds = _kinds()
    if slug not in kinds:
        raise ValidationError(
            {
                "kind": [
                    _("Okänd dokumenttyp %(kind)r; välj en av %(kinds)s.")
                    % {"kind": str(slug)[:40], "kinds": ", ".join(kinds)}
                ]
            }
        )
    return kinds[slug]


def all_kinds() -> list[Kind]:
    return list(_kinds().values())


def check_format(kind: Kind, fmt: str) -> None:
    if fmt not in kind.formats:
        raise ValidationError(
            {
                "format": [
                    _("%(kind)s finns som %(formats)s, inte som %(format)r.")
                    % {"kind": kind.label, "formats": ", ".join(kind.formats), "format": fmt}
                ]
            }
        )
