"""Background tasks of the lägesbild: the standard periods computed ahead, so pages only read
the stored result (lagesbild/stored.py). See samverkan/core/schedule.py for when they run.

The stored result is keyed by the viewer's *scope* (role, superuser flag, organisation and its
tree), not by the user, so one computation serves every user of a scope: the worker computes
each standard period once per agreement and distinct scope among the agreement's active users.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django_tasks import task

from samverkan.core.models import User
from samverkan.lagesbild import stored, views
from samverkan.lagesbild.models import StoredPage
from samverkan.lagesbild.params import parse, quick_periods
from samverkan.plans.access import agreement_list_for_user
from samverkan.plans.models import Agreement

logger = logging.getLogger(__name__)


def scope_users(agreement: Agreement) -> list[User]:
    """One active user per distinct scope among those who may see ``agreement``."""
    seen: set[str] = set()
    out = []
    users = User.objects.filter(is_active=True).select_related("organisation").order_by("pk")
    for user in users:
        scope = stored._digest(stored.viewer(user))
        if scope in seen:
            continue
        if agreement_list_for_user(user).filter(pk=agreement.pk).exists():
            seen.add(scope)
            out.append(user)
    return out


def precompute_for(agreement: Agreement, user: User, counts: dict[str, int]) -> None:
    """The standard periods of ``agreement`` for ``user``'s scope, where not stored."""
    today = timezone.localdate()
    visible = agreement_list_for_user(user)
    with translation.override(settings.LANGUAGE_CODE):
        try:
            stored.annual(agreement, user, views._annual_spec)  # the annual view too
        except Exception:  # noqa: BLE001 - the page computes it itself
            logger.exception("Årssidan för %s kunde inte räknas", agreement.pk)
            counts["failed"] += 1
        for period in quick_periods(today):
            data = {
                "overenskommelse": str(agreement.pk),
                "fran": period["from"].isoformat(),
                "till": period["to"].isoformat(),
            }
            try:
                chosen = parse(data, visible)
            except ValidationError:
                continue
            if not stored.mark_computing(user, chosen):
                counts["stored"] += 1
                continue
            try:
                stored.stored(user, chosen, lambda c=chosen: views.result_page(user, c))
                counts["computed"] += 1
            except Exception:  # noqa: BLE001 - the page computes it itself
                logger.exception("Lägesbilden för %s kunde inte räknas", agreement.pk)
                StoredPage.objects.filter(
                    slot=stored.slot_key(user, chosen), state=StoredPage.State.COMPUTING
                ).delete()
                counts["failed"] += 1


def precompute(agreements=None) -> dict[str, int]:
    """The standard periods for each agreement and scope, in this process."""
    counts = {"computed": 0, "stored": 0, "failed": 0}
    agreements = Agreement.objects.all() if agreements is None else agreements
    for agreement in agreements:
        for user in scope_users(agreement):
            precompute_for(agreement, user, counts)
    return counts


def _summary(counts: dict[str, int]) -> str:
    return (
        f"{counts['computed']} lägesbilder räknade, {counts['stored']} redan lagrade, "
        f"{counts['failed']} misslyckade"
    )


@task()
def precompute_lagesbild() -> str:
    """After an import of reports and nightly: one job per agreement and scope in the queue,
    so each job is short (a stopping worker finishes it quickly) and several workers share
    them."""
    jobs = 0
    for agreement in Agreement.objects.all():
        for user in scope_users(agreement):
            precompute_scope.enqueue(agreement.pk, user.pk)
            jobs += 1
    return f"{jobs} jobb i kön"


@task()
def precompute_scope(agreement_id: int, user_id: int) -> str:
    """The standard periods of one agreement for one user's scope."""
    counts = {"computed": 0, "stored": 0, "failed": 0}
    agreement = Agreement.objects.filter(pk=agreement_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).select_related("organisation").first()
    if agreement is not None and user is not None:
        precompute_for(agreement, user, counts)
    return _summary(counts)


@task()
def compute_page(user_id: int, query: dict, language: str) -> str:
    """One page's result (a viewer scope, a query, a language) afresh, for a page that shows
    the previous one meanwhile."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("organisation").first()
    if user is None:
        return "ingen sådan användare"
    with translation.override(language):
        try:
            chosen = parse(query, agreement_list_for_user(user))
        except ValidationError as error:
            return "; ".join(error.messages)
        try:
            stored.stored(user, chosen, lambda: views.result_page(user, chosen))
        except Exception:
            StoredPage.objects.filter(
                slot=stored.slot_key(user, chosen), state=StoredPage.State.COMPUTING
            ).delete()
            raise
    return "räknad"
