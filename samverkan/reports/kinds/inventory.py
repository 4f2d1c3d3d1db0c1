"""Samverkansinventering: the agreement's collaborations as the inventory holds them, for
the steering group to review. Cover with the latest review; the overlap matrix (focus area ×
prevention level) with possible double work and possible gaps marked, the same rule as the
page (`collaboration.overlap`); then one part per collaboration: purpose, legal basis,
parties with their role, target group, level, focus areas, how it is led, how often it meets,
its contact roles (roles, never names) and how it is followed up."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samverkan.collaboration.models import Collaboration, Level, TargetGroup
from samverkan.collaboration.selectors import last_review, overview, review_overdue
from samverkan.core.models import Classification, User
from samverkan.plans.models import Agreement
from samverkan.reports.content import BulletList, Content, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import label, made_on, one_line, paragraphs

LEVELS = dict(Level.choices)
GROUPS = dict(TargetGroup.choices)


def _cell_text(cell) -> str:
    names = [entry.name for entry in cell.collaborations] + [
        _("%(name)s (insats)") % {"name": entry.name} for entry in cell.interventions
    ]
    marks = []
    if cell.overlap:
        marks.append(_("MÖJLIGT DUBBELARBETE"))
    if cell.gap:
        marks.append(_("MÖJLIG LUCKA"))
    return "; ".join(marks + names) or "–"


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    picture = overview(user, agreement)
    collaborations: list[Collaboration] = sorted(
        picture.collaborations.values(), key=lambda c: c.name
    )
    if not collaborations:
        raise ValidationError(
            {"agreement": [_("Överenskommelsen har inga samverkansformer i inventeringen ännu.")]}
        )
    review = last_review(user, agreement)
    today = timezone.localdate()
    if review is None:
        review_text = _("Inventeringen är inte granskad ännu.")
    else:
        review_text = _("Granskad %(on)s, nästa granskning senast %(next)s.") % {
            "on": review.reviewed_on.isoformat(),
            "next": review.next_review.isoformat(),
        }
    content = Content(
        title=_("Samverkansinventering – %(agreement)s") % {"agreement": agreement.title},
        subtitle=_("Samverkansinventering"),
        classification=Classification.INTERNAL,
        cover=[
            (_("Överenskommelse"), agreement.title),
            (_("Samverkansformer"), str(len(collaborations))),
            (_("Granskning"), review_text),
            (_("Klassning"), label(Classification.INTERNAL)),
            made_on(),
        ],
        toc=True,
    )
    if review_overdue(review, today):
        content.add(
            Note(_("Inventeringen ska granskas: den är inte granskad, eller granskningen är sen."))
        )
    if review is not None and review.note:
        content.add(Paragraph(one_line(review.note), label=_("Från senaste granskningen:")))

    content.add(Heading(_("Överlapp och luckor")))
    overlaps = ngettext(
        "%(n)s cell med möjligt dubbelarbete",
        "%(n)s celler med möjligt dubbelarbete",
        picture.overlaps,
    ) % {"n": picture.overlaps}
    gaps = ngettext("%(n)s möjlig lucka", "%(n)s möjliga luckor", picture.gaps) % {
        "n": picture.gaps
    }
    content.add(
        Paragraph(
            _(
                "%(overlaps)s (två eller fler pågående samverkansformer med samma målgrupp) "
                "och %(gaps)s (ingen pågående samverkan eller insats på en av "
                "preventionstriangelns tre nivåer)."
            )
            % {"overlaps": overlaps, "gaps": gaps}
        )
    )
    content.add(
        Table(
            header=[_("Fokusområde")] + [str(level_label) for _key, level_label in picture.levels],
            rows=[
                [str(area_label)] + [_cell_text(cell) for cell in cells]
                for _key, area_label, cells in picture.areas
            ],
            caption=_("Samverkan och insatser per fokusområde och preventionsnivå"),
        )
    )

    content.add(Heading(_("Samverkansformerna")))
    for c in collaborations:
        content.add(Heading(c.name, 2))
        content.add(*paragraphs(c.purpose))
        facts = [
            _("Status: %(status)s") % {"status": c.get_status_display()},
            _("Målgrupp: %(group)s") % {"group": GROUPS.get(c.target_group, c.target_group)},
            _("Preventionsnivå: %(level)s") % {"level": LEVELS.get(c.level, c.level)},
            _("Fokusområden: %(areas)s") % {"areas": ", ".join(c.focus_area_labels()) or "–"},
        ]
        if c.start:
            facts.append(_("Start: %(date)s") % {"date": c.start.isoformat()})
        if c.legal_basis:
            facts.append(_("Rättslig grund: %(text)s") % {"text": one_line(c.legal_basis)})
        if c.leadership:
            facts.append(_("Leds: %(text)s") % {"text": one_line(c.leadership)})
        if c.meeting_frequency:
            facts.append(_("Möts: %(text)s") % {"text": one_line(c.meeting_frequency)})
        if c.contact_role_list():
            facts.append(_("Kontakt: %(roles)s") % {"roles": ", ".join(c.contact_role_list())})
        method = one_line(c.follow_up_method).rstrip(".")
        follow = " – ".join(part for part in (method, one_line(c.follow_up_by)) if part)
        facts.append(_("Uppföljning: %(text)s") % {"text": follow or _("inte angiven")})
        content.add(BulletList(facts))
        parties = list(c.parties.all())
        if parties:
            content.add(
                Table(
                    header=[_("Part"), _("Roll")],
                    rows=[[str(p.organisation), one_line(p.role) or "–"] for p in parties],
                    caption=_("Parter i %(name)s") % {"name": c.name},
                    widths=[3, 4],
                )
            )
    return content
