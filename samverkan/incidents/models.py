"""Incident reports (händelserapporter) of EST: what happened, where and when – never who.

There are no person fields: the reporter is a member of staff (and only kept so that they
can correct their own report), the description is screened by the privacy guard in
`incidents.services` on every entry path. See docs/incidents.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Classification


class Category(models.Model):
    """An EST category, editable; a category may have a parent (Klotter under Skadegörelse)."""

    slug = models.SlugField(_("kortnamn"), max_length=60, unique=True)
    name = models.CharField(_("namn"), max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnad kategori"),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    position = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategorier")

    def __str__(self) -> str:
        return self.name


class Incident(models.Model):
    class TimePrecision(models.TextChoices):
        EXACT = "exakt", _("Exakt")
        APPROXIMATE = "ungefar", _("Ungefär")
        DAY = "dag", _("Dag")

    class PlaceType(models.TextChoices):
        PUBLIC = "offentlig", _("Offentlig plats")
        SEMI_PUBLIC = "halvoffentlig", _("Halvoffentlig plats")

    class Source(models.TextChoices):
        FORM = "form", _("Formulär")
        FILE = "file", _("Filimport")
        POLISEN = "polisen", _("Polisen")
        OPEN311 = "open311", _("Open311")
        API = "api", _("API")

    class Status(models.TextChoices):
        NEW = "ny", _("Ny")
        REVIEWED = "granskad", _("Granskad")
        DONE = "atgardad", _("Åtgärdad")
        ARCHIVED = "arkiverad", _("Arkiverad")

    class Severity(models.IntegerChoices):
        LOW = 1, _("1 – låg")
        MEDIUM = 2, _("2 – medel")
        HIGH = 3, _("3 – hög")

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("kategori")
    )
    occurred_from = models.DateTimeField(_("inträffade från"))
    occurred_to = models.DateTimeField(_("inträffade till"))
    time_precision = models.CharField(
        _("tidsprecision"),
        max_length=10,
        choices=TimePrecision.choices,
        default=TimePrecision.EXACT,
    )
    municipality = models.ForeignKey(
        "places.Municipality",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("kommun"),
        db_index=False,  # incident_week_cover_idx starts with it; a second index only slows writes
    )
    district = models.ForeignKey(
        "places.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("område"),
        db_index=False,  # incident_district_set_idx: only the rows that have one
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("plats"),
        db_index=False,  # incident_place_set_idx: only the rows that have one
    )
    lat = models.FloatField(_("latitud (WGS 84)"), null=True, blank=True)
    lon = models.FloatField(_("longitud (WGS 84)"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    severity = models.PositiveSmallIntegerField(
        _("allvarlighet"), choices=Severity.choices, default=Severity.LOW
    )
    creates_insecurity = models.BooleanField(_("skapar otrygghet"), default=False)
    place_type = models.CharField(
        _("typ av plats"), max_length=15, choices=PlaceType.choices, default=PlaceType.PUBLIC
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("rapporterande organisation"),
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("rapportör"),
        db_index=False,  # incident_reporter_set_idx: only the rows that have one
    )
    source = models.CharField(
        _("källa"), max_length=10, choices=Source.choices, default=Source.FORM
    )
    external_id = models.CharField(_("externt id"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    classification = models.CharField(
        _("klassning"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    cost_sek = models.DecimalField(
        _("kostnad (kr)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # What the source called it (Polisen's event type, a file's category text), kept as given.
    source_type = models.CharField(_("typ hos källan"), max_length=200, blank=True)
    source_url = models.URLField(_("länk hos källan"), max_length=500, blank=True)
    # Polisen's "Sammanfattning …" notices summarise many call-outs: kept, out of analysis
    # by default.
    is_summary = models.BooleanField(_("sammanfattning av flera händelser"), default=False)
    # The point is only the municipality's (or county's) centre, not where it happened:
    # counted, but kept out of maps and hot-spot analysis.
    position_is_centre = models.BooleanField(_("positionen är kommunens mittpunkt"), default=False)
    import_run = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents",
        verbose_name=_("importkörning"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["-occurred_from", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="incident_external_id_unique_per_source",
            ),
            models.CheckConstraint(
                condition=models.Q(occurred_to__gte=models.F("occurred_from")),
                name="incident_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=3),
                name="incident_severity_1_3",
            ),
        ]
        indexes = [
            # (municipality, occurred_from) is the prefix of incident_week_cover_idx below, which
            # serves every query by municipality and time; a separate index only slowed writes.
            models.Index(fields=["occurred_from"], name="incident_time_idx"),
            # Most imported reports have no district, place or reporter (Polisen's positions
            # are the municipality's centre; a fetch has no user): the foreign keys are indexed
            # only where set, which is where every lookup by them (a filter, "my reports",
            # ON DELETE SET NULL's "WHERE … IN") looks. docs/performance.md measures the gain.
            *(
                models.Index(
                    fields=[name],
                    condition=models.Q(**{f"{name}__isnull": False}),
                    name=f"incident_{name}_set_idx",
                )
                for name in ("district", "place", "reporter")
            ),
            # Covers the weekly EST picture's grouped counts (incidents.weekly): every column
            # it filters or groups on, so the count never reads the table itself.
            models.Index(
                fields=[
                    "municipality",
                    "occurred_from",
                    "classification",
                    "is_summary",
                    "district",
                    "category",
                    "severity",
                    "creates_insecurity",
                ],
                name="incident_week_cover_idx",
            ),
        ]
        verbose_name = _("händelserapport")
        verbose_name_plural = _("händelserapporter")

    def __str__(self) -> str:
        return f"{self.category} {self.occurred_from:%Y-%m-%d %H:%M}"


class SourceTypeMapping(models.Model):
    """Which category an outside source's type maps to (Polisen's "Skadegörelse" →
    Skadegörelse), editable. A type without a row goes to the *övrigt* category until mapped."""

    source = models.CharField(
        _("källa"), max_length=10, choices=Incident.Source.choices, default=Incident.Source.POLISEN
    )
    source_type = models.CharField(_("typ hos källan"), max_length=200)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="source_type_mappings",
        verbose_name=_("kategori"),
    )

    class Meta:
        ordering = ["source", "source_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_type"], name="source_type_mapping_unique"
            )
        ]
        verbose_name = _("typmappning")
        verbose_name_plural = _("typmappningar")

    def __str__(self) -> str:
        return f"{self.source_type} → {self.category}"


# --- EST: the weekly meeting, its actions and the area prioritisation (docs/est.md) -----------


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
        Incident, blank=True, related_name="actions", verbose_name=_("rapporter")
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

    class Meta:
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

    class Meta:
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
    """A district's rating for a quarter or tertial (DOMAIN.md §1.7): a level on the
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
