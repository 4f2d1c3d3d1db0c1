from django import template

from samverkan.analysis.formatting import format_decimal, format_p

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
