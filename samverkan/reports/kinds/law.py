"""Lag (2023:196): the municipality's lägesbild and åtgärdsplan as the law on municipalities'
responsibility for crime prevention asks for them, from what the agreement holds.

The law asks the kommun for a lägesbild of the crime in the municipality (a kartläggning of
the crime, its extent and consequences, other relevant information and an analysis of the
needs of crime prevention), an åtgärdsplan decided from the lägesbild, and a
samordningsfunktion. The document puts together: the samlad lägesbild for the period (the
kind `lagesbild`, its headings one level down), the indicators of the focus areas, the
plan's problem pictures and the prevention problems with their cause analyses, the
interventions and the plan's commitments as the åtgärdsplan, the agreement's groups as the
coordination, and the plan's follow-up status. Everything is read as the reader.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.est.weekly import agreement_municipalities
from samverkan.indicators.access import observation_list_for_user
from samverkan.indicators.pages import breakdown_label, format_value
from samverkan.organisations.access import group_list_for_user
from samverkan.organisations.models import Membership
from samverkan.plans.models import Agreement, FollowUpStatus, Section
from samverkan.plans.selectors import plan_overview
from samverkan.prevention.access import intervention_list_for_user, problem_list_for_user
from samverkan.reports.content import Content, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters, situation
from samverkan.reports.kinds.common import (
    highest,
    label,
    made_on,
    one_line,
    paragraphs,
    plan_for,
    responsibility,
    schedule,
)

MAX_INDICATORS = 40


def _plan(user, agreement, params):
    try:
        return plan_for(user, agreement, params)
    except ValidationError:
        if params.plan is not None:
            raise
        return None


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    picture = situation.build(user, agreement, params)  # refuses a period without reports
    plan = _plan(user, agreement, params)
    problems = list(
        problem_list_for_user(user)
        .filter(agreement=agreement)
        .select_related("section", "owner_organisation")
        .order_by("title", "pk")
    )
    classification = highest(
        picture.classification,
        *(p.classification for p in problems),
        *([plan.classification] if plan else []),
    )
    period = dict(picture.cover)[_("Period")]
    content = Content(
        title=_("Lägesbild och åtgärdsplan %(period)s") % {"period": period},
        subtitle=_("Enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete"),
        classification=classification,
        cover=[
            (_("Överenskommelse"), agreement.title),
            (_("Lägesbildens period"), period),
            (_("Plan"), plan.title if plan else _("Ingen verksamhetsplan")),
            (_("Klassning"), label(classification)),
            made_on(),
        ],
        toc=True,
    )
    content.add(
        Heading(_("Om dokumentet")),
        Paragraph(
            _(
                "Lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete ställer tre "
                "krav på kommunen: en lägesbild över brottsligheten i kommunen (en kartläggning "
                "av brottsligheten, dess omfattning och konsekvenser, annan relevant information "
                "och en analys av vilka behov av brottsförebyggande åtgärder som finns), en "
                "åtgärdsplan som beslutas utifrån lägesbilden och en samordningsfunktion. "
                "Dokumentet samlar det som finns i Samverkan för överenskommelsen; det ersätter "
                "inte kommunens beslut om åtgärdsplanen."
            )
        ),
    )

    content.add(Heading(_("Kartläggning av brottsligheten")))
    for block in picture.blocks:
        if isinstance(block, Heading):
            block.level = min(block.level + 1, 4)
        content.add(block)

    content.add(Heading(_("Annan relevant information")))
    codes = list(agreement_municipalities(agreement).values_list("code", flat=True))
    latest = {}
    for o in (
        observation_list_for_user(user)
        .filter(geo_code__in=codes)
        .exclude(indicator__focus_area="")
        .select_related("indicator__source")
        .order_by("period_end", "pk")
    ):
        latest[(o.indicator_id, o.breakdown_key)] = o
    rows = [
        [
            o.indicator.name + (f" ({breakdown_label(o.breakdown)})" if o.breakdown else ""),
            format_value(o.value, o.indicator.unit),
            o.period_label,
            o.indicator.source.name if o.indicator.source_id else "",
            str(o.n) if o.n else "",
        ]
        for o in sorted(latest.values(), key=lambda o: (o.indicator.name, o.breakdown_key))[
            :MAX_INDICATORS
        ]
    ]
    if rows:
        content.add(
            Table(
                header=[_("Indikator"), _("Senaste värde"), _("Period"), _("Källa"), "n"],
                rows=rows,
                caption=_("Fokusområdenas indikatorer, senaste värde för kommunen"),
                widths=[4, 2, 2, 3, 1],
            )
        )
    else:
        content.add(Note(_("Inga indikatorvärden för kommunen finns inlästa.")))

    content.add(Heading(_("Analys av behoven")))
    if plan:
        focus = [
            s
            for s in plan.sections.filter(kind=Section.Kind.FOCUS_AREA).order_by("position")
            if s.problem_description
        ]
        for section in focus:
            content.add(Heading(f"{section.number}. {section.title}", 2))
            content.add(*paragraphs(section.problem_description))
    if problems:
        content.add(Heading(_("Problem och orsaksanalyser"), 2))
        for problem in problems:
            content.add(Heading(problem.title, 3), *paragraphs(problem.description))
            analysis = getattr(problem, "cause_analysis", None)
            if analysis is not None:
                content.add(
                    Table(
                        header=[_("Del av problemtriangeln"), _("Vad analysen säger")],
                        rows=[
                            [_("Gärningsperson"), one_line(analysis.offender)],
                            [_("Mål eller brottsutsatt"), one_line(analysis.target_victim)],
                            [_("Plats och tid"), one_line(analysis.place_time)],
                        ],
                        caption=_("Orsaksanalys (%(status)s)")
                        % {"status": analysis.get_status_display()},
                        widths=[1, 3],
                    )
                )
    if not plan and not problems:
        content.add(
            Note(_("Varken plan eller problem med orsaksanalys finns för överenskommelsen."))
        )

    content.add(Heading(_("Åtgärdsplan")))
    interventions = list(
        intervention_list_for_user(user)
        .filter(problem__in=[p.pk for p in problems])
        .select_related("problem", "owner_organisation")
        .order_by("problem__title", "title", "pk")
    )
    if interventions:
        content.add(
            Heading(_("Insatser"), 2),
            Table(
                header=[
                    _("Insats"),
                    _("Problem"),
                    _("Typ och nivå"),
                    _("Ansvar"),
                    _("Tid"),
                    _("Status"),
                ],  # fmt: skip
                rows=[
                    [
                        i.title,
                        i.problem.title,
                        f"{i.get_type_display()}, {i.get_level_display()}",
                        ", ".join(x for x in (str(i.owner_organisation or ""), i.owner_role) if x),
                        " – ".join(d.isoformat() for d in (i.start, i.end) if d),
                        i.get_status_display(),
                    ]
                    for i in interventions
                ],
                caption=_("Insatser mot problemen"),
                widths=[3, 3, 2, 2, 2, 2],
            ),
        )
    overview = plan_overview(plan, today=timezone.localdate()) if plan else None
    if overview:
        rows = [
            [
                f"{view.section.number}: {one_line(row.obj.text)}",
                responsibility(row),
                schedule(row.obj),
            ]  # fmt: skip
            for view in overview.sections
            for row in view.commitments
        ]
        content.add(
            Heading(_("Verksamhetsplanens åtaganden"), 2),
            Table(
                header=[_("Åtagande"), _("Ansvar"), _("Tidplan")],
                rows=rows,
                caption=_("Åtaganden i %(plan)s") % {"plan": plan.title},
                widths=[4, 3, 2],
            ),
        )
    if not interventions and not overview:
        content.add(Note(_("Inga insatser eller åtaganden finns ännu.")))

    content.add(Heading(_("Samordningsfunktion")))
    groups = list(group_list_for_user(user).filter(agreement=agreement).order_by("kind", "name"))
    memberships = Membership.objects.filter(group__in=groups, end__isnull=True).select_related(
        "person", "organisation"
    )
    members: dict[int, list[str]] = {}
    for m in memberships:
        members.setdefault(m.group_id, []).append(
            f"{m.person.get_full_name() or m.person}, {m.organisation} ({m.get_role_display()})"
        )
    if groups:
        content.add(
            Table(
                header=[
                    _("Grupp"),
                    _("Typ"),
                    _("Uppdrag"),
                    _("Ordförande, sammankallande och ledamöter"),
                ],
                rows=[
                    [
                        g.name,
                        g.get_kind_display(),
                        one_line(g.description),
                        "; ".join(members.get(g.pk, [])) or "–",
                    ]  # fmt: skip
                    for g in groups
                ],
                caption=_("Överenskommelsens grupper"),
                widths=[2, 2, 3, 4],
            )
        )
    else:
        content.add(Note(_("Överenskommelsen har inga grupper.")))

    content.add(Heading(_("Uppföljning")))
    if overview and plan.decision_id:
        counts = overview.counts
        content.add(
            Table(
                header=[_("Status"), _("Mål och åtaganden")],
                rows=[[str(s.label), str(counts[s.value])] for s in FollowUpStatus],
                caption=_("Planens mål och åtaganden per status i dag"),
                widths=[3, 1],
            )
        )
    else:
        content.add(Note(_("Ingen fastställd plan att följa upp.")))
    return content
