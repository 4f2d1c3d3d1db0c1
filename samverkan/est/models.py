"""The weekly EST work (docs/est.md): the actions decided at the weekly meeting, the meeting
with its notes and immutable snapshot, each organisation's notes, planned events, and the
area prioritisation.

The tables keep the names they were created with (``incidents_action`` …), so that an
installation's rows stay where they are.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.incidents.models import Incident


class Action(models.Model):
    """An åtgärd decided at the weekly EST meeting: what, where, who owns it, by when.

    Overdue: the due date has passed and it is neither klar nor inställd.
    """

    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        IN_PROGRESS = "pagar", _("Pågår")
        DONE = "klar", _("Klar")
        CANCELLED = "installd", _("Inställd")

    CLOSED = {Status.DONE, Status.CANCELLED}

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="est_actions",
        verbose_name=_("överenskommelse"),
    )
    iso_year = models.PositiveSmallIntegerField(_("år (ISO)"))
    iso_week = models.PositiveSmallIntegerField(_("vecka (ISO)"))
    what = models.TextField(_("åtgärd"))
    district = models.ForeignKey(
        "places.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="est_actions",
        verbose_name=_("område"),
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="est_actions",
        verbose_name=_("plats"),
    )
    incidents = models.ManyToManyField(
        Incident,
        blank=True,
        related_name="actions",
        verbose_name=_("rapporter"),
        db_table="incidents_action_incidents",
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="est_actions",
        verbose_name=_("ansvarig organisation"),
    )
    # A member of staff of the owner organisation, never a citizen.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="est_actions",
        verbose_name=_("ansvarig person"),
    )
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.TextField(_("resultat"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    # The audit trail (docs/security.md, Granskningslogg).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        db_table = "incidents_action"
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iso_week__gte=1, iso_week__lte=53), name="action_iso_week_1_53"
            )
        ]
        indexes = [models.Index(fields=["agreement", "status"], name="action_agreement_status_idx")]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self) -> str:
        return self.what[:80]

    def is_overdue(self, today) -> bool:
        return (
            self.due_date is not None and self.due_date < today and self.status not in self.CLOSED
        )


class WeekMeeting(models.Model):
    """The weekly EST meeting of an agreement: notes, decisions and, once closed, the
    snapshot of the picture that was shown. A closed meeting never changes."""

    class Status(models.TextChoices):
        OPEN = "oppet", _("Öppet")
        CLOSED = "stangt", _("Stängt")

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="est_meetings",
        verbose_name=_("överenskommelse"),
    )
    iso_year = models.PositiveSmallIntegerField(_("år (ISO)"))
    iso_week = models.PositiveSmallIntegerField(_("vecka (ISO)"))
    notes = models.TextField(_("mötesanteckningar"), blank=True)
    decisions = models.TextField(_("beslut"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_at = models.DateTimeField(_("stängt"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("stängt av"),
    )
    snapshot = models.JSONField(_("ögonblicksbild"), null=True, blank=True)
    snapshot_version = models.PositiveSmallIntegerField(_("version av ögonblicksbilden"), default=0)

    # The audit trail (docs/security.md, Granskningslogg).
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        db_table = "incidents_weekmeeting"
        ordering = ["-iso_year", "-iso_week"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "iso_year", "iso_week"], name="week_meeting_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(iso_week__gte=1, iso_week__lte=53),
                name="week_meeting_iso_week_1_53",
            ),
        ]
        verbose_name = _("veckomöte")
        verbose_name_plural = _("veckomöten")

    def __str__(self) -> str:
        return f"{self.agreement} {self.iso_year} v{self.iso_week}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class WeekNote(models.Model):
    """One organisation's notes for the week, written by its samordnare before the meeting."""

    meeting = models.ForeignKey(
        WeekMeeting, on_delete=models.CASCADE, related_name="week_notes", verbose_name=_("möte")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="est_notes",
        verbose_name=_("organisation"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("författare"),
    )
    text = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        db_table = "incidents_weeknote"
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="week_note_one_per_organisation"
            )
        ]
        verbose_name = _("veckonotering")
        verbose_name_plural = _("veckonoteringar")

    def __str__(self) -> str:
        return f"{self.meeting} – {self.organisation}"


class PlannedEvent(models.Model):
    """A planned arrangement that the weekly meeting should know of (Kulturnatt, a match)."""

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="est_planned_events",
        verbose_name=_("överenskommelse"),
    )
    title = models.CharField(_("rubrik"), max_length=200)
    district = models.ForeignKey(
        "places.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("område"),
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("plats"),
    )
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )

    class Meta:
        db_table = "incidents_plannedevent"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="planned_event_period_ordered",
            )
        ]
        verbose_name = _("planerat evenemang")
        verbose_name_plural = _("planerade evenemang")

    def __str__(self) -> str:
        return self.title


class AreaRating(models.Model):
    """A district's rating for a quarter or tertial (docs/est.md): a level on the
    agreement's ordinal scale (default grön/gul/röd), a trend computed from the period's
    figures, a rationale, and whether it is one of the period's priority areas."""

    class Trend(models.TextChoices):
        UP = "upp", "↑"
        FLAT = "samma", "→"
        DOWN = "ned", "↓"

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="area_ratings",
        verbose_name=_("överenskommelse"),
    )
    period_label = models.CharField(_("period"), max_length=20)
    period_start = models.DateField(_("periodens början"))
    period_end = models.DateField(_("periodens slut"))
    district = models.ForeignKey(
        "places.District",
        on_delete=models.CASCADE,
        related_name="area_ratings",
        verbose_name=_("område"),
    )
    level = models.CharField(_("nivå"), max_length=30)
    trend = models.CharField(_("trend"), max_length=5, choices=Trend.choices, blank=True)
    rationale = models.TextField(_("motivering"), blank=True)
    prioritised = models.BooleanField(_("prioriterat område"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        db_table = "incidents_arearating"
        ordering = ["-period_start", "district__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "period_start", "district"], name="area_rating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="area_rating_period_ordered",
            ),
        ]
        verbose_name = _("områdesbedömning")
        verbose_name_plural = _("områdesbedömningar")

    def __str__(self) -> str:
        return f"{self.district} {self.period_label}: {self.level}"
