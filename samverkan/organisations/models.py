from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """A party to the collaboration, or a unit of one (a förvaltning under its kommun)."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "kommun", _("Kommun")
        ADMINISTRATION = "forvaltning", _("Förvaltning/stab")
        POLICE = "polis", _("Polisen")
        HOUSING = "bostadsbolag", _("Bostadsbolag")
        BUSINESS = "naringsliv", _("Näringsliv")
        SECURITY = "bevakning", _("Bevakningsföretag")
        CIVIL_SOCIETY = "civilsamhalle", _("Civilsamhälle")
        AUTHORITY = "myndighet", _("Annan myndighet")
        REGION = "region", _("Region")
        SCHOOL = "skola", _("Skola")
        OTHER = "ovrig", _("Övrig")

    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ingår i"),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation_detail", args=[self.pk])


class Group(models.Model):
    """A body of the collaboration structure, set up under one agreement."""

    class Kind(models.TextChoices):
        STEERING = "styrgrupp", _("Styrgrupp")
        PREPARATION = "beredningsgrupp", _("Beredningsgrupp")
        EST = "est", _("EST-grupp")
        WORKING = "arbetsgrupp", _("Arbetsgrupp")

    agreement = models.ForeignKey(
        "plans.Agreement", on_delete=models.CASCADE, related_name="groups"
    )
    slug = models.SlugField(_("kortnamn"), max_length=60)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("uppdrag"), blank=True)

    class Meta:
        ordering = ["agreement", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "slug"], name="group_slug_unique_per_agreement"
            )
        ]
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("group_detail", args=[self.pk])


class Membership(models.Model):
    """Who sits in which group, for which organisation, in which role, and when."""

    class Role(models.TextChoices):
        CHAIR = "ordforande", _("Ordförande")
        CONVENER = "sammankallande", _("Sammankallande")
        MEMBER = "ledamot", _("Ledamot")
        SECRETARY = "sekreterare", _("Sekreterare")
        CO_OPTED = "adjungerad", _("Adjungerad")
        # An official the steering group appoints (a commitment's utsedd tjänsteperson).
        APPOINTED = "utsedd", _("Utsedd tjänsteperson")

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"), null=True, blank=True)

    # The audit trail (docs/security.md, Granskningslogg).
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "role", "person__last_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            )
        ]
        verbose_name = _("uppdrag i grupp")
        verbose_name_plural = _("uppdrag i grupper")

    def __str__(self) -> str:
        return f"{self.person} – {self.group} ({self.get_role_display()})"


class Meeting(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField(_("datum"))
    title = models.CharField(_("rubrik"), max_length=200)
    agenda = models.TextField(_("dagordning"), blank=True)
    minutes = models.TextField(_("protokoll"), blank=True)

    # The audit trail (docs/security.md, Granskningslogg).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")

    def __str__(self) -> str:
        return f"{self.group} {self.held_on.isoformat()}"


class Decision(models.Model):
    """A decision recorded in a meeting's minutes. It adopts at most one thing, named by
    ``adopts``: a plan version, a document, an intervention or an ANDT(S) action plan, each
    of which points back at the decision (``adopted_plan``, ``adopted_document``,
    ``adopted_intervention``, ``adopted_action_plan``). Who decided is the meeting's group,
    when is the meeting's date."""

    class Adopts(models.TextChoices):
        NOTHING = "", _("Inget (ett beslut utan föremål)")
        PLAN = "verksamhetsplan", _("Verksamhetsplan")
        DOCUMENT = "dokument", _("Dokument")
        INTERVENTION = "insats", _("Insats")
        ACTION_PLAN = "handlingsplan", _("ANDT(S)-handlingsplan")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveIntegerField(_("paragraf"))
    text = models.TextField(_("beslut"))
    adopts = models.CharField(
        _("fastställer"), max_length=20, choices=Adopts.choices, blank=True, default=""
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("protokollförd av"),
    )
    recorded_at = models.DateTimeField(_("protokollförd"), null=True, blank=True)

    # The audit trail (docs/security.md, Granskningslogg).
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique")
        ]
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")

    def __str__(self) -> str:
        return f"§ {self.number} {self.meeting}"
