"""The period against the same dates a year earlier: in total and per district × category."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.change import period_change
from samverkan.analysis.formatting import format_decimal, format_stat
from samverkan.lagesbild.sections.common import NO_DISTRICT, named, num
from samverkan.lagesbild.text.sentences import change_sentence, change_summary


def comparison_section(current, previous, prev_from, prev_to, data_start, opts):
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
    }
    if previous is None:
        out["sentence"] = _(
            "Ingen jämförelse: det finns inga data för hela jämförelseperioden %(a)s–%(b)s."
        ) % {"a": prev_from.isoformat(), "b": prev_to.isoformat()}
        return out
    before, now = len(previous), len(current)
    out["previous_total"] = before
    out["change"] = num((now - before) / before, 4) if before else None
    total = period_change(
        pd.DataFrame({"g": ["alla"], "count": [now]}),
        pd.DataFrame({"g": ["alla"], "count": [before]}),
        by=("g",),
        baseline_periods=1,
        alpha=opts.alpha,
        min_difference=opts.min_difference,
    ).table.iloc[0]
    if before == 0:
        out["sentence"] = _("%(now)d händelser mot inga under jämförelseperioden.") % {"now": now}
    else:
        verdict = (
            _("en statistiskt säkerställd förändring")
            if total["flag"] in ("increase", "decrease")
            else _("ingen statistiskt säkerställd förändring")
        )
        out["sentence"] = _(
            "%(now)d händelser mot %(before)d samma period året innan (%(pct)s %%): "
            "%(verdict)s (%(p)s, exakt Poissontest)."
        ) % {
            "now": now,
            "before": before,
            "pct": ("+" if now >= before else "")
            + format_decimal(100 * (now - before) / before, 0),
            "verdict": verdict,
            "p": format_stat("p", float(total["p_value"])),
        }
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
            "p_value": num(r.p_value, 12),
            "q_value": num(r.q_value, 12),
            "flag": r.flag,
            "sentence": change_sentence(r._asdict(), change.by),
        }
        for r in table.itertuples(index=False)
    ]
    out["flagged"] = [r["sentence"] for r in out["rows"] if r["flag"]]
    out["summary"] = change_summary(change)
    out["method"] = change.method
    return out
