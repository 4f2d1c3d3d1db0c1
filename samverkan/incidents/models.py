"""Incident reports (händelserapporter) of EST: what happened, where and when – never who.

There are no person fields: the reporter is a member of staff (and only kept so that they
can correct their own report), the description is screened by the privacy guard in
`incidents.services` on every entry path. See docs/incidents.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
        # Only when the source published it (a Polisen notice whose name gives no time).
        PUBLISHED = "publicerad", _("Publiceringstid")

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
    # When the source published the report (Polisen's ``datetime``); the event's own time,
    # where the source gives one, is occurred_from. Empty for reports entered here.
    published_at = models.DateTimeField(_("publicerad hos källan"), null=True, blank=True)
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

    # The audit trail (docs/security.md, Granskningslogg): who changed what, before and after.
    history = HistoricalRecords(excluded_fields=["updated_at"])

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
            # Covers the weekly EST picture's grouped counts (est.weekly): every column
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


class ReportsVersion(models.Model):
    """One row whose ``version`` grows with every change to the reports table: raised by
    database triggers (migration 0013) on every insert, update and delete, also by
    ``QuerySet.update``, ``bulk_create``, imports and raw SQL; on PostgreSQL once per
    statement, on SQLite once per row (the import loader: once per batch,
    importers/writer.py). A stored result keyed by it is stale after any change
    (lagesbild/stored.py). The raise is part of the writing transaction, so a reader sees the
    new version only with the new data."""

    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("rapporternas version")
        verbose_name_plural = _("rapporternas version")

    def __str__(self) -> str:
        return str(self.version)

    @classmethod
    def current(cls) -> int | None:
        """The version; None when the row is missing (a flushed database)."""
        return cls.objects.filter(pk=1).values_list("version", flat=True).first()
