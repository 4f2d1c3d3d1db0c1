from django import template

from samverkan.analysis.formatting import format_decimal, format_p
from samverkan.lagesbild.sections.common import sv_date

register = template.Library()


@register.filter
def pct(value, decimals: int = 0) -> str:
    """0.613 → "61 %"; None → "–"."""
    if value is None or value == "":
        return "–"
    return f"{format_decimal(100 * float(value), int(decimals))} %"


@register.filter
def sv(value, decimals: int = 1) -> str:
    if value is None or value == "":
        return "–"
    return format_decimal(float(value), int(decimals))


@register.filter
def pvalue(value) -> str:
    return "–" if value is None else format_p(float(value))


@register.filter
def svdatum(value) -> str:
    """ "2025-06-03" (or a date) → "3 juni 2025"."""
    return sv_date(value)
