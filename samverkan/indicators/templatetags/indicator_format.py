from django import template

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
