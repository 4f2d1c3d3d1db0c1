# Over 500 lines: every sentence of the lägesbild in one catalogue, to be split per section.
"""What samverkan.analysis found, as Swedish sentences through gettext.

The analysis returns codes and numbers (``analysis.messages.Message``, note codes, flags);
``say`` writes one as a sentence, and the functions below write the results that need more
than one message (a trend's summary, a rate, a changed group, the comparison's summary).
Numbers are written with ``analysis.formatting`` (decimal comma, p-values that never read 0).
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samverkan.analysis import (
    breaks,
    change,
    concentration,
    counts,
    holidays_se,
    hotspots,
    nearrepeat,
    timepatterns,
    trends,
)
from samverkan.analysis.formatting import format_decimal, format_stat
from samverkan.analysis.messages import Message


def say(message: Message | str | None) -> str:
    """The sentence of a message (a bare code is a message without values); "" for None."""
    if message is None:
        return ""
    if isinstance(message, str):
        message = Message(message)
    return _WRITERS[message.code](**message.values)


# --- When: time windows, seasons, holidays ---------------------------------------------------


def _no_events() -> str:
    return _("inga händelser i perioden")


def _window_share(share, count, total, window, ci_low, ci_high, expected, p_value) -> str:
    text = _(
        "%(share)s %% av händelserna (%(count)d av %(total)d) inträffade under %(window)s; "
        "95 %% konfidensintervall %(low)s–%(high)s %% (Wilson)."
    ) % {
        "share": format_decimal(100 * share, 1),
        "count": count,
        "total": total,
        "window": window,
        "low": format_decimal(100 * ci_low, 1),
        "high": format_decimal(100 * ci_high, 1),
    }
    if p_value is not None:
        text += " " + _(
            "Vid jämn fördelning över veckan vore andelen %(expected)s %% (%(p)s, binomialtest)."
        ) % {"expected": format_decimal(100 * expected, 1), "p": format_stat("p", p_value)}
    return text


def _unit(code: str) -> str:
    return {timepatterns.MONTH: _("månad"), timepatterns.WEEK: _("vecka")}[code]


def _fit_one_class(unit: str) -> str:
    return _("perioden täcker bara en %(unit)s, inget test") % {"unit": _unit(unit)}


def _fit(unit, p_value, test, uneven, few_expected) -> str:
    values = {"unit": _unit(unit), "p": format_stat("p", p_value), "test": test}
    if uneven:
        text = (
            _(
                "Antalet händelser per %(unit)s skiljer sig från en jämn fördelning över årets "
                "dagar (%(p)s, %(test)s)."
            )
            % values
        )
    else:
        text = (
            _(
                "Ingen statistiskt säkerställd avvikelse från en jämn fördelning per %(unit)s "
                "(%(p)s, %(test)s)."
            )
            % values
        )
    if few_expected:
        text += " " + _("Färre än %(n)d väntade händelser i någon %(unit)s: osäkert test.") % {
            "n": few_expected,
            "unit": values["unit"],
        }
    return text


def _seasonality(months: Message) -> str:
    return _("Månader: %(test)s") % {"test": say(months)}


def _holiday_effect(special_rate, other_rate, p_value, test) -> str:
    if special_rate > other_rate:
        comparison = _("fler")
    elif special_rate < other_rate:
        comparison = _("färre")
    else:
        comparison = _("lika många")
    verdict = _("statistiskt säkerställd") if p_value < 0.05 else _("inte statistiskt säkerställd")
    return _(
        "%(special)s händelser per dag på helgdagar och aftnar mot %(other)s övriga dagar: "
        "%(comparison)s på helgdagar och aftnar, skillnaden är %(verdict)s (%(p)s, %(test)s)."
    ) % {
        "special": format_decimal(special_rate, 2),
        "other": format_decimal(other_rate, 2),
        "comparison": comparison,
        "verdict": verdict,
        "p": format_stat("p", p_value),
        "test": test,
    }


def _no_holiday_comparison() -> str:
    return _("perioden saknar helgdagar och aftnar eller vanliga dagar")


# --- Trends and rates ------------------------------------------------------------------------


def _trend_tested(p_value, factor, method, alpha) -> str:
    values = {"p": format_stat("p", p_value), "method": method}
    if p_value < alpha:
        if factor > 1:
            return _("Ökningen är statistiskt säkerställd (%(p)s, %(method)s).") % values
        return _("Minskningen är statistiskt säkerställd (%(p)s, %(method)s).") % values
    return _("Ingen säkerställd förändring (%(p)s, %(method)s).") % values


def _too_few_years(n, min_years) -> str:
    return _("För få år för trendtest (n = %(n)d; minst %(min)d år med data krävs).") % {
        "n": n,
        "min": min_years,
    }


def _no_events_in_span(first, last) -> str:
    return _("Inga händelser under %(first)s–%(last)s; ingen trend kan skattas.") % {
        "first": first,
        "last": last,
    }


def _one_year_only(year) -> str:
    return _("Händelser bara under ett år (%(year)s); ingen trend kan skattas.") % {"year": year}


def _no_population(years) -> str:
    return _("Befolkning saknas för %(years)s; ingen trend per invånare kan skattas.") % {
        "years": ", ".join(str(year) for year in years)
    }


def _not_converged(first, last, method) -> str:
    return _(
        "Trenden för %(first)s–%(last)s kunde inte skattas (%(method)s konvergerade inte)."
    ) % {
        "first": first,
        "last": last,
        "method": method,
    }


def percent_change(factor: float) -> str:
    """A change factor as a signed percentage: 1.12 → "+12 %", 0.955 → "−4,5 %"."""
    percent = (factor - 1) * 100
    sign = "+" if percent > 0 else ""
    return f"{sign}{format_decimal(percent, 0 if abs(percent) >= 10 else 1)} %"


def trend_summary(trend: trends.Trend) -> str:
    """The estimated change per year with its interval, e.g. "+12 % per år (95 % KI …)", or
    why there is no estimate."""
    if not trend.tested or trend.factor is None:
        return say(trend.message)
    assert trend.ci_low is not None and trend.ci_high is not None
    values = {
        "pct": percent_change(trend.factor),
        "low": percent_change(trend.ci_low),
        "high": percent_change(trend.ci_high),
        "method": trend.method,
    }
    if trend.rates:
        return (
            _(
                "Antalet per invånare förändras med %(pct)s per år (95 %% KI %(low)s till "
                "%(high)s, %(method)s)."
            )
            % values
        )
    return (
        _("Antalet förändras med %(pct)s per år (95 %% KI %(low)s till %(high)s, %(method)s).")
        % values
    )


def rate_sentence(rate: trends.Rate) -> str:
    """ "10,0 per 100 000 invånare (95 % KI 4,8–18,4, 10 händelser)." """
    return _("%(rate)s per 100 000 invånare (%(pct)s %% KI %(low)s–%(high)s, %(n)d händelser).") % {
        "rate": format_decimal(rate.rate),
        "pct": format_decimal(rate.confidence * 100, 0),
        "low": format_decimal(rate.ci_low),
        "high": format_decimal(rate.ci_high),
        "n": rate.count,
    }


# --- Change against a baseline ---------------------------------------------------------------


def _capitalised(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}"


def change_group(row: Mapping[str, Any], by: tuple[str, ...]) -> str:
    """A group's name: "Klotter i Hertsön", or the ``by`` values joined."""
    if "category" in by and "district" in by:
        label = _("%(category)s i %(district)s") % {
            "category": _capitalised(str(row["category"])),
            "district": row["district"],
        }
        rest = [str(row[column]) for column in by if column not in ("category", "district")]
        return f"{label} ({', '.join(rest)})" if rest else label
    return _capitalised(", ".join(str(row[column]) for column in by))


