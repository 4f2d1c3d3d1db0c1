"""The collaboration inventory: every collaboration between the parties beyond the agreement
(sociala insatsgrupper, SMADIT, samverkan mot våldsbejakande extremism, LUL, ...), who takes
part and in what role, whom it is for, at which prevention level and in which focus areas, and
the yearly review of the inventory. See docs/samverkan-inventering.md.

Only aggregated information: roles, never named clients (collaboration.services checks the
free text). Every write goes through collaboration.services.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetGroup(models.TextChoices):
    """A fixed list, so that two collaborations aimed at the same group can be found."""

    CHILDREN_YOUTH = "barn_unga", _("Barn och unga")
    YOUNG_ADULTS = "unga_vuxna", _("Unga vuxna")
    ADULTS = "vuxna", _("Vuxna")
    GUARDIANS = "vardnadshavare", _("Vårdnadshavare")
    RESIDENTS = "boende", _("Boende i ett område")
    VICTIMS = "brottsutsatta", _("Brottsutsatta")
    SUBSTANCE_USE = "missbruk", _("Personer i missbruk")
    BUSINESSES = "naringsidkare", _("Näringsidkare")
    EVERYONE = "alla", _("Alla")


class Level(models.TextChoices):
    """The prevention triangle's three levels (the values of prevention.InterventionLevel)
    and the work outside it."""

    UNIVERSAL = "universell", _("Universell")
    SELECTIVE = "selektiv", _("Selektiv")
    INDICATED = "indikerad", _("Indikerad")
    OUTSIDE = "utanfor", _("Utanför triangeln: stöd, rehabilitering, behandling")


# The levels at which a cell without any work is a possible gap (collaboration.overlap).
PREVENTION_LEVELS = (Level.UNIVERSAL, Level.SELECTIVE, Level.INDICATED)


class FocusArea(models.TextChoices):
    """The plan's focus areas (section 6), keyed as the lägesbild keys them."""

    SAFETY = "trygghet", _("Trygghet")
    YOUTH = "ungdom", _("Ungdomar")
    ANDT = "andt", _("ANDT(S)")


class Collaboration(models.Model):
    """A collaboration between the municipality and the police outside the agreement itself."""

    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        RUNNING = "pagar", _("Pågår")
        DORMANT = "vilande", _("Vilande")
        ENDED = "avslutad", _("Avslutad")

    # Statuses that count in the overlap view: the work goes on, or is about to.
    ACTIVE = {Status.PLANNED, Status.RUNNING}

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.CASCADE,
        related_name="collaborations",
        verbose_name=_("överenskommelse"),
    )
    name = models.CharField(_("namn"), max_length=300)
    purpose = models.TextField(_("syfte"))
    legal_basis = models.TextField(_("rättslig grund"), blank=True)
    organisations = models.ManyToManyField(
        "organisations.Organisation",
        through="Party",
        related_name="collaborations",
        verbose_name=_("parter"),
    )
    target_group = models.CharField(_("målgrupp"), max_length=20, choices=TargetGroup.choices)
    level = models.CharField(_("preventionsnivå"), max_length=20, choices=Level.choices)
    focus_areas = models.JSONField(_("fokusområden"), default=list, blank=True)
    leadership = models.TextField(_("hur samverkan leds"), blank=True)
    meeting_frequency = models.CharField(_("hur ofta den möts"), max_length=200, blank=True)
    contact_roles = models.TextField(
        _("kontaktroller"), blank=True, help_text=_("En roll per rad, aldrig namn på klienter.")
    )
    start = models.DateField(_("start"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    follow_up_method = models.TextField(_("hur den följs upp"), blank=True)
    follow_up_by = models.CharField(_("vem som följer upp"), max_length=300, blank=True)
    documentation_url = models.URLField(_("länk till dokumentation"), max_length=500, blank=True)
    is_example = models.BooleanField(
        _("exempel att komplettera"),
        default=False,
        help_text=_("Förifylld som exempel: kontrollera och komplettera uppgifterna."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["agreement", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "name"], name="collaboration_name_unique_per_agreement"
            )
        ]
        verbose_name = _("samverkan")
        verbose_name_plural = _("samverkansformer")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    def focus_area_labels(self) -> list[str]:
        labels = dict(FocusArea.choices)
        return [str(labels.get(key, key)) for key in self.focus_areas]

    def contact_role_list(self) -> list[str]:
        return [line.strip() for line in self.contact_roles.splitlines() if line.strip()]


class Party(models.Model):
    """An organisation taking part in a collaboration, and its role there."""

    collaboration = models.ForeignKey(
        Collaboration, on_delete=models.CASCADE, related_name="parties"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="collaboration_parties",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("roll"), max_length=300, blank=True)

    class Meta:
        ordering = ["collaboration", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaboration", "organisation"], name="collaboration_party_unique"
            )
        ]
        verbose_name = _("part")
        verbose_name_plural = _("parter")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.role}" if self.role else str(self.organisation)


def a_year_later(day: dt.date) -> dt.date:
    """The same day a year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class InventoryReview(models.Model):
    """A review of an agreement's whole inventory; the next one is due a year later."""

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.CASCADE,
        related_name="collaboration_reviews",
        verbose_name=_("överenskommelse"),
    )
    reviewed_on = models.DateField(_("granskad"))
    next_review = models.DateField(_("nästa granskning"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    note = models.TextField(_("anteckning"), blank=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(next_review__gt=models.F("reviewed_on")),
                name="inventory_review_next_after_reviewed",
            )
        ]
        verbose_name = _("granskning av inventeringen")
        verbose_name_plural = _("granskningar av inventeringen")

    def __str__(self) -> str:
        return f"{self.agreement}: {self.reviewed_on:%Y-%m-%d}"
