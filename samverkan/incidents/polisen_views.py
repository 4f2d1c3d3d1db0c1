"""The type mapping page: which category each of Polisen's event types goes to.

Samordnare and administratörer see every type seen in the stored events (with counts) and
every mapping, and map a type; mapping re-categorises the stored events of that type
(`services.source_type_map`). See docs/polisen.md.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from samverkan.core.access import can_map_types
from samverkan.incidents import services
from samverkan.incidents.access import incident_list_for_user
from samverkan.incidents.importers.polisen_load import FALLBACK_CATEGORY, SOURCE
from samverkan.incidents.models import Category, SourceTypeMapping
from samverkan.incidents.selectors import category_choices


@dataclass
class TypeRow:
    source_type: str
    count: int
    mapping: SourceTypeMapping | None

    @property
    def category_id(self) -> int | None:
        return self.mapping.category_id if self.mapping else None


def _rows(user) -> list[TypeRow]:
    counts = dict(
        incident_list_for_user(user)
        .filter(source=SOURCE)
        .exclude(source_type="")
        .order_by()
        .values_list("source_type")
        .annotate(n=Count("pk"))
    )
    mappings = {
        m.source_type: m
        for m in SourceTypeMapping.objects.filter(source=SOURCE).select_related("category")
    }
    types = sorted(set(counts) | set(mappings), key=lambda t: (t in mappings, t.casefold()))
    return [TypeRow(t, counts.get(t, 0), mappings.get(t)) for t in types]


@login_required
def type_mapping(request):
    if not can_map_types(request.user):
        raise PermissionDenied(_("Din roll får inte ändra typmappningen."))
    status = 200
    if request.method == "POST":
        source_type = request.POST.get("source_type", "")
        category = Category.objects.filter(pk=request.POST.get("category") or None).first()
        try:
            if category is None:
                raise ValidationError({"category": [_("Välj en kategori.")]})
            _mapping, moved = services.source_type_map(
                by=request.user, source=SOURCE, source_type=source_type, category=category
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(
                    request,
                    _("Typen %(type)s mappades inte: %(reason)s")
                    % {"type": source_type.strip() or "–", "reason": message},
                )
            status = 400
        else:
            messages.success(
                request,
                _(
                    "Polisens typ %(type)s går nu till kategorin %(category)s; "
                    "%(moved)s lagrade händelser fick den kategorin."
                )
                % {"type": source_type.strip(), "category": category.name, "moved": moved},
            )
            return redirect("incident_type_mapping")
    context = {
        "rows": _rows(request.user),
        "categories": category_choices(),
        "fallback": Category.objects.filter(slug=FALLBACK_CATEGORY).first(),
    }
    return render(request, "incidents/type_mapping.html", context, status=status)
