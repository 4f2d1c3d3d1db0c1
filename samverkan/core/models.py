import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class APIToken(models.Model):
    """A bearer token for machines. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("namn"), max_length=100, blank=True)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}…"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str = "") -> str:
        key = "sv_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash(key))
        return key
