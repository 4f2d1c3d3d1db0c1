"""The national ANDT(S) strategies as reference data, and the local action plan built on one.

- `Strategy` → `StrategyGoal` → `PriorityArea`: the national strategy, its long-term goals
  and each goal's priority areas, loaded from `data/strategies.yaml` and editable.
- `ActionPlan`: an agreement's handlingsplan for a period, starting from one strategy; decided
  by the styrgrupp (who, when, the decision) and then immutable; next year's version is a
  copy that points back to it (`previous`), so the history stays.
- `PrioritisedGoal`: a national goal the plan prioritises, with the rationale and the
  evidence behind it (indicators, a stored lägesbild, incident categories, a quoted figure).
- `LocalGoal` under a prioritised goal; `Activity` (insats, samverkan, tillsyn, kampanj)
  with owner, timetable and indicator; `ActivityFollowUp` per period like the operational
  plan's follow-up.

Every write and every rule is in `services.py`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samverkan.plans.models import FollowUpPeriod, FollowUpStatus


class Strategy(models.Model):
    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True)
    title = models.CharField(_("rubrik"), max_length=300)
    period_start = models.DateField(_("gäller från"))
    period_end = models.DateField(_("gäller till"))
    overall_goal = models.TextField(_("övergripande mål"))
    source = models.CharField(_("källa"), max_length=300, blank=True)
    citation = models.TextField(_("hänvisning"), blank=True)
    url = models.URLField(_("webbadress"), max_length=500, blank=True)
    note = models.TextField(_("anmärkning"), blank=True)

    class Meta:
        ordering = ["-period_start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="strategy_end_after_start",
            )
        ]
        verbose_name = _("nationell strategi")
        verbose_name_plural = _("nationella strategier")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("andts_strategy_detail", args=[self.pk])


class StrategyGoal(models.Model):
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="goals", verbose_name=_("strategi")
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    text = models.TextField(_("mål"))

    class Meta:
        ordering = ["strategy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="strategy_goal_number")
        ]
        verbose_name = _("långsiktigt mål")
        verbose_name_plural = _("långsiktiga mål")

    def __str__(self) -> str:
        return f"{self.strategy.title}, mål {self.number}"


class PriorityArea(models.Model):
    goal = models.ForeignKey(
        StrategyGoal,
        on_delete=models.CASCADE,
        related_name="priority_areas",
        verbose_name=_("mål"),
    )
    text = models.CharField(_("insatsområde"), max_length=500)
    position = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["goal", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "text"], name="priority_area_text_per_goal")
        ]
        verbose_name = _("prioriterat insatsområde")
        verbose_name_plural = _("prioriterade insatsområden")

    def __str__(self) -> str:
        return self.text


class ActionPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        DECIDED = "beslutad", _("Beslutad")

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="andts_plans",
        verbose_name=_("överenskommelse"),
    )
    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, related_name="plans", verbose_name=_("strategi")
    )
    title = models.CharField(_("rubrik"), max_length=300)
    year = models.PositiveSmallIntegerField(_("år (version)"))
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    follow_up_period = models.CharField(
        _("uppföljningsperiod"), max_length=10, choices=FollowUpPeriod.choices
    )
    problem_description = models.TextField(_("problembild"), blank=True)
    baseline = models.TextField(_("utgångsläge"), blank=True)
    decided_by = models.CharField(_("beslutat av"), max_length=300, blank=True)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    decision = models.TextField(_("beslut"), blank=True)
    meeting_decision = models.OneToOneField(
        "organisations.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_action_plan",
        verbose_name=_("beslut i protokollet"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("tidigare version"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["agreement", "-year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="action_plan_end_after_start",
            ),
            models.UniqueConstraint(fields=["agreement", "year"], name="action_plan_per_year"),
            models.CheckConstraint(
                condition=~models.Q(status="beslutad") | models.Q(decided_on__isnull=False),
                name="decided_action_plan_has_date",
            ),
        ]
        verbose_name = _("ANDT(S)-handlingsplan")
        verbose_name_plural = _("ANDT(S)-handlingsplaner")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.follow_up_period:
            self.follow_up_period = settings.SAMVERKAN_FOLLOW_UP_PERIOD
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("andts_plan_detail", args=[self.pk])

    @property
    def is_decided(self) -> bool:
        return self.status == self.Status.DECIDED


class PrioritisedGoal(models.Model):
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.CASCADE,
        related_name="prioritised_goals",
        verbose_name=_("handlingsplan"),
    )
    goal = models.ForeignKey(
        StrategyGoal, on_delete=models.PROTECT, related_name="+", verbose_name=_("nationellt mål")
    )
    position = models.PositiveIntegerField(_("ordning"), default=0)
    rationale = models.TextField(_("motivering"), blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="+", verbose_name=_("indikatorer")
    )
    snapshot = models.ForeignKey(
        "lagesbild.Snapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sparad lägesbild"),
    )
    incident_categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("händelsekategorier")
    )
    figure = models.TextField(_("siffra ur lägesbilden"), blank=True)
    figure_source = models.CharField(_("siffrans källa"), max_length=300, blank=True)
    figure_period = models.CharField(_("siffrans period"), max_length=60, blank=True)

    class Meta:
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "goal"], name="prioritised_goal_once")
        ]
        verbose_name = _("prioriterat mål")
        verbose_name_plural = _("prioriterade mål")

    def __str__(self) -> str:
        return f"{self.plan}: mål {self.goal.number}"


class LocalGoal(models.Model):
    prioritised_goal = models.ForeignKey(
        PrioritisedGoal,
        on_delete=models.CASCADE,
        related_name="local_goals",
        verbose_name=_("prioriterat mål"),
    )
    text = models.TextField(_("lokalt mål"))
    position = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["prioritised_goal", "position", "pk"]
        verbose_name = _("lokalt mål")
        verbose_name_plural = _("lokala mål")

    def __str__(self) -> str:
        return self.text[:80]


class Activity(models.Model):
    class Kind(models.TextChoices):
        INTERVENTION = "insats", _("Insats")
        COLLABORATION = "samverkan", _("Samverkan")
        SUPERVISION = "tillsyn", _("Tillsyn")
        CAMPAIGN = "kampanj", _("Kampanj")
        OTHER = "annat", _("Annat")

    plan = models.ForeignKey(
        ActionPlan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan")
    )
    goal = models.ForeignKey(
        StrategyGoal, on_delete=models.PROTECT, related_name="+", verbose_name=_("nationellt mål")
    )
    local_goal = models.ForeignKey(
        LocalGoal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("lokalt mål"),
    )
    title = models.CharField(_("aktivitet"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    kind = models.CharField(_("typ"), max_length=12, choices=Kind.choices)
    intervention = models.ForeignKey(
        "prevention.Intervention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="andts_activities",
        verbose_name=_("insats"),
    )
    collaboration = models.ForeignKey(
        "collaboration.Collaboration",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="andts_activities",
        verbose_name=_("samverkan"),
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="andts_activities",
        verbose_name=_("ansvarig organisation"),
    )
    owner_role = models.CharField(_("ansvarig funktion"), max_length=200, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    schedule_text = models.CharField(_("tidplan"), max_length=300, blank=True)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indikator"),
    )
    position = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["plan", "goal__number", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="andts_activity_end_after_start",
            )
        ]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")

    def __str__(self) -> str:
        return self.title


class ActivityFollowUp(models.Model):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("aktivitet")
    )
    period_kind = models.CharField(_("periodtyp"), max_length=10, choices=FollowUpPeriod.choices)
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices)
    comment = models.TextField(_("kommentar"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(_("rapporterad"), default=timezone.now)

    class Meta:
        ordering = ["activity", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "period_kind", "period_start"],
                name="andts_follow_up_once_per_period",
            )
        ]
        verbose_name = _("uppföljning av aktivitet")
        verbose_name_plural = _("uppföljningar av aktiviteter")

    def __str__(self) -> str:
        return f"{self.period_label}: {self.get_status_display()}"

    @property
    def period_label(self) -> str:
        from samverkan.plans.periods import period_label

        return period_label(self.period_kind, self.period_start)