def change_sentence(row: Mapping[str, Any], by: tuple[str, ...]) -> str:
    """The sentence of a flagged row of ``PeriodChange.table``; "" for a row without a flag."""
    if not row["flag"]:
        return ""
    values = {"label": change_group(row, by), "count": int(row["count"])}
    if row["flag"] == change.NEW:
        return (
            _(
                "%(label)s: %(count)d mot inga under jämförelseperioden (nytt, inte testat "
                "eftersom jämförelsevärdet är noll)."
            )
            % values
        )
    return _("%(label)s: %(count)d mot väntat %(expected)s (%(ratio)s; %(q)s, %(method)s).") % {
        **values,
        "expected": format_decimal(row["expected"]),
        "ratio": rate_ratio_text(row),
        "q": format_stat("q", row["q_value"]),
        "method": change.METHOD,
    }


def change_sentences(result: change.PeriodChange) -> tuple[str, ...]:
    """The sentences of the flagged groups, in the table's order."""
    return tuple(change_sentence(row, result.by) for _, row in result.flagged.iterrows())


def change_summary(result: change.PeriodChange) -> str:
    """How many groups were tested and how many rose or fell."""
    flags = result.table["flag"]
    increases = int((flags == change.INCREASE).sum())
    decreases = int((flags == change.DECREASE).sum())
    new = int((flags == change.NEW).sum())
    news = ""
    if new:
        news = " " + ngettext(
            "%(n)d ny grupp utan händelser under jämförelseperioden.",
            "%(n)d nya grupper utan händelser under jämförelseperioden.",
            new,
        ) % {"n": new}
    too_few = ""
    if result.n_too_few:
        too_few = " " + ngettext(
            "%(n)d grupp har för få händelser för ett test.",
            "%(n)d grupper har för få händelser för ett test.",
            result.n_too_few,
        ) % {"n": result.n_too_few}
    if result.n_tested == 0:
        return _("Inga grupper med händelser under jämförelseperioden att testa.") + news + too_few
    tested = ngettext("%(n)d grupp testad", "%(n)d grupper testade", result.n_tested) % {
        "n": result.n_tested
    }
    return (
        _(
            "%(tested)s: %(up)d med säkerställd ökning och %(down)d med säkerställd minskning "
            "(%(method)s, q < %(alpha)s)."
        )
        % {
            "tested": tested,
            "up": increases,
            "down": decreases,
            "method": result.method,
            "alpha": format_decimal(result.alpha, 2),
        }
        + news
        + too_few
    )


