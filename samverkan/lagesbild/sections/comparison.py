"""The period against the same dates a year earlier: in total and per district × category."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.change import period_change
from samverkan.analysis.formatting import format_decimal
from samverkan.lagesbild.sections.common import NO_DISTRICT, named, num, sv_date
from samverkan.lagesbild.text.sentences import (
    change_note,
    change_sentence,
    change_summary,
    change_verdict,
    rate_ratio_text,
)


def comparison_section(current, previous, prev_from, prev_to, data_start, opts, current_days=None):
    """``current_days``: the days of the period that have data (up to the last report); the
    test compares rates per day, so a period cut short by the data is not read as a fall."""
    out: dict[str, Any] = {
        "previous_from": prev_from,
        "previous_to": prev_to,
        "current_total": len(current),
        "previous_total": None,
        "change": None,
        "sentence": "",
        "rows": [],
        "flagged": [],
        "summary": "",
        "rate_ratio": None,
        "ratio_low": None,
        "ratio_high": None,
        "p_value": None,
        "exposure": None,
    }
    if previous is None:
        out["sentence"] = _(
            "Ingen jämförelse: det finns inga data för hela jämförelseperioden %(a)s–%(b)s."
        ) % {"a": sv_date(prev_from), "b": sv_date(prev_to)}
        return out
    previous_days = (prev_to - prev_from).days + 1
    exposure = 1.0
    if current_days is not None and current_days > 0 and current_days != previous_days:
        exposure = current_days / previous_days
    out["exposure"] = num(exposure, 6)
    before, now = len(previous), len(current)
    out["previous_total"] = before
    out["change"] = num((now - before) / before, 4) if before else None
    total = period_change(
        pd.DataFrame({"g": ["alla"], "count": [now]}),
        pd.DataFrame({"g": ["alla"], "count": [before]}),
        by=("g",),
        baseline_periods=1,
        exposure=exposure,
        alpha=opts.alpha,
        min_difference=opts.min_difference,
    ).table.iloc[0]
    out["rate_ratio"] = num(total["ratio"], 6)
    out["ratio_low"] = num(total["ratio_low"], 6)
    out["ratio_high"] = num(total["ratio_high"], 6)
    out["p_value"] = num(total["p_value"], 12)
    if before == 0:
        out["sentence"] = _("%(now)d händelser mot inga under jämförelseperioden.") % {"now": now}
    else:
        out["sentence"] = _(
            "%(now)d händelser mot %(before)d samma period året innan (%(pct)s %%): %(verdict)s."
        ) % {
            "now": now,
            "before": before,
            "pct": ("+" if now >= before else "")
            + format_decimal(100 * (now - before) / before, 0),
            "verdict": change_verdict(total),
        }
        if exposure != 1.0:
            out["sentence"] += " " + _(
                "Perioderna har %(days)d och %(all)d dagar med data; kvoten och testet "
                "jämför händelser per dag."
            ) % {"days": current_days, "all": previous_days}
    cur = current.assign(district=named(current["district"], NO_DISTRICT))
    prev = previous.assign(district=named(previous["district"], NO_DISTRICT))
    cur_counts = cur.groupby(["district", "category"], observed=True).size().rename("count")
    prev_counts = prev.groupby(["district", "category"], observed=True).size().rename("count")
    if len(cur_counts) + len(prev_counts) == 0:
        out["summary"] = _("Inga händelser i någon av perioderna.")
        return out
    change = period_change(
        cur_counts.reset_index(),
        prev_counts.reset_index(),
        by=("district", "category"),
        baseline_periods=1,
        exposure=exposure,
        alpha=opts.alpha,
        min_difference=opts.min_difference,
    )
    table = change.table
    out["rows"] = [
        {
            "district": str(r.district),
            "category": str(r.category),
            "count": int(r.count),
            "previous": int(r.baseline_total),
            "rate_ratio": num(r.ratio, 6),
            "ratio_low": num(r.ratio_low, 6),
            "ratio_high": num(r.ratio_high, 6),
            "ratio_text": rate_ratio_text(r._asdict()),
            "p_value": num(r.p_value, 12),
            "q_value": num(r.q_value, 12),
            "flag": r.flag,
            "note": change_note(r._asdict()),
            "sentence": change_sentence(r._asdict(), change.by),
        }
        for r in table.itertuples(index=False)
    ]
    out["flagged"] = [r["sentence"] for r in out["rows"] if r["flag"]]
    out["summary"] = change_summary(change)
    out["method"] = change.method
    return out
