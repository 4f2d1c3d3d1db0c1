"""Uppföljning: every goal and commitment of a decided plan with its status, progress and
comment for a period (a tertial or a year, by default the plan's latest follow-up period),
the indicators that follow the goals against their targets, and one section (one sheet in
Excel) per party with the commitments it is responsible for.

The status is the plan page's: the latest follow-up reported for a period that ends by the
period's last day, försenad by rule when its due date has passed by then. A period in which
nothing was followed up and no indicator was measured is refused with the periods that do
have follow-ups; a draft plan is refused (a draft is not followed up).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.indicators.access import observation_list_for_user
from samverkan.indicators.goal_links import GoalIndicator
from samverkan.indicators.pages import GoalProgress, format_value
from samverkan.organisations.models import Organisation
from samverkan.plans.models import Agreement, FollowUp, FollowUpStatus, Goal, Plan
from samverkan.plans.periods import period_bounds, period_label
from samverkan.plans.rules import effective_status
from samverkan.plans.selectors import plan_overview
from samverkan.reports.charts import bar_spec
from samverkan.reports.content import Content, Figure, Heading, Note, Paragraph, Sheet, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import (
    decision_cover,
    label,
    made_on,
    one_line,
    period_text,
    plan_for,
    responsibility,
    schedule,
)


@dataclass
class Line:
    section: str
    kind: str  # Mål, Delmål 1, Åtagande
    text: str
    responsible: str
    schedule: str
    status: str
    progress: str
    comment: str
    reported: str  # the follow-up's period label, "" if never followed up
    parties: list[int]

    def cells(self) -> list[str]:
        return [
            f"{self.kind}: {self.text}",
            self.status,
            self.progress,
            self.comment or ("–" if self.reported else _("Ingen uppföljning")),
        ]


def _period(plan: Plan, params: Parameters) -> tuple[dt.date, dt.date]:
    if bool(params.date_from) != bool(params.date_to):
        raise ValidationError(
            {
                "to" if params.date_from else "from": [
                    _("Ange både --from och --to, eller ingetdera.")
                ]
            }
        )
    if params.date_from:
        start, end = params.date_from, params.date_to
    else:
        day = min(max(timezone.localdate(), plan.period_start), plan.period_end)
        start, end = period_bounds(plan.follow_up_period, day)
    if end < plan.period_start or start > plan.period_end:
        raise ValidationError(
            {
                "from": [
                    _("Perioden %(period)s ligger utanför planens period %(plan)s.")
                    % {
                        "period": period_text(start, end),
                        "plan": period_text(plan.period_start, plan.period_end),
                    }
                ]
            }
        )
    return start, end


def _party_of(
    organisation_id: int, parents: dict[int, int | None], parties: set[int]
) -> int | None:
    seen = set()
    while organisation_id is not None and organisation_id not in seen:
        if organisation_id in parties:
            return organisation_id
        seen.add(organisation_id)
        organisation_id = parents.get(organisation_id)
    return None


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    plan = plan_for(user, agreement, params)
    if plan.decision_id is None:
        raise ValidationError(
            {
                "plan": [
                    _(
                        "Planen ”%(plan)s” är inte fastställd: ett utkast följs inte upp. "
                        "Fastställ planen först, eller välj en fastställd plan."
                    )
                    % {"plan": plan.title}
                ]
            }
        )
    start, end = _period(plan, params)
    today = min(timezone.localdate(), end)
    follow_ups = FollowUp.objects.filter(_of_plan(plan), period_end__lte=end).order_by(
        "period_end", "reported_at", "id"
    )
    latest: dict[tuple[str, int], FollowUp] = {}
    in_period = 0
    for f in follow_ups:
        key = ("c", f.commitment_id) if f.commitment_id else ("g", f.goal_id)
        latest[key] = f
        in_period += f.period_end >= start
    overview = plan_overview(plan, today=today)
    goal_ids = [row.obj.pk for view in overview.sections for row in view.goals]
    links = list(
        GoalIndicator.objects.filter(goal_id__in=goal_ids)
        .select_related("indicator__source", "goal__section")
        .order_by("goal__section__position", "goal__position", "indicator__name", "pk")
    )
    observations = observation_list_for_user(user)
    progress_rows = []
    measured = 0
    for link in links:
        found = observations.filter(
            indicator=link.indicator, breakdown_key=link.breakdown_key, period_end__lte=end
        )
        if link.geo_code:
            found = found.filter(geo_code=link.geo_code)
        observation = found.order_by("period_end", "pk").last()
        measured += bool(observation and observation.period_end >= start)
        progress_rows.append(GoalProgress(link=link, latest=observation))

    if not in_period and not measured:
        reported = sorted({f.period_label for f in FollowUp.objects.filter(_of_plan(plan))})
        raise ValidationError(
            {
                "from": [
                    _(
                        "Inga uppföljningar och inga indikatorvärden för %(period)s. "
                        "Planen har uppföljningar för: %(periods)s."
                    )
                    % {
                        "period": period_text(start, end),
                        "periods": ", ".join(reported) or _("inga perioder ännu"),
                    }
                ]
            }
        )

    parties = {p.pk: p for p in agreement.parties.order_by("name")}
    parents = dict(Organisation.objects.values_list("pk", "parent_id"))
    lines_by_section: list[tuple[str, list[Line], bool]] = []
    for view in overview.sections:
        section = view.section
        lines = []
        for row in view.goals + view.commitments:
            obj = row.obj
            is_goal = isinstance(obj, Goal)
            f = latest.get(("g" if is_goal else "c", obj.pk))
            status = effective_status(f.status if f else None, obj.due_date, today)
            current = f is not None and f.period_end >= start
            if is_goal:
                kind = _("Delmål %(n)s") % {"n": obj.number} if obj.parent_id else _("Mål")
                who, owners = "", []
            else:
                kind = _("Åtagande")
                who = responsibility(row)
                owners = sorted(
                    {
                        party
                        for o in row.organisations
                        if (party := _party_of(o.pk, parents, set(parties))) is not None
                    }
                )
            lines.append(
                Line(
                    section=f"{section.number}. {section.title}",
                    kind=kind,
                    text=one_line(obj.text),
                    responsible=who,
                    schedule=schedule(obj),
                    status=str(FollowUpStatus(status).label),
                    progress=f"{f.progress} %" if f and f.progress is not None else "–",
                    comment=(
                        one_line(f.comment)
                        if current
                        else (
                            _("(Senast rapporterat %(period)s.) %(comment)s")
                            % {"period": f.period_label, "comment": one_line(f.comment)}
                            if f
                            else ""
                        )
                    ),
                    reported=f.period_label if f else "",
                    parties=owners,
                )
            )
        lines_by_section.append(
            (f"{section.number}. {section.title}", lines, section.subsections.exists())
        )
    every = [line for _s, lines, _sub in lines_by_section for line in lines]

    label_period = (
        period_label(plan.follow_up_period, start)
        if (start, end) == period_bounds(plan.follow_up_period, start)
        else (
            str(start.year)
            if (start, end) == (dt.date(start.year, 1, 1), dt.date(start.year, 12, 31))
            else period_text(start, end)
        )
    )
    content = Content(
        title=_("Uppföljning %(period)s: %(plan)s") % {"period": label_period, "plan": plan.title},
        subtitle=_("Uppföljning av verksamhetsplanen"),
        classification=plan.classification,
        cover=[
            (_("Överenskommelse"), agreement.title),
            (_("Plan"), plan.title),
            (_("Uppföljningsperiod"), f"{label_period} ({period_text(start, end)})"),
            *decision_cover(plan),
            (_("Klassning"), label(plan.classification)),
            made_on(),
        ],
        toc=True,
    )

    counts = defaultdict(int)
    for line in every:
        counts[line.status] += 1
    status_rows = [{"status": str(s.label), "count": counts[str(s.label)]} for s in FollowUpStatus]
    content.add(Heading(_("Sammanställning")))
    content.add(
        Paragraph(
            _(
                "%(n)s mål och åtaganden följs upp för %(period)s; %(reported)s har en "
                "uppföljning rapporterad för perioden. Status räknas som på planens sida: "
                "det som passerat sin tidplan utan att vara klart eller inställt är försenat."
            )
            % {"n": len(every), "period": label_period, "reported": in_period}
        ),
        Figure(
            alt=_("Stapeldiagram över antal mål och åtaganden per status: %(list)s.")
            % {"list": "; ".join(f"{r['status']} {r['count']}" for r in status_rows)},
            caption=_("Mål och åtaganden per status"),
            source=_("Uppföljningar i Samverkan"),
            period=period_text(start, end),
            n=str(len(every)),
            spec=bar_spec(
                status_rows, x="status", y="count", x_title=_("Status"), y_title=_("Antal")
            ),
        ),
        Table(
            header=[_("Status"), _("Antal")],
            rows=[[r["status"], str(r["count"])] for r in status_rows],
            caption=_("Antal per status"),
            widths=[3, 1],
        ),
    )

    content.add(Heading(_("Mål och åtaganden")))
    for title, lines, has_subsections in lines_by_section:
        content.add(Heading(title, 2))
        if not lines:
            if has_subsections:
                content.add(Paragraph(_("Målen och åtagandena står under avsnittets delar.")))
            else:
                content.add(Note(_("Avsnittet har inga mål eller åtaganden.")))
            continue
        content.add(
            Table(
                header=[_("Mål eller åtagande"), _("Status"), _("Andel"), _("Kommentar")],
                rows=[line.cells() for line in lines],
                widths=[5, 2, 1, 4],
            )
        )

    content.add(Heading(_("Indikatorer mot mål")))
    indicator_rows = []
    for item in progress_rows:
        link, obs = item.link, item.latest
        unit = link.indicator.unit
        indicator_rows.append(
            [
                link.indicator.name + (f" ({item.breakdown_text})" if item.breakdown_text else ""),
                f"{link.goal.section.number}: {one_line(link.goal.text)[:80]}",
                f"{format_value(link.baseline_value, unit)} ({link.baseline_period})",
                f"{format_value(link.target_value, unit)} ({link.target_period})",
                f"{format_value(obs.value, unit)} ({obs.period_label})"
                if obs
                else _("Inget värde"),
                (_("Nått") if item.reached else f"{item.share} %") if obs else "–",
                link.indicator.source.name if link.indicator.source_id else "",
                str(obs.n) if obs and obs.n else "",
            ]
        )
    indicator_header = [
        _("Indikator"), _("Mål"), _("Utgångsvärde"), _("Målvärde"), _("Senaste"),
        _("Andel av vägen"), _("Källa"), "n",
    ]  # fmt: skip
    if indicator_rows:
        content.add(
            Table(
                header=indicator_header,
                rows=indicator_rows,
                caption=_("Indikatorer mot målvärden, senaste värde till och med %(end)s")
                % {"end": end.isoformat()},
                widths=[3, 3, 2, 2, 2, 1, 2, 1],
            )
        )
    else:
        content.add(Note(_("Inga indikatorer är kopplade till planens mål.")))

    content.add(Heading(_("Per part")))
    sheets_by_party = []
    for party_id, party in parties.items():
        mine = [line for line in every if party_id in line.parties]
        content.add(Heading(str(party), 2))
        if mine:
            content.add(
                Table(
                    header=[_("Åtagande"), _("Status"), _("Andel"), _("Kommentar")],
                    rows=[line.cells() for line in mine],
                    widths=[5, 2, 1, 4],
                )
            )
        else:
            content.add(Note(_("%(party)s har inga åtaganden i planen.") % {"party": party}))
        sheets_by_party.append((str(party), mine))
    unowned = [line for line in every if line.kind == _("Åtagande") and not line.parties]
    if unowned:
        content.add(Heading(_("Utan angiven part"), 2))
        content.add(
            Table(
                header=[_("Åtagande"), _("Status"), _("Andel"), _("Kommentar")],
                rows=[line.cells() for line in unowned],
                widths=[5, 2, 1, 4],
            )
        )

    header = [
        _("Avsnitt"), _("Typ"), _("Text"), _("Ansvar"), _("Tidplan"), _("Status"), _("Andel"),
        _("Kommentar"), _("Senast rapporterad period"),
    ]  # fmt: skip

    def sheet_rows(lines: list[Line]) -> list[list[str]]:
        return [
            [
                x.section,
                x.kind,
                x.text,
                x.responsible,
                x.schedule,
                x.status,
                x.progress,
                x.comment,
                x.reported,
            ]  # fmt: skip
            for x in lines
        ]

    content.sheets.append(Sheet(_("Mål och åtaganden"), header, sheet_rows(every)))
    content.sheets.append(Sheet(_("Indikatorer"), indicator_header, indicator_rows))
    for name, lines in sheets_by_party:
        content.sheets.append(Sheet(name, header, sheet_rows(lines)))
    return content


def _of_plan(plan: Plan) -> Q:
    return Q(commitment__section__plan=plan) | Q(goal__section__plan=plan)