# --- Where: hot spots and concentration ------------------------------------------------------

_NOTES: dict[str, Callable[[], str]] = {
    hotspots.NOTE_NO_EVENTS: lambda: _("inga händelser i området"),
    hotspots.NOTE_ONE_CELL: lambda: _("alla händelser i samma ruta: ingen varians"),
    hotspots.NOTE_EQUAL_CELLS: lambda: _("alla rutor har lika många händelser: ingen varians"),
    hotspots.NOTE_EMPTY_GRID: lambda: _("inget område att räkna i"),
    concentration.NOTE_NO_UNITS: lambda: _("inga platser eller rutor att jämföra"),
    concentration.NOTE_NO_EVENTS: lambda: _("inga händelser"),
}

_WRITERS: dict[str, Callable[..., str]] = {
    counts.NO_EVENTS.code: _no_events,
    timepatterns.WINDOW_SHARE: _window_share,
    timepatterns.FIT: _fit,
    timepatterns.FIT_ONE_CLASS: _fit_one_class,
    timepatterns.SEASONALITY: _seasonality,
    holidays_se.HOLIDAY_EFFECT: _holiday_effect,
    holidays_se.NO_HOLIDAYS_OR_OTHER_DAYS: _no_holiday_comparison,
    trends.TREND_TESTED: _trend_tested,
    trends.TOO_FEW_YEARS: _too_few_years,
    trends.NO_EVENTS_IN_SPAN: _no_events_in_span,
    trends.ONE_YEAR_ONLY: _one_year_only,
    trends.NO_POPULATION: _no_population,
    trends.NOT_CONVERGED: _not_converged,
    **_NOTES,
}


# --- Where: which test decided the hot spots, the study area, what chance gives --------------


