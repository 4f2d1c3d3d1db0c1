"""When: weekday × hour, weekend nights, the months of the year, holidays and eves."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from samverkan.analysis.counts import local_time
from samverkan.analysis.formatting import format_decimal
from samverkan.analysis.holidays_se import holiday_effect
from samverkan.analysis.timepatterns import (
    WEEKDAYS_SV,
    helgnatter,
    seasonality,
    weekday_hour,
    window_share,
    window_share_from_counts,
)
from samverkan.lagesbild.sections.common import num
from samverkan.lagesbild.text.sentences import say


def weekday_hour_section(current: pd.DataFrame) -> dict[str, Any]:
    result = weekday_hour(current)
    cells = [
        {
            "weekday": int(day),
            "weekday_name": WEEKDAYS_SV[int(day) - 1],
            "hour": int(hour),
            "count": int(result.matrix.loc[day, hour]),
        }
        for day in result.matrix.index
        for hour in result.matrix.columns
    ]
    return {"total": result.total, "explanation": say(result.explanation), "cells": cells}


def share_dict(share, name: str) -> dict[str, Any]:
    explanation = say(share.explanation)
    sentence = explanation
    if share.share is not None:
        sentence = _(
            "%(share)s %% (95 %% KI %(low)s–%(high)s %%) av %(what)s inträffade %(w)s."
        ) % {
            "share": format_decimal(100 * share.share, 0),
            "low": format_decimal(100 * share.ci_low, 0),
            "high": format_decimal(100 * share.ci_high, 0),
            "what": name,
            "w": _("fredag–söndag natt 23–03"),
        }
    return {
        "name": name,
        "count": share.count,
        "total": share.total,
        "share": num(share.share),
        "ci_low": num(share.ci_low),
        "ci_high": num(share.ci_high),
        "expected_share": num(share.expected_share),
        "p_value": num(share.p_value, 12),
        "sentence": sentence,
        "explanation": explanation,
    }


def weekend_section(current: pd.DataFrame) -> dict[str, Any]:
    window = helgnatter()
    overall = share_dict(window_share(current, window), _("händelserna"))
    per_category = []
    if len(current):
        # One pass over the rows: inside the window or not, per category.
        local = local_time(current)
        codes = local.dt.day_of_week.to_numpy() * 24 + local.dt.hour.to_numpy()
        inside = window.mask().ravel()[codes.astype(np.int64)]
        category, levels = pd.factorize(current.loc[local.index, "category"], sort=True)
        totals = np.bincount(category, minlength=len(levels))
        counts_in = np.bincount(category[inside], minlength=len(levels))
        for k, name in enumerate(levels):
            if totals[k]:
                share = window_share_from_counts(window, int(counts_in[k]), int(totals[k]))
                per_category.append(
                    share_dict(share, _("händelserna i %s") % name) | {"category": name}
                )
    return {
        "window": _("fredag–söndag natt 23–03"),
        "definition": _(
            "Fredag 23.00 till lördag 03.00 och lördag 23.00 till söndag 03.00 (svensk tid)."
        ),
        "overall": overall,
        "by_category": per_category,
    }


def seasonality_section(current, first, last) -> dict[str, Any]:
    result = seasonality(current, start=first, end=last)
    months = [
        {
            "month": int(month),
            "name": row["name"],
            "days": int(row["days"]),
            "count": int(row["count"]),
            "expected": num(row["expected"], 3),
        }
        for month, row in result.by_month.iterrows()
        if row["days"] > 0
    ]
    test = result.month_test
    return {
        "months": months,
        "statistic": num(test.statistic),
        "p_value": num(test.p_value, 12),
        "test": test.test,
        "sentence": say(test.explanation),
        "explanation": say(result.explanation),
    }


def holiday_section(current, first, last) -> dict[str, Any]:
    if first > last:
        return {
            "table": [],
            "rate_ratio": None,
            "ci_low": None,
            "ci_high": None,
            "p_value": None,
            "sentence": _("Perioden ligger utanför de dagar som har data."),
        }
    result = holiday_effect(current, start=first, end=last)
    table = [
        {
            "kind": kind,
            "days": int(row["days"]),
            "count": int(row["count"]),
            "rate_per_day": num(row["rate_per_day"], 4)
            if row["rate_per_day"] is not None
            else None,
        }
        for kind, row in result.table.iterrows()
    ]
    return {
        "table": table,
        "rate_ratio": num(result.rate_ratio, 4),
        "ci_low": num(result.ci_low, 4),
        "ci_high": num(result.ci_high, 4),
        "p_value": num(result.p_value, 12),
        "test": result.test,
        "sentence": say(result.explanation),
    }
