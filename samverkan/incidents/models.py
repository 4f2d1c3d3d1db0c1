"""Incident reports (händelserapporter) of EST: what happened, where and when – never who.

There are no person fields: the reporter is a member of staff (and only kept so that they
can correct their own report), the description is screened by the privacy guard in
`incidents.services` on every entry path. See docs/incidents.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.analysis.geo import sweref_cells
from samverkan.core.models import Classification

# The columns that decide a report's stored map cell (`point_cells`).
POINT_FIELDS = frozenset({"lat", "lon", "position_is_centre"})
CELL_FIELDS = ("cell_x", "cell_y")


def point_cells(lat, lon, centre) -> list[tuple[int | None, int | None]]:
    """(cell_x, cell_y) of each report, given as three equally long sequences: its 100 m
    SWEREF 99 TM cell (`analysis.geo.sweref_cells`), (None, None) where the map does not draw
    it (no point, or only the municipality's centre) or the cell is not defined there."""
    lat = [float("nan") if v is None else v for v in lat]
    lon = [float("nan") if v is None else v for v in lon]
    ix, iy, ok = sweref_cells(lon, lat)
    return [
        (x, y) if good and not is_centre else (None, None)
        for x, y, good, is_centre in zip(ix.tolist(), iy.tolist(), ok.tolist(), centre, strict=True)
    ]


def fill_cells(incidents) -> None:
    """Set cell_x and cell_y of unsaved or changed Incident objects from their points."""
    incidents = list(incidents)
    if not incidents:
        return
    cells = point_cells(
        [i.lat for i in incidents],
        [i.lon for i in incidents],
        [i.position_is_centre for i in incidents],
    )
    for incident, (x, y) in zip(incidents, cells, strict=True):
        incident.cell_x, incident.cell_y = x, y


class IncidentQuerySet(models.QuerySet):
    """bulk_create and bulk_update store the cells of the points they write; ``update()``
    cannot (it bypasses Python), so migration 0014's trigger empties the cells when it changes
    a point, and the map counts such reports from their points (incidents.map)."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        fill_cells(objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        if POINT_FIELDS & set(fields):
            objs = list(objs)
            fill_cells(objs)
            fields = [*fields, *(f for f in CELL_FIELDS if f not in fields)]
        return super().bulk_update(objs, fields, *args, **kwargs)


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
    # The point's 100 m cell in SWEREF 99 TM, floor(E / 100) and floor(N / 100), so the map
    # counts cells with integer arithmetic (incidents.map); set on every save from lat, lon
    # and position_is_centre (`point_cells`), empty where the map does not draw the report or
    # a write bypassed Python.
    cell_x = models.IntegerField(_("kartruta, öst (100 m)"), null=True, blank=True, editable=False)
    cell_y = models.IntegerField(_("kartruta, nord (100 m)"), null=True, blank=True, editable=False)
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
    history = HistoricalRecords(excluded_fields=["updated_at", *CELL_FIELDS])

    objects = IncidentQuerySet.as_manager()

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
            # Covers the weekly EST picture's grouped counts (est.weekly) and the list's count
            # under the user's scope (the owner decides who sees a begränsad report): every
            # column they filter or group on, so the count never reads the table itself.
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
                    "organisation",
                ],
                name="incident_week_cover_idx",
            ),
        ]
        verbose_name = _("händelserapport")
        verbose_name_plural = _("händelserapporter")

    def __str__(self) -> str:
        return f"{self.category} {self.occurred_from:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or POINT_FIELDS & set(update_fields):
            fill_cells([self])
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *CELL_FIELDS}
        super().save(*args, **kwargs)


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
