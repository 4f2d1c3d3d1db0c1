import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """What a person may do in the agreements their organisation is party to.

    The role is per person, the scope (which agreements) follows their organisation.
    """

    ADMIN = "admin", _("Administratör")
    STEERING = "styrgrupp", _("Styrgrupp")
    COORDINATOR = "samordnare", _("Samordnare/beredning")
    REPORTER = "rapportor", _("Rapportör")
    READER = "lasare", _("Läsare")


class Classification(models.TextChoices):
    """Informationsklassning. Begränsad is visible only to the owning organisation."""

    OPEN = "oppen", _("Öppen")
    INTERNAL = "intern", _("Intern")
    RESTRICTED = "begransad", _("Begränsad")


class User(AbstractUser):
    """A member of staff of a party. Citizens and individuals at risk are never users or data."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.READER)
    title = models.CharField(_("befattning"), max_length=200, blank=True)

    # The audit trail (docs/security.md, Granskningslogg): who changed a user's organisation,
    # role or rights. The password hash and the last login are not kept in it.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class APITokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Neither revoked nor expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class APIToken(models.Model):
    """A bearer token for machines. Only a hash is stored; the token is shown once. It expires
    (SAMVERKAN_TOKEN_DAYS after it was made, unless given another date) and can be revoked."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("gäller till"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True, editable=False)

    objects = APITokenQuerySet.as_manager()
    # Made, expiry changed, revoked; the use of a key (last_used_at) is written by update().
    history = HistoricalRecords(excluded_fields=["key_hash", "last_used_at"])

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str = "", expires_at=None) -> str:
        key = "sv_" + secrets.token_urlsafe(32)
        if expires_at is None and settings.SAMVERKAN_TOKEN_DAYS > 0:
            expires_at = timezone.now() + dt.timedelta(days=settings.SAMVERKAN_TOKEN_DAYS)
        cls.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=cls.hash(key), expires_at=expires_at
        )
        return key

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return _("återkallad")
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return _("utgången")
        return _("giltig")


class AccessLog(models.Model):
    """Who opened or exported begränsad data, when, and how much (docs/security.md)."""

    class Action(models.TextChoices):
        VIEW = "visning", _("Visning")
        API = "api", _("API")
        EXPORT = "export", _("Export")

    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("användare")
    )
    at = models.DateTimeField(_("när"), default=timezone.now, db_index=True)
    action = models.CharField(_("vad"), max_length=10, choices=Action.choices)
    object_type = models.CharField(_("sort"), max_length=50)
    object_id = models.PositiveBigIntegerField(_("id"), null=True, blank=True)
    count = models.PositiveIntegerField(_("antal"), default=1)
    detail = models.CharField(_("detalj"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("åtkomstlogg")
        verbose_name_plural = _("åtkomstloggar")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type}"
