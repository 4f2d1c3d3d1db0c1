"""Filters for the overlap view: a dictionary lookup and a target group's label."""

from django import template

from samverkan.collaboration.models import TargetGroup

register = template.Library()


@register.filter
def get(mapping: dict, key):
    return mapping.get(key)


@register.filter
def target_group_label(value: str) -> str:
    return TargetGroup(value).label if value in TargetGroup.values else value