def _too_few_for_hot(n, min) -> str:  # noqa: A002 - the Message's value name
    return _(
        "för få händelser för ett test: %(n)s händelser, minst %(min)s behövs i ett fönster "
        "för att en ruta ska kunna bli het"
    ) % {"n": n, "min": min}


def _no_cold(n, cells) -> str:
    return _(
        "kalla rutor kan inte påvisas: med %(n)s händelser på %(cells)s rutor är även ett "
        "tomt fönster vad slumpen ger"
    ) % {"n": n, "cells": format_decimal(cells, 0)}


def _permutation_floor(permutations, cells) -> str:
    return _(
        "med %(perm)s permutationer är det minsta möjliga p-värdet 1/%(n)s, för stort för "
        "att klara Benjamini–Hochberg över %(cells)s rutor utan många heta rutor samtidigt; "
        "välj fler permutationer eller det exakta testet"
    ) % {
        "perm": format_decimal(permutations, 0),
        "n": format_decimal(permutations + 1, 0),
        "cells": format_decimal(cells, 0),
    }


# --- Trends: the robustness check, the season and breaks in the series -----------------------


def mann_kendall_sentence(result: trends.MannKendall) -> str:
    """The Mann–Kendall check beside the regression: "Mann–Kendalls test: S = 12, p = 0,03." """
    return _("%(method)s: S = %(s)d, %(p)s.") % {
        "method": _capitalised(result.method),
        "s": result.s,
        "p": format_stat("p", result.p_value),
    }


def _break_found(label, before, factor, p_value, method) -> str:
    return _(
        "Varning: nivåskifte i serien mellan %(before)s och %(label)s (nivån ×%(factor)s, "
        "%(p)s, %(method)s). Det liknar en ändring i källan – t.ex. en ny källa eller ett "
        "nytt sätt att ange plats – mer än en trend; trenden ska inte läsas som en ökning "
        "eller minskning."
    ) % {
        "before": before,
        "label": label,
        "factor": format_decimal(factor, 2),
        "p": format_stat("p", p_value),
        "method": method,
    }


def _no_break(label, before, factor, p_value, method) -> str:
    return _("Inget säkerställt nivåskifte i serien (%(p)s, %(method)s).") % {
        "p": format_stat("p", p_value),
        "method": method,
    }


def _break_untested(n, min) -> str:
    return _("För få punkter för ett test av nivåskifte (n = %(n)d; minst %(min)d).") % {
        "n": n,
        "min": min,
    }


def _too_few_months(n, min) -> str:
    return _("För få hela månader för trendtest (n = %(n)d; minst %(min)d krävs).") % {
        "n": n,
        "min": min,
    }


def _no_season_terms(n, min) -> str:
    return _(
        "Färre än två år av månader (%(n)d; minst %(min)d): säsongen kan inte skiljas från "
        "en trend, så modellen har inga månadseffekter och en trend inom ett år kan vara "
        "säsong."
    ) % {"n": n, "min": min}


def trend_sentence(trend: trends.Trend) -> str:
    """The regression's finding, the Mann–Kendall check beside it, and the break warning
    (first, when there is one: a step is then not read as a trend)."""
    if not trend.tested:
        return say(trend.message)
    parts = []
    if trend.broken:
        assert trend.step is not None
        parts.append(say(trend.step.message))
        parts.append(
            _("Regressionen (inte tolkad): %(p)s, %(method)s.")
            % {"p": format_stat("p", trend.p_value or 1.0), "method": trend.method}
        )
    else:
        parts.append(say(trend.message))
    if trend.mann_kendall is not None:
        parts.append(mann_kendall_sentence(trend.mann_kendall))
    if trend.season_message is not None:
        parts.append(say(trend.season_message))
    return " ".join(parts)


_WRITERS.update(
    {
        hotspots.NOTE_TOO_FEW_EVENTS: _too_few_for_hot,
        hotspots.NOTE_NO_COLD: _no_cold,
        hotspots.NOTE_PERMUTATION_FLOOR: _permutation_floor,
    }
)


