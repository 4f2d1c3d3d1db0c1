from django import template

from samverkan.indicators.comparisons import observation_interval
from samverkan.indicators.pages import breakdown_label, format_value, observation_geography

register = template.Library()


@register.filter
def sv_value(value, unit=""):
    """An observation value as Swedish text: ``10.6`` with unit procent → ``"10,6 %"``."""
    return format_value(value, unit)


@register.filter
def breakdown_text(observation):
    return breakdown_label(observation.breakdown)


@register.filter
def geography_text(observation):
    return observation_geography(observation)


@register.filter
def interval_text(observation, unit=""):
    """ "24,1–30,4" (the source's interval) or "24,1–30,4 (Wilson)" for a share with an n;
    "" when there is none."""
    interval = getattr(observation, "interval", None) or observation_interval(observation, unit)
    if interval is None:
        return ""
    text = f"{format_value(interval.low)}–{format_value(interval.high)}"
    return f"{text} (Wilson)" if interval.method == "wilson" else text
