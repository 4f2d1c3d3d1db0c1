"""Gallring: removing what the retention rules say is old enough (docs/security.md).

Core knows its own tables (the access log) and every audit-trail table django-simple-history
made; an app with rules of its own (incidents: old reports) registers a function here when
Django starts. Each function takes `dry_run` and `now` and returns {what: how many}.
"""

import calendar
import datetime as dt
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from samverkan.core.models import AccessLog

RetentionRule = Callable[..., dict[str, int]]
_RULES: dict[str, RetentionRule] = {}


def register_retention(name: str, rule: RetentionRule) -> None:
    _RULES[name] = rule


def months_before(now: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    years, month0 = divmod(now.month - 1 - months, 12)
    year, month = now.year + years, month0 + 1
    return now.replace(
        year=year, month=month, day=min(now.day, calendar.monthrange(year, month)[1])
    )


def log_cutoff(now: dt.datetime) -> dt.datetime | None:
    """Access log and audit trail rows before this are removed; None: kept for ever."""
    months = settings.SAMVERKAN_RETENTION_LOG_MONTHS
    return months_before(now, months) if months > 0 else None


def history_models() -> list:
    """The historical tables of django-simple-history, one per tracked model."""
    return [
        model
        for model in apps.get_models()
        if hasattr(model, "instance_type")
        and any(field.name == "history_date" for field in model._meta.fields)
    ]


def _logs(*, dry_run: bool, now: dt.datetime) -> dict[str, int]:
    cutoff = log_cutoff(now)
    if cutoff is None:
        return {}
    counts = {}
    old = AccessLog.objects.filter(at__lt=cutoff)
    counts["åtkomstlogg"] = old.count() if dry_run else old.delete()[0]
    for model in history_models():
        old = model.objects.filter(history_date__lt=cutoff)
        name = f"historik {model.instance_type._meta.label_lower}"
        counts[name] = old.count() if dry_run else old.delete()[0]
    return counts


def gallring(*, dry_run: bool = False, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply every rule; with `dry_run` only count. Returns {what: rows}."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for rule in list(_RULES.values()):
            counts.update(rule(dry_run=dry_run, now=now))
        counts.update(_logs(dry_run=dry_run, now=now))
    return counts
