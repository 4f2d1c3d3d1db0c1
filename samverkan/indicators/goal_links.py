"""Goals of the plan linked to the indicators that measure them (migration 0002_goal_links).

A goal such as "Andelen elever som ofta känner sig ledsna ska minska" is followed by an
indicator, optionally one breakdown of it (girls in åk 7) and one geography, from a baseline
to a target. The plan page shows the latest value against both. Kept out of models.py,
which holds the statistics themselves; models.py imports this module so Django sees it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class GoalIndicator(models.Model):
    goal = models.ForeignKey(
        "plans.Goal",
        on_delete=models.CASCADE,
        related_name="indicator_links",
        verbose_name=_("mål"),
    )
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.CASCADE,
        related_name="goal_links",
        verbose_name=_("indikator"),
    )
    # Canonical breakdown ("grade=ak7;sex=K", see models.canonical_breakdown); empty = total.
    breakdown_key = models.CharField(_("uppdelning"), max_length=255, blank=True)
    # The geography followed, e.g. "2580"; empty = whichever the latest observation has.
    geo_code = models.CharField(_("geografisk kod"), max_length=60, blank=True)
    baseline_value = models.DecimalField(_("utgångsvärde"), max_digits=20, decimal_places=6)
    baseline_period = models.CharField(_("utgångsperiod"), max_length=40)
    target_value = models.DecimalField(_("målvärde"), max_digits=20, decimal_places=6)
    target_period = models.CharField(_("målperiod"), max_length=40)
    comment = models.TextField(_("kommentar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kopplad av"),
    )
    created_at = models.DateTimeField(_("kopplad"), auto_now_add=True)

    class Meta:
        app_label = "indicators"
        ordering = ["goal", "indicator__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "indicator", "breakdown_key", "geo_code"],
                name="goal_indicator_unique",
            )
        ]
        verbose_name = _("koppling mål–indikator")
        verbose_name_plural = _("kopplingar mål–indikator")

    def __str__(self) -> str:
        return f"{self.goal_id} → {self.indicator_id}"
