"""Writes around indicators that are not imports: goal links, "hämta nu" and uploads.

Who may: the people who keep the plan (administratör, samordnare/beredning) link goals to
indicators, fetch and upload; everyone else reads. The rule lives here once.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from samverkan.core.access import can_manage_indicators
from samverkan.core.models import User
from samverkan.indicators.goal_links import GoalIndicator
from samverkan.indicators.models import Indicator, Observation, Source, canonical_breakdown
from samverkan.plans.models import Goal


def _require_manager(user: User) -> None:
    if not can_manage_indicators(user):
        raise PermissionDenied(
            _("Endast administratör och samordnare får ändra underlag och kopplingar.")
        )


def parse_breakdown(text: str) -> tuple[dict, str]:
    """ "sex=K;grade=ak7" or "sex:K, grade:ak7" → the canonical breakdown and its key."""
    pairs = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        separator = "=" if "=" in part else ":"
        key, _sep, value = part.partition(separator)
        if not _sep or not key.strip() or not value.strip():
            raise ValidationError(
                {
                    "breakdown": _(
                        "”%(part)s” är ingen uppdelning; skriv nyckel=värde, t.ex. sex=K."
                    )
                    % {"part": part}
                }
            )
        pairs[key] = value
    return canonical_breakdown(pairs)


def _check_value(indicator: Indicator, field: str, value: Decimal) -> None:
    low, high = indicator.value_range()
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValidationError(
            {
                field: _("%(value)s ligger utanför det giltiga intervallet för %(unit)s.")
                % {"value": value, "unit": indicator.unit_display().lower()}
            }
        )


@transaction.atomic
def goal_indicator_link(
    *,
    user: User,
    goal: Goal,
    indicator: Indicator,
    baseline_value: Decimal,
    baseline_period: str,
    target_value: Decimal,
    target_period: str,
    breakdown_key: str = "",
    geo_code: str = "",
    comment: str = "",
) -> GoalIndicator:
    """Follow a goal of the plan by an indicator from a baseline to a target.

    The caller fetched the goal through the plans chokepoint (`get_goal_for_user`).
    """
    _require_manager(user)
    _check_value(indicator, "baseline_value", baseline_value)
    _check_value(indicator, "target_value", target_value)
    if baseline_value == target_value:
        raise ValidationError({"target_value": _("Målvärdet måste skilja sig från utgångsvärdet.")})
    if (
        breakdown_key
        and not Observation.objects.filter(
            indicator=indicator, breakdown_key=breakdown_key
        ).exists()
    ):
        raise ValidationError(
            {
                "breakdown": _("Indikatorn har inga värden med uppdelningen ”%(key)s”.")
                % {"key": breakdown_key}
            }
        )
    try:
        with transaction.atomic():
            return GoalIndicator.objects.create(
                goal=goal,
                indicator=indicator,
                breakdown_key=breakdown_key,
                geo_code=geo_code.strip(),
                baseline_value=baseline_value,
                baseline_period=baseline_period.strip(),
                target_value=target_value,
                target_period=target_period.strip(),
                comment=comment.strip(),
                created_by=user,
            )
    except IntegrityError:
        raise ValidationError(
            {
                "indicator": _(
                    "Målet följs redan av den här indikatorn med samma uppdelning och geografi."
                )
            }
        ) from None


def goal_indicator_unlink(*, user: User, link: GoalIndicator) -> None:
    _require_manager(user)
    link.delete()


def indicator_fetch(*, user: User, indicator: Indicator):
    """Queue a fetch of one indicator from its API source; the worker runs it."""
    _require_manager(user)
    if indicator.source.kind != Source.Kind.API:
        raise ValidationError(
            _("”%(name)s” kommer från en fil eller ett dokument och hämtas inte; ladda upp den.")
            % {"name": indicator.name}
        )
    from samverkan.indicators import tasks  # loads the importers only when a fetch is asked for

    return tasks.refresh_indicator.enqueue(indicator.code)


UPLOAD_LAYOUTS = {
    "generic": _lazy("Långt format (CSV/XLSX) med kolumnmappning: CAN, Skolbarns hälsa, Lupp, NTU"),
    "survey": _lazy("Trygghetsmätningen (index 0–6 per område, leverantörens fil)"),
    "bra": _lazy("Brå: Anmälda brott i kommunerna (Excel/CSV som publicerad)"),
}


def indicator_upload(
    *,
    user: User,
    layout: str,
    data: bytes,
    filename: str,
    mapping=None,
    year: int | None = None,
    all_or_nothing: bool = False,
):
    """Import an uploaded statistics file with the importer for its layout. Returns the
    ImportRun, whose problems name the row, field, value and reason."""
    _require_manager(user)
    from samverkan.indicators.importers.bra import import_bra
    from samverkan.indicators.importers.generic import import_generic
    from samverkan.indicators.importers.survey import import_survey

    if layout == "generic":
        # A saved mapping is passed as its content, never by name: a name could be a path.
        spec = {"columns": mapping.mapping, **(mapping.options or {})} if mapping else None
        return import_generic(
            data, filename, mapping=spec, user=user, all_or_nothing=all_or_nothing
        )
    if layout == "survey":
        return import_survey(data, filename, user=user)
    if layout == "bra":
        return import_bra(data, filename, year=year, user=user)
    raise ValidationError({"layout": _("Okänt filformat ”%(layout)s”.") % {"layout": layout}})