def hotspot_decision_sentence(test: str, alpha: float, min_events: int, permutations: int) -> str:
    """Which test decided hot and cold, with the correction and the minimum count."""
    names = {
        "binomial": _(
            "exakt binomialtest: antalet i rutans fönster jämfört med vad totalen ger om "
            "händelserna vore jämnt spridda över studieområdets rutor"
        ),
        "permutation": _(
            "villkorad permutation (som esda): rutan behåller sitt antal och grannarna dras "
            "slumpvis bland studieområdets övriga rutor, %(n)s dragningar"
        )
        % {"n": format_decimal(permutations, 0)},
        "normal": _("normalapproximation av Gi* (ger många falska heta rutor på glesa kartor)"),
    }
    return _(
        "Heta och kalla rutor avgörs av %(test)s, med Benjamini–Hochberg på %(alpha)s %% "
        "över kartans rutor. En ruta kan bli het först när minst %(min)s händelser finns i "
        "dess fönster."
    ) % {
        "test": names.get(test, test),
        "alpha": format_decimal(alpha * 100, 0),
        "min": min_events,
    }


def hotspot_false_alarm_sentence(alpha: float) -> str:
    """What chance alone gives on a map with no real concentration."""
    return _(
        "Om händelserna i själva verket vore slumpmässigt spridda över studieområdet är "
        "chansen högst %(alpha)s %% att kartan visar någon het eller kall ruta alls; på de "
        "flesta sådana kartor visas ingen. Utan korrektionen skulle tusentals rutor av "
        "slump se heta ut på en karta med några hundra händelser."
    ) % {"alpha": format_decimal(alpha * 100, 0)}


def hotspot_area_sentence(source: str, cells: int, km2: float, cell: float) -> str:
    """The study area Gi* and the concentration are computed over."""
    if source == "districts":
        return _(
            "Studieområde: de %(n)s rutor om %(c)s m vars mittpunkt ligger inom områdenas "
            "gränser (%(km2)s km²)."
        ) % {"n": format_decimal(cells, 0), "c": format_decimal(cell, 0),
             "km2": format_decimal(km2, 0)}  # fmt: skip
    return _(
        "Studieområde: händelsernas utbredning plus marginal, %(n)s rutor om %(c)s m "
        "(%(km2)s km²). Det finns inga områdesgränser, så rutornas antal, Gi* och "
        "koncentrationen beror på hur långt händelserna råkar sträcka sig."
    ) % {"n": format_decimal(cells, 0), "c": format_decimal(cell, 0),
         "km2": format_decimal(km2, 1)}  # fmt: skip


def hotspot_outside_sentence(n: int) -> str:
    return ngettext(
        "%(n)d händelse med exakt position ligger utanför studieområdet och ingår inte i rutnätet.",
        "%(n)d händelser med exakt position ligger utanför studieområdet och ingår inte i "
        "rutnätet.",
        n,
    ) % {"n": n}


# --- Two periods: the rate ratio and the verdict ---------------------------------------------


def _ratio_number(value: float) -> str:
    if value >= 100:
        return format_decimal(value, 0)
    return format_decimal(value, 1 if value >= 10 else 2)


def rate_ratio_text(row: Mapping[str, Any]) -> str:
    """ "kvot 1,25, 95 % KI 0,86–1,83": the rate ratio of a ``PeriodChange`` row; "" when
    there is no baseline to divide by."""
    ratio, low, high = row.get("ratio"), row.get("ratio_low"), row.get("ratio_high")
    if not _finite(ratio) or not _finite(low) or not _finite(high):
        return ""
    return _("kvot %(ratio)s, 95 %% KI %(low)s–%(high)s") % {
        "ratio": _ratio_number(float(ratio)),
        "low": _ratio_number(float(low)),
        "high": _ratio_number(float(high)),
    }


