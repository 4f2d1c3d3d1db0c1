"""The site menu, built in one place: `{% menu %}` draws core.access.menu_for_user's items."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from samverkan.core.access import menu_for_user

register = template.Library()


def menu_items(user, current_path: str = "") -> list[dict]:
    """The menu as (url, translated label, current) for a template, in the role's order."""
    items = []
    for name, label in menu_for_user(user):
        try:
            url = reverse(name)
        except NoReverseMatch:  # an app that is not installed
            continue
        items.append({"url": url, "label": _(label), "current": current_path.startswith(url)})
    return items


@register.inclusion_tag("core/_menu.html", takes_context=True)
def menu(context):
    request = context.get("request")
    user = context.get("user")
    path = request.path if request is not None else ""
    return {"items": menu_items(user, path) if user is not None else []}
