"""Filters for the overlap view: a dictionary lookup, a target group's and a level's label."""

from django import template

from samverkan.collaboration.models import Level, TargetGroup

register = template.Library()


@register.filter
def get(mapping: dict, key):
    return mapping.get(key)


@register.filter
def target_group_label(value: str) -> str:
    return TargetGroup(value).label if value in TargetGroup.values else value


@register.filter
def level_label(value: str) -> str:
    return Level(value).label if value in Level.values else value
