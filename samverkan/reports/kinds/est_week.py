"""EST-veckan: a closed EST week's snapshot, for the participants who were not at the meeting.

The picture is the one the meeting saw (the stored snapshot, never a recomputation): the
week's reports against the earlier weeks, the flagged increases, the reports per district
with a chart, the notable reports, each party's notes, the meeting's notes and decisions,
the actions and the planned events. Begränsade reports are in the picture only as a
number. A reader whose own organisation filed begränsade reports that week also gets
those, in a section of their own, and the document is then begränsad itself (only the
reader's organisation sees it).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import Classification, User
from samverkan.est.access import snapshot_list_for_user
from samverkan.est.weekly import agreement_municipalities, week_bounds
from samverkan.incidents.access import incident_list_for_user
from samverkan.plans.models import Agreement
from samverkan.reports.charts import bar_spec
from samverkan.reports.content import BulletList, Content, Figure, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import label, made_on, one_line, paragraphs

MAX_OWN_RESTRICTED = 200


def _meeting(user: User, agreement: Agreement, params: Parameters):
    meetings = snapshot_list_for_user(user).filter(agreement=agreement)
    if params.date_from:
        year, week, _day = params.date_from.isocalendar()
        meeting = meetings.filter(iso_year=year, iso_week=week).first()
        if meeting is None:
            raise ValidationError(
                {
                    "from": [
                        _("Vecka %(week)s %(year)s har inget stängt EST-möte i överenskommelsen.")
                        % {"week": week, "year": year}
                    ]
                }
            )
    else:
        meeting = meetings.order_by("-iso_year", "-iso_week").first()
        if meeting is None:
            raise ValidationError(
                _("Överenskommelsen har ännu ingen stängd EST-vecka att göra dokument av.")
            )
    if not meeting.snapshot or "picture" not in meeting.snapshot:
        raise ValidationError(_("Veckans möte är stängt men har ingen sparad ögonblicksbild."))
    return meeting


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    meeting = _meeting(user, agreement, params)
    snapshot = meeting.snapshot
    picture = snapshot["picture"]
    period = f"{picture['week_start']} – {picture['week_end']}"
    week = _("vecka %(week)s %(year)s") % {"week": meeting.iso_week, "year": meeting.iso_year}
    start, end = week_bounds(meeting.iso_year, meeting.iso_week)
    own_restricted = list(
        incident_list_for_user(user)
        .filter(
            municipality__in=agreement_municipalities(agreement).values("pk"),
            classification=Classification.RESTRICTED,
            is_summary=False,
            occurred_from__gte=start,
            occurred_from__lt=end,
            created_at__lte=meeting.closed_at,
        )
        .select_related("category", "district", "place", "organisation")
        .order_by("occurred_from", "pk")[: MAX_OWN_RESTRICTED + 1]
    )
    classification = Classification.RESTRICTED if own_restricted else Classification.INTERNAL
    content = Content(
        title=_("EST-veckan %(week)s") % {"week": week},
        subtitle=_("Effektiv samordning för trygghet – veckans lägesbild"),
        classification=classification,
        cover=[
            (_("Överenskommelse"), agreement.title),
            (_("Vecka"), f"{week} ({period})"),
            (
                _("Mötet stängt"),
                f"{snapshot.get('closed_at', '')} {_('av')} {snapshot.get('closed_by', '')}",
            ),
            (_("Underlag"), _("Ögonblicksbilden som mötet såg; den ändras inte i efterhand.")),
            (_("Klassning"), label(classification)),
            made_on(),
        ],
    )

    content.add(Heading(_("Sammanfattning")))
    content.add(
        Paragraph(
            _(
                "%(total)s öppna och interna händelserapporter %(week)s, mot i snitt "
                "%(mean)s per vecka de %(weeks)s veckorna före."
            )
            % {
                "total": picture["total"],
                "week": week,
                "mean": _number(float(picture["baseline_total_mean"])),
                "weeks": picture["baseline_weeks"],
            }
        )
    )
    if picture.get("restricted_count"):
        content.add(
            Paragraph(
                _(
                    "Därtill %(count)s begränsade rapporter, som i veckans bild bara räknas och "
                    "aldrig visas per område, kategori eller på kartan."
                )
                % {"count": picture["restricted_count"]}
            )
        )
    if picture.get("test"):
        content.add(Paragraph(one_line(picture["test"]), label=_("Så flaggas en ökning:")))
    if picture.get("false_flags"):
        content.add(Paragraph(one_line(picture["false_flags"])))

    content.add(Heading(_("Ökningar")))
    increases = [cell for cell in picture["cells"] if cell.get("increase")]
    if increases:
        content.add(
            Table(
                header=[
                    _("Område"),
                    _("Kategori"),
                    _("Antal"),
                    _("Snitt tidigare"),
                    _("Förklaring"),
                ],
                rows=[
                    [
                        cell["district"] or _("Utan område"),
                        cell["category"],
                        str(cell["count"]),
                        _number(cell.get("baseline_mean")),
                        one_line(cell.get("explanation", "")),
                    ]
                    for cell in increases
                ],
                caption=_("Flaggade ökningar %(week)s") % {"week": week},
                widths=[2, 2, 1, 1, 4],
            )
        )
    else:
        content.add(Note(_("Inga ökningar flaggades den här veckan.")))

    content.add(Heading(_("Rapporter per område")))
    districts = [d for d in picture["districts"] if d["count"] or d["baseline_mean"]]
    if districts:
        rows = [
            {"district": d["district"] or _("Utan område"), "count": d["count"]} for d in districts
        ]
        content.add(
            Figure(
                alt=_(
                    "Stapeldiagram över veckans öppna och interna rapporter per område: %(list)s."
                )
                % {"list": "; ".join(f"{r['district']} {r['count']}" for r in rows)},
                caption=_("Rapporter per område %(week)s") % {"week": week},
                source=_("Händelserapporter i Samverkan (öppna och interna)"),
                period=period,
                n=str(picture["total"]),
                spec=bar_spec(
                    rows, x="district", y="count", x_title=_("Område"), y_title=_("Rapporter")
                ),
            ),
            Table(
                header=[_("Område"), _("Rapporter"), _("Snitt tidigare veckor")],
                rows=[
                    [
                        d["district"] or _("Utan område"),
                        str(d["count"]),
                        _number(d["baseline_mean"]),
                    ]
                    for d in districts
                ],
                caption=_("Rapporter per område"),
                widths=[3, 1, 2],
            ),
        )
    else:
        content.add(Note(_("Inga öppna eller interna rapporter den här veckan.")))

    content.add(Heading(_("Anmärkningsvärda händelser")))
    if picture["notable"]:
        content.add(
            Table(
                header=[_("När"), _("Kategori"), _("Plats"), _("Beskrivning")],
                rows=[
                    [
                        n["occurred_from"].replace("T", " ")[:16],
                        n["category"],
                        ", ".join(x for x in (n["place"], n["district"]) if x),
                        one_line(n["description"]),
                    ]
                    for n in picture["notable"]
                ],
                caption=_("Anmärkningsvärda händelser (hög allvarlighet eller otrygghet)"),
                widths=[2, 2, 2, 5],
            )
        )
    else:
        content.add(Note(_("Inga anmärkningsvärda händelser den här veckan.")))

    content.add(Heading(_("Parternas noteringar")))
    if picture["notes"]:
        for note in picture["notes"]:
            content.add(Paragraph(one_line(note["text"]), label=f"{note['organisation']}:"))
    else:
        content.add(Note(_("Ingen part skrev någon notering till veckan.")))

    content.add(Heading(_("Mötet")))
    content.add(Heading(_("Anteckningar"), 2))
    content.add(*(paragraphs(snapshot.get("notes", "")) or [Note(_("Inga anteckningar."))]))
    content.add(Heading(_("Beslut"), 2))
    content.add(*(paragraphs(snapshot.get("decisions", "")) or [Note(_("Inga beslut."))]))

    content.add(Heading(_("Åtgärder")))
    if picture["actions"]:
        content.add(
            Table(
                header=[_("Åtgärd"), _("Var"), _("Ansvarig"), _("Senast"), _("Status")],
                rows=[
                    [
                        one_line(a["what"]),
                        a["where"],
                        ", ".join(x for x in (a["owner_organisation"], a["owner"]) if x),
                        a["due_date"] or "–",
                        a["status_label"] + (" – " + _("försenad") if a["overdue"] else ""),
                    ]
                    for a in picture["actions"]
                ],
                caption=_("Åtgärder"),
                widths=[4, 2, 3, 2, 2],
            )
        )
    else:
        content.add(Note(_("Inga åtgärder.")))

    content.add(Heading(_("Planerade evenemang")))
    if picture["planned_events"]:
        content.add(
            BulletList(
                [
                    f"{e['title']}: {e['starts_at'].replace('T', ' ')[:16]}–"
                    f"{e['ends_at'].replace('T', ' ')[11:16]}, {e['where']} ({e['organisation']})"
                    for e in picture["planned_events"]
                ]
            )
        )
    else:
        content.add(Note(_("Inga planerade evenemang.")))

    if own_restricted:
        content.add(Heading(_("Begränsade rapporter som bara din organisation ser")))
        content.add(
            Note(
                _(
                    "Det här avsnittet gör dokumentet begränsat: det visas bara inom "
                    "%(organisation)s, och får inte lämnas vidare."
                )
                % {"organisation": user.organisation or _("din organisation")}
            )
        )
        rows = [
            [
                timezone.localtime(incident.occurred_from).strftime("%Y-%m-%d %H:%M"),
                incident.category.name,
                ", ".join(str(x) for x in (incident.place, incident.district) if x is not None),
                one_line(incident.description),
            ]
            for incident in own_restricted[:MAX_OWN_RESTRICTED]
        ]
        content.add(
            Table(
                header=[_("När"), _("Kategori"), _("Plats"), _("Beskrivning")],
                rows=rows,
                caption=_("Begränsade rapporter"),
                widths=[2, 2, 2, 5],
            )
        )
        if len(own_restricted) > MAX_OWN_RESTRICTED:
            content.add(
                Note(
                    _("Fler än %(n)s rapporter; resten finns i händelselistan.")
                    % {"n": MAX_OWN_RESTRICTED}
                )
            )
    return content