def _finite(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return number == number and abs(number) != float("inf")


def change_note(row: Mapping[str, Any]) -> str:
    """Why a row of ``PeriodChange.table`` was not tested; "" for a tested row."""
    note = row.get("note") or ""
    if note == change.NOTE_NO_EVENTS:
        return _("inga händelser i någon av perioderna, inget test")
    if note == change.NOTE_NO_BASELINE:
        return _("inga händelser under jämförelseperioden, inget test utan jämförelsevärde")
    if note == change.NOTE_TOO_FEW:
        return _(
            "för få händelser för ett test (%(n)d sammanlagt; ingen fördelning av så få "
            "händelser kan ge ett säkerställt resultat)"
        ) % {"n": int(row["count"]) + int(row["baseline_total"])}
    return ""


def change_verdict(row: Mapping[str, Any]) -> str:
    """The verdict of one comparison (a total, alone in its family so q = p): "ingen
    statistiskt säkerställd förändring (kvot 1,10, 95 % KI 0,81–1,50; p = 0,55, exakt
    villkorligt binomialtest)", or why it was not tested."""
    if not row["tested"]:
        return change_note(row)
    p_value = float(row["p_value"])
    verdict = (
        _("statistiskt säkerställd förändring")
        if row["flag"] in (change.INCREASE, change.DECREASE)
        else _("ingen statistiskt säkerställd förändring")
    )
    return _("%(verdict)s (%(ratio)s; %(p)s, %(test)s)") % {
        "verdict": verdict,
        "ratio": rate_ratio_text(row),
        "p": format_stat("p", p_value),
        "test": change.TEST,
    }


# --- Near repeats (Knox test) ------------------------------------------------------------------


def _nearrepeat_too_few(n, minimum) -> str:
    return _(
        "För få händelser för ett test av nära upprepning: %(n)d med exakt position och tid, "
        "minst %(minimum)d behövs."
    ) % {"n": n, "minimum": minimum}


def _nearrepeat_no_times(n) -> str:
    return _("Alla %(n)d händelser har samma tidpunkt: avstånd i tid finns inte att testa.") % {
        "n": n
    }


def _nearrepeat_too_many_pairs(n, pairs, maximum, distance) -> str:
    return _(
        "%(n)d händelser ger %(pairs)s par inom %(d)s m från varandra, fler än de %(maximum)s "
        "som testet räknar med här: välj en kortare period, ett område eller en kategori."
    ) % {
        "n": n,
        "pairs": format_decimal(pairs, 0),
        "maximum": format_decimal(maximum, 0),
        "d": format_decimal(distance, 0),
    }


def _nearrepeat_result(
    n, distance, days, observed, expected, p, permutations, alpha, significant
) -> str:
    values = {
        "n": n,
        "d": format_decimal(distance, 0),
        "t": format_decimal(days, 0),
        "obs": observed,
        "exp": format_decimal(expected, 1),
        "p": format_stat("p", p),
        "r": permutations,
    }
    text = (
        _(
            "Av %(n)d händelser med exakt position låg %(obs)d par inom %(d)s m och %(t)s dagar "
            "från varandra; om tiderna vore oberoende av platserna väntas %(exp)s "
            "(%(p)s, Knoxtest med %(r)d slumpningar)."
        )
        % values
    )
    if significant:
        return (
            text
            + " "
            + _(
                "Det är fler än slumpen ger: tecken på nära upprepning (händelser följer tätt på "
                "varandra nära samma plats)."
            )
        )
    return text + " " + _("Det är inte fler än slumpen kan ge: ingen säkerställd nära upprepning.")


_WRITERS.update(
    {
        nearrepeat.TOO_FEW_EVENTS: _nearrepeat_too_few,
        nearrepeat.NO_TIMES: _nearrepeat_no_times,
        nearrepeat.TOO_MANY_PAIRS: _nearrepeat_too_many_pairs,
        nearrepeat.KNOX_RESULT: _nearrepeat_result,
        breaks.BREAK_FOUND: _break_found,
        breaks.NO_BREAK: _no_break,
        breaks.BREAK_UNTESTED: _break_untested,
        trends.TOO_FEW_MONTHS: _too_few_months,
        trends.NO_SEASON_TERMS: _no_season_terms,
    }
)
