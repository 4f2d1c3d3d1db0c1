"""ANDT(S)-handlingsplan: the local action plan as it is decided. Cover with the decision
(who, when), the national strategy it builds on, the problem picture and the baseline, then
each prioritised goal with its rationale and evidence (indicators with source and period,
the quoted figure), its local goals, and a table of its activities with owner, timetable
and the latest follow-up. A plan that is not decided is made as a draft and says so.

The plan is chosen by a date in its year (`--from`); without one, the agreement's newest
decided plan, else its newest draft."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from samverkan.andts.access import action_plan_list_for_user
from samverkan.andts.models import ActionPlan
from samverkan.andts.selectors import plan_rows
from samverkan.core.models import Classification, User
from samverkan.plans.models import Agreement
from samverkan.reports.content import BulletList, Content, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import label, made_on, one_line, paragraphs, period_text


def action_plan_for(user: User, agreement: Agreement, params: Parameters) -> ActionPlan:
    """The plan of the year `from` falls in; without `from`, the newest decided plan, else
    the newest draft. `plan` names a verksamhetsplan, never an ANDT(S) plan: refused here,
    so that a plan's id is never read as another table's."""
    if params.plan is not None:
        raise ValidationError(
            {
                "plan": [
                    _(
                        "ANDT(S)-handlingsplanen väljs med ett datum i planens år (från), "
                        "inte med en verksamhetsplan."
                    )
                ]
            }
        )
    plans = action_plan_list_for_user(user).filter(agreement=agreement).select_related("strategy")
    if params.date_from is not None:
        plan = plans.filter(
            period_start__lte=params.date_from, period_end__gte=params.date_from
        ).first()
        if plan is None:
            years = ", ".join(str(y) for y in plans.values_list("year", flat=True)) or "–"
            raise ValidationError(
                {
                    "from": [
                        _(
                            "Överenskommelsen har ingen ANDT(S)-handlingsplan för "
                            "%(date)s; planer finns för %(years)s."
                        )
                        % {"date": params.date_from.isoformat(), "years": years}
                    ]
                }
            )
        return plan
    plan = (
        plans.filter(status=ActionPlan.Status.DECIDED).order_by("-year").first()
        or plans.order_by("-year").first()
    )
    if plan is None:
        raise ValidationError(
            {"plan": [_("Överenskommelsen har ingen ANDT(S)-handlingsplan att göra dokument av.")]}
        )
    return plan


def _schedule(activity) -> str:
    dates = " – ".join(d.isoformat() for d in (activity.start, activity.end) if d)
    wording = one_line(activity.schedule_text)
    return " ".join(part for part in (dates, wording) if part) or _("Ingen tidplan angiven")


def _latest_follow_up(activity) -> str:
    follow_ups = sorted(activity.follow_ups.all(), key=lambda f: f.period_start)
    if not follow_ups:
        return _("Inte uppföljd ännu")
    last = follow_ups[-1]
    text = f"{last.period_label}: {last.get_status_display()}"
    return f"{text}. {one_line(last.comment)}" if last.comment else text


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    plan = action_plan_for(user, agreement, params)
    decided = plan.is_decided
    cover = [
        (_("Överenskommelse"), agreement.title),
        (_("Period"), period_text(plan.period_start, plan.period_end)),
        (_("Strategi"), plan.strategy.title),
        (_("Status"), str(ActionPlan.Status(plan.status).label)),
    ]
    if decided:
        cover += [
            (_("Beslutad av"), plan.decided_by or "–"),
            (_("Beslutsdatum"), plan.decided_on.isoformat()),
        ]
        if plan.decision:
            cover.append((_("Beslut"), one_line(plan.decision)))
    else:
        cover.append((_("Beslut"), _("Inte beslutad: utkast, inget beslut ännu")))
    content = Content(
        title=plan.title,
        subtitle=_("ANDT(S)-handlingsplan") if decided else _("ANDT(S)-handlingsplan – utkast"),
        classification=Classification.INTERNAL,
        cover=[*cover, (_("Klassning"), label(Classification.INTERNAL)), made_on()],
        toc=True,
    )
    if not decided:
        content.add(
            Note(
                _(
                    "Utkast: handlingsplanen är inte beslutad. Texten kan ändras innan beslut, "
                    "och dokumentet är inget beslutat underlag."
                )
            )
        )
    content.add(Heading(_("Utgångspunkt")))
    content.add(
        Paragraph(
            _("Planen bygger på %(strategy)s (%(period)s).")
            % {
                "strategy": plan.strategy.title,
                "period": period_text(plan.strategy.period_start, plan.strategy.period_end),
            }
        ),
        Paragraph(one_line(plan.strategy.overall_goal), label=_("Strategins övergripande mål:")),
    )
    if plan.problem_description:
        content.add(Heading(_("Problembild"), 2), *paragraphs(plan.problem_description))
    if plan.baseline:
        content.add(Heading(_("Utgångsläge"), 2), *paragraphs(plan.baseline))

    rows = plan_rows(plan, user)
    if not rows:
        content.add(Note(_("Planen prioriterar inget av strategins mål ännu.")))
    for row in rows:
        prioritised = row.prioritised
        goal = prioritised.goal
        content.add(
            Heading(
                _("Mål %(number)s: %(text)s") % {"number": goal.number, "text": one_line(goal.text)}
            )
        )
        content.add(Heading(_("Motivering"), 2, outlined=False))
        if prioritised.rationale:
            content.add(*paragraphs(prioritised.rationale))
        else:
            content.add(Note(_("Motivering saknas.")))
        evidence = []
        for indicator, figures in row.figures:
            values = "; ".join(
                f"{f.label + ': ' if f.label else ''}{f.text} ({f.period})" for f in figures
            ) or _("inga värden ännu")
            source = indicator.source.name if indicator.source_id else _("källa saknas")
            evidence.append(f"{indicator.name}: {values}. {_('Källa')}: {source}")
        if prioritised.figure:
            quoted = one_line(prioritised.figure)
            details = ", ".join(
                part for part in (prioritised.figure_source, prioritised.figure_period) if part
            )
            evidence.append(f"{quoted} ({details})" if details else quoted)
        if evidence:
            content.add(Heading(_("Underlag"), 2, outlined=False), BulletList(evidence))
        if row.local_goals:
            content.add(
                Heading(_("Lokala mål"), 2, outlined=False),
                BulletList([one_line(local.text) for local in row.local_goals]),
            )
        if row.activities:
            content.add(
                Heading(_("Aktiviteter"), 2, outlined=False),
                Table(
                    header=[_("Aktivitet"), _("Ansvar"), _("Tidplan"), _("Senaste uppföljning")],
                    rows=[
                        [
                            one_line(a.title),
                            f"{a.owner_organisation}"
                            + (f" ({one_line(a.owner_role)})" if a.owner_role else ""),
                            _schedule(a),
                            _latest_follow_up(a),
                        ]
                        for a in row.activities
                    ],
                    caption=_("Aktiviteter för mål %(number)s") % {"number": goal.number},
                    widths=[4, 3, 2, 3],
                ),
            )
        else:
            content.add(Note(_("Målet har inga aktiviteter ännu.")))
    return content
