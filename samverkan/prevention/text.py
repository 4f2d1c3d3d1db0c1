"""Swedish sentences (through gettext) for a stored evaluation result: the RES reading, the
too-few note, the D used, each WDQ reading and the indicator comparisons."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from samverkan.analysis.evaluation import (
    FISHER,
    WALD,
    WALD_T,
    WDQ_DIFFUSION,
    WDQ_DIFFUSION_GREATER,
    WDQ_DISPLACEMENT_GREATER,
    WDQ_DISPLACEMENT_SMALLER,
    WDQ_NEITHER,
    WDQ_NO_CONTROL,
    WDQ_NO_SUCCESS,
)


def number(value: float | None, digits: int = 2) -> str:
    """A decimal number the Swedish way (comma)."""
    if value is None:
        return "–"
    formatted = f"{value:.{digits}f}"
    if float(formatted) == 0:
        formatted = formatted.lstrip("-")  # no "−0,00"
    return formatted.replace(".", ",").replace("-", "−")


def percent(share: float) -> str:
    return f"{round(100 * share)} %"


def p_text(p: float) -> str:
    if p < 0.001:
        return "p < 0,001"
    return f"p = {number(p, 3 if p < 0.01 else 2)}"


def test_name(test: str, result: dict) -> str:
    if test == FISHER:
        return _("Fishers exakta test")
    if test == WALD_T:
        return _("t-test på log RES med D = %(d)s") % {"d": number(result.get("dispersion"))}
    if test == WALD:
        return _("Wald-test på log RES med D = %(d)s") % {"d": number(result.get("dispersion"))}
    return test


def res_sentence(result: dict) -> str:
    """The reading of RES, or the too-few note with the counts."""
    counts = {
        "a": result["treatment_before"],
        "b": result["treatment_after"],
        "c": result["comparison_before"],
        "d": result["comparison_after"],
    }
    if result.get("res") is None:
        note = result.get("note") or {}
        values = note.get("values", {})
        return _(
            "För få händelser för en effektskattning: insatsområdet %(a)s före och %(b)s efter, "
            "jämförelseområdet %(c)s före och %(d)s efter; minst %(minimum)s i varje cell behövs "
            "(den minsta har %(smallest)s)."
        ) % {**counts, "minimum": values.get("minimum", 5), "smallest": values.get("smallest")}
    res = result["res"]
    details = {
        "res": number(res),
        "low": number(result["res_ci_low"]),
        "high": number(result["res_ci_high"]),
        "test": test_name(result["test"], result),
        "p": p_text(result["p_value"]),
    }
    if res >= 1:
        sentence = _(
            "Brotten minskade med %(change)s mer i insatsområdet än i jämförelseområdet "
            "(RES %(res)s; 95 %% KI %(low)s–%(high)s; %(test)s %(p)s)."
        ) % {**details, "change": percent(1 - 1 / res)}
    else:
        sentence = _(
            "Brotten ökade med %(change)s mer i insatsområdet än i jämförelseområdet "
            "(RES %(res)s; 95 %% KI %(low)s–%(high)s; %(test)s %(p)s)."
        ) % {**details, "change": percent(1 / res - 1)}
    if result["p_value"] < 1 - result.get("confidence", 0.95):
        return sentence + " " + _("Skillnaden är statistiskt säkerställd på 5 %-nivån.")
    return (
        sentence + " " + _("Skillnaden är inte statistiskt säkerställd: den kan bero på slumpen.")
    )


def dispersion_sentence(result: dict) -> str:
    d = result.get("dispersion") or 1.0
    ratio = result.get("dispersion_ratio")
    if ratio is None:
        return _("D = 1 (Poissonvarians): för få månader för att skatta överspridningen.")
    if d == 1:
        return _(
            "D = 1 (Poissonvarians): månadsantalen varierar inte mer än slumpen ger "
            "(skattat %(ratio)s, golv 1; %(df)s frihetsgrader)."
        ) % {"ratio": number(ratio), "df": result.get("dispersion_df")}
    return _(
        "D = %(d)s: månadsantalen varierar mer än slumpen ger (quasi-Poisson, Pearsons χ² "
        "delat med %(df)s frihetsgrader), så intervallet är bredare och testet ett t-test "
        "i stället för Fishers exakta test."
    ) % {"d": number(d), "df": result.get("dispersion_df")}


WDQ_TEXTS = {
    WDQ_NO_CONTROL: gettext_noop(
        "Inga händelser i jämförelseområdet före eller efter: WDQ kan inte beräknas."
    ),
    WDQ_NO_SUCCESS: gettext_noop(
        "Insatsen minskade inte brotten jämfört med jämförelseområdet, så WDQ läses inte."
    ),
    WDQ_DIFFUSION_GREATER: gettext_noop(
        "WDQ %(wdq)s: spridning av nyttan till buffertområdet, större än den direkta effekten."
    ),
    WDQ_DIFFUSION: gettext_noop("WDQ %(wdq)s: spridning av nyttan till buffertområdet."),
    WDQ_NEITHER: gettext_noop("WDQ %(wdq)s: varken förflyttning eller spridning av nyttan."),
    WDQ_DISPLACEMENT_SMALLER: gettext_noop(
        "WDQ %(wdq)s: viss förflyttning till buffertområdet, mindre än den direkta effekten "
        "(en nettonytta återstår)."
    ),
    WDQ_DISPLACEMENT_GREATER: gettext_noop(
        "WDQ %(wdq)s: förflyttning till buffertområdet, större än den direkta effekten."
    ),
}


def wdq_sentence(result: dict) -> str | None:
    reading = result.get("wdq_reading")
    if reading is None:
        return None
    return _(WDQ_TEXTS[reading]) % {"wdq": number(result.get("wdq"))}


def indicator_sentence(row: dict) -> str:
    """One indicator's before and after, with the share comparison when there is one."""
    before, after = row.get("before"), row.get("after")
    if before is None or after is None:
        missing = []
        if before is None:
            missing.append(_("före"))
        if after is None:
            missing.append(_("efter"))
        return _("Inget värde %(missing)s för området: ingen jämförelse.") % {
            "missing": _(" och ").join(missing)
        }
    share = row.get("share")
    if share is None:
        return _(
            "%(before)s (%(bp)s) före och %(after)s (%(ap)s) efter; inte en andel, så ingen "
            "andelsjämförelse."
        ) % {
            "before": number(before["value"], 1),
            "bp": before["period"],
            "after": number(after["value"], 1),
            "ap": after["period"],
        }
    if share.get("difference") is None:
        missing = [_("före") if m == "before" else _("efter") for m in _note_missing(share)]
        return _(
            "För få uppgifter för ett intervall: antalet svarande (n) saknas %(missing)s, så "
            "förändringen kan inte skiljas från slumpen."
        ) % {"missing": _(" och ").join(missing)}
    sentence = _(
        "%(before)s (%(bp)s, 95 %% KI %(bl)s–%(bh)s) före och %(after)s (%(ap)s, 95 %% KI "
        "%(al)s–%(ah)s) efter: skillnad %(diff)s procentenheter (95 %% KI %(dl)s–%(dh)s; "
        "%(p)s)."
    ) % {
        "before": percent(share["p_before"]),
        "bp": before["period"],
        "bl": percent(share["before_ci"][0]),
        "bh": percent(share["before_ci"][1]),
        "after": percent(share["p_after"]),
        "ap": after["period"],
        "al": percent(share["after_ci"][0]),
        "ah": percent(share["after_ci"][1]),
        "diff": number(100 * share["difference"], 1),
        "dl": number(100 * share["diff_low"], 1),
        "dh": number(100 * share["diff_high"], 1),
        "p": p_text(share["p_value"]),
    }
    return sentence


def _note_missing(share: dict) -> list[str]:
    note = share.get("note") or {}
    return list(note.get("values", {}).get("missing", []))


def reading(result: dict | None) -> list[str]:
    """The sentences of a stored result, in the page's order."""
    if not result:
        return []
    sentences = [res_sentence(result)]
    if result.get("res") is not None:
        sentences.append(dispersion_sentence(result))
    wdq = wdq_sentence(result)
    if wdq:
        sentences.append(wdq)
    return sentences
