"""Samlad lägesbild: the agreement's lägesbild for a period (by default the last 12
months) as the reader may see it, computed by `lagesbild.assemble` like the page: key
figures, then each of the page's charts with the same figures as a table, its source line,
the period and n. A document travels, so small counts are suppressed as in every file the
lägesbild writes (`lagesbild.disclosure`). Begränsade reports of the reader's own
organisation make the document begränsad, as they make the picture."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from samverkan.core.models import User
from samverkan.lagesbild import charts
from samverkan.lagesbild.assemble import lagesbild
from samverkan.lagesbild.disclosure import outbound_chart, outbound_result
from samverkan.plans.models import Agreement
from samverkan.reports.content import Content, Figure, Heading, Note, Paragraph, Table
from samverkan.reports.kinds import Parameters
from samverkan.reports.kinds.common import label, made_on, one_line, period_text

# The page's charts in the order of the document; the weekly series and the hot-spot grid
# are for the screen (the grid is thousands of cells).
CHARTS = ["manad", "kategori", "omrade", "veckodag_timme", "helgnatter", "helgdagar", "trender",
          "jamforelse"]  # fmt: skip
MAX_ROWS = 60
ALT_ROWS = 12


def _period(params: Parameters) -> tuple[dt.date, dt.date]:
    if bool(params.date_from) != bool(params.date_to):
        raise ValidationError(
            {
                "to" if params.date_from else "from": [
                    _("Ange både --from och --to, eller ingetdera.")
                ]
            }
        )
    if params.date_from:
        return params.date_from, params.date_to
    today = timezone.localdate()
    return today - dt.timedelta(days=364), today


def _alt(chart: charts.Chart) -> str:
    """The chart in words: its title and its first rows as heading: value pairs."""
    rows = chart.table()[:ALT_ROWS]
    parts = ["; ".join(f"{h} {v}" for h, v in row) for row in rows]
    more = len(chart.rows) - len(rows)
    tail = _(" … och %(n)s rader till i tabellen.") % {"n": more} if more > 0 else "."
    return f"{chart.title}: " + " | ".join(parts) + tail if parts else chart.title


def build(user: User, agreement: Agreement, params: Parameters) -> Content:
    start, end = _period(params)
    result = lagesbild(user=user, agreement=agreement, date_from=start, date_to=end).to_dict()
    total = result["key_figures"]["total"]
    if not total:
        raise ValidationError(
            {
                "from": [
                    _(
                        "Inga händelserapporter som du kan se i överenskommelsens kommuner för "
                        "%(period)s. Välj en annan period."
                    )
                    % {"period": period_text(start, end)}
                ]
            }
        )
    shown = outbound_result(result)
    classification = (result.get("scope") or {}).get("classification") or "intern"
    period = period_text(start, end)
    content = Content(
        title=_("Samlad lägesbild %(period)s") % {"period": period},
        subtitle=_("Lägesbild"),
        classification=classification,
        cover=[
            (_("Överenskommelse"), agreement.title),
            (_("Period"), period),
            (
                _("Underlag"),
                _("Händelserapporter som du får se, beräknade när dokumentet skapades"),
            ),
            (_("Klassning"), label(classification)),
            made_on(),
        ],
        toc=True,
    )
    keys = shown["key_figures"]
    content.add(Heading(_("Nyckeltal")))
    content.add(Paragraph(_("%(n)s händelser under perioden.") % {"n": keys["total"]}))
    if keys.get("previous_total") is not None:
        content.add(
            Paragraph(
                _("Samma period året innan: %(n)s händelser.") % {"n": keys["previous_total"]}
            )
        )
    if keys.get("weekend_night_sentence"):
        content.add(Paragraph(one_line(keys["weekend_night_sentence"]), label=_("Helgnätter:")))
    for key, heading in (("seasonality", _("Säsong:")), ("holidays", _("Helgdagar och aftnar:"))):
        sentence = (shown.get(key) or {}).get("sentence")
        if sentence:
            content.add(Paragraph(one_line(sentence), label=heading))

    for key in CHARTS:
        try:
            chart = outbound_chart(charts.chart_for(result, key))
        except Exception as error:  # noqa: BLE001 — one chart that cannot be built is explained
            content.add(
                Heading(key.replace("_", " ").capitalize()),
                Note(
                    _("Diagrammet kunde inte byggas (%(reason)s).") % {"reason": str(error)[:200]}
                ),
            )
            continue
        content.add(Heading(chart.title))
        if not chart.rows:
            content.add(Note(_("Inga uppgifter att visa för perioden.")))
            continue
        content.add(
            Figure(
                alt=_alt(chart),
                caption=chart.title,
                source=chart.source or _("Händelserapporter i Samverkan"),
                period=period,
                n=str(total),
                spec=chart.spec,
            )
        )
        rows = [[str(value) for _heading, value in row] for row in chart.table()[:MAX_ROWS]]
        content.add(Table(header=[h for _f, h in chart.columns], rows=rows, caption=chart.title))
        if len(chart.rows) > MAX_ROWS:
            content.add(
                Note(
                    _("Tabellen visar de första %(n)s raderna av %(all)s; alla finns på sidan.")
                    % {"n": MAX_ROWS, "all": len(chart.rows)}
                )
            )
    notes = shown.get("notes") or []
    if notes:
        content.add(Heading(_("Att tänka på")))
        content.add(*[Paragraph(one_line(str(n))) for n in notes])
    return content
