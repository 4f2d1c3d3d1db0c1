"""The log of who opened or exported begränsad data (docs/security.md, Granskningslogg)."""

from samverkan.core.models import AccessLog


def log_access(
    user, action: str, object_type: str, *, object_id=None, count: int = 1, detail: str = ""
) -> AccessLog:
    """One row: `user` opened (visning, api) or exported `count` begränsad rows."""
    return AccessLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        count=count,
        detail=detail[:200],
    )
