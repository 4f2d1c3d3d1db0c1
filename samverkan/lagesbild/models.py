"""A stored lägesbild: what the picture was when someone decided on it.

A snapshot is immutable: its parameters, data version and result never change once saved
(recomputing makes a new snapshot that points to the old one). Only the title may be edited.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Classification


class Snapshot(models.Model):
    class Scope(models.TextChoices):
        SHARED = "delad", _("Delad (öppna och interna rapporter)")
        ORGANISATION = "organisation", _("Organisationens egna (inklusive begränsade rapporter)")
        ALL = "alla", _("Alla rapporter (systemadministratör)")

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="lagesbild_snapshots",
        verbose_name=_("överenskommelse"),
    )
    title = models.CharField(_("rubrik"), max_length=300)
    parameters = models.JSONField(_("parametrar"))
    scope = models.CharField(_("omfattning"), max_length=20, choices=Scope.choices)
    scope_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisationsträd"),
        help_text=_("Toppnivåparten vars begränsade rapporter ingår; tomt för delad."),
    )
    classification = models.CharField(
        _("klassning"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    data_version = models.JSONField(_("dataversion"))
    result = models.JSONField(_("resultat"))
    recomputed_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recomputations",
        verbose_name=_("omräkning av"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    FROZEN = ("agreement_id", "parameters", "scope", "scope_organisation_id", "classification",
              "data_version", "result", "recomputed_from_id", "created_by_id")  # fmt: skip

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("sparad lägesbild")
        verbose_name_plural = _("sparade lägesbilder")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Snapshot.objects.filter(pk=self.pk).values(*self.FROZEN).first()
            if stored is not None and any(stored[f] != getattr(self, f) for f in self.FROZEN):
                raise ValidationError(
                    _("En sparad lägesbild kan inte ändras; räkna om den till en ny i stället.")
                )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("lagesbild_snapshot", args=[self.pk])


class StoredPage(models.Model):
    """The lägesbild page's heavy part (the rendered result) for one viewer scope, query,
    language and data version (lagesbild/stored.py), in the database so that every web
    process and the worker share it. One row per slot (scope, query, language): a newer data
    version replaces the row. ``state`` is "räknas" while the worker computes the slot."""

    class State(models.TextChoices):
        READY = "klar", _("klar")
        COMPUTING = "raknas", _("räknas")

    slot = models.CharField(_("plats"), max_length=64, unique=True)
    key = models.CharField(_("nyckel"), max_length=64, db_index=True)
    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("överenskommelse"),
    )
    state = models.CharField(_("läge"), max_length=10, choices=State.choices)
    html = models.TextField(_("resultat"), blank=True)
    data_version = models.JSONField(_("dataversion"), null=True, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("lagrad lägesbildssida")
        verbose_name_plural = _("lagrade lägesbildssidor")

    def __str__(self) -> str:
        return f"{self.slot[:12]} ({self.state})"
