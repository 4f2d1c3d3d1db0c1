"""Statistics behind the lägesbild: where a figure comes from (Source), what it measures
(Indicator) and the figures themselves (Observation), with the history of revised values
(ObservationRevision).

An observation is identified by indicator, period, geography and breakdown; importing the
same observation again updates it in place (idempotence), and a changed value keeps the
old one as an ObservationRevision with when and why. The breakdown is a small dict (sex,
age group, school grade, housing type, free keys) stored twice: as JSON for reading and as
a canonical string `breakdown_key` that takes part in the unique constraint.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# Well-known breakdown keys and their Swedish labels. Other keys are allowed ("free keys").
BREAKDOWN_SEX = "sex"  # K kvinnor/flickor, M män/pojkar (T totalt is stored as no key)
BREAKDOWN_AGE = "age"  # an age group "15-17" or a single year "16"
BREAKDOWN_GRADE = "grade"  # school grade "ak7", "gy1" …
BREAKDOWN_HOUSING = "housing"  # boendeform: hyresratt / bostadsratt / villa
BREAKDOWN_QUESTION = "question"  # survey question (code or text)
BREAKDOWN_ANSWER = "answer"  # survey answer alternative (share of respondents)

BREAKDOWN_LABELS = {
    BREAKDOWN_SEX: _("Kön"),
    BREAKDOWN_AGE: _("Ålder"),
    BREAKDOWN_GRADE: _("Årskurs"),
    BREAKDOWN_HOUSING: _("Boendeform"),
    BREAKDOWN_QUESTION: _("Fråga"),
    BREAKDOWN_ANSWER: _("Svar"),
}
SEX_LABELS = {"T": _("Totalt"), "K": _("Kvinnor"), "M": _("Män")}
HOUSING_LABELS = {
    "hyresratt": _("Hyresrätt"),
    "bostadsratt": _("Bostadsrätt"),
    "villa": _("Villa/äganderätt"),
}


def canonical_breakdown(breakdown: dict | None) -> tuple[dict, str]:
    """Normalise a breakdown dict and return it with its canonical key string.

    Keys are lower-cased and stripped, values stripped strings; empty values are dropped,
    and sex "T" (totalt) is dropped too, so a total is always the empty breakdown "".
    The key is "k=v" pairs sorted by key and joined with ";", e.g. "age=15-17;sex=K".
    """
    clean: dict[str, str] = {}
    for key, value in (breakdown or {}).items():
        k = str(key).strip().lower()
        v = "" if value is None else str(value).strip()
        if not k or v == "":
            continue
        if k == BREAKDOWN_SEX:
            v = v.upper()
            if v == "T":
                continue
        clean[k] = v
    ordered = dict(sorted(clean.items()))
    return ordered, ";".join(f"{k}={v}" for k, v in ordered.items())


class Source(models.Model):
    """Where figures come from: Kolada, SCB, Brå, the safety survey's provider, CAN …"""

    class Kind(models.TextChoices):
        API = "api", _("Öppet API")
        FILE = "fil", _("Fil (Excel/CSV)")
        DOCUMENT = "dokument", _("Dokument")

    slug = models.SlugField(_("kortnamn"), max_length=40, unique=True)
    name = models.CharField(_("namn"), max_length=200)
    publisher = models.CharField(_("utgivare"), max_length=200, blank=True)
    url = models.URLField(_("webbadress"), max_length=500, blank=True)
    licence = models.CharField(_("licens"), max_length=200, blank=True)
    citation = models.CharField(
        _("källhänvisning"),
        max_length=300,
        blank=True,
        help_text=_("Texten som visas under varje siffra, t.ex. ”Källa: Kolada”."),
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices, default=Kind.FILE)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("källa")
        verbose_name_plural = _("källor")

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """One measure, e.g. "Anmälda våldsbrott per 100 000 invånare" or "Trygghetsindex"."""

    class Unit(models.TextChoices):
        COUNT = "antal", _("Antal")
        PERCENT = "procent", _("Procent")
        PER_100K = "per_100k", _("Per 100 000 invånare")
        PER_1000 = "per_1000", _("Per 1 000 invånare")
        INDEX_0_6 = "index_0_6", _("Index 0–6")
        INDEX_0_100 = "index_0_100", _("Index 0–100")
        KRONOR = "kronor", _("Kronor")
        OTHER = "annat", _("Annat")

    class Direction(models.TextChoices):
        UP = "upp", _("Högre är bättre")
        DOWN = "ned", _("Lägre är bättre")
        NONE = "ingen", _("Ingen riktning")

    class Cadence(models.TextChoices):
        YEARLY = "arlig", _("Årlig")
        HALF_YEARLY = "halvar", _("Halvårs")
        QUARTERLY = "kvartal", _("Kvartal")
        MONTHLY = "manad", _("Månad")
        IRREGULAR = "oregelbunden", _("Oregelbunden")

    class FocusArea(models.TextChoices):
        SAFETY = "6.1", _("6.1 Trygghet")
        YOUTH = "6.2", _("6.2 Ungdomar")
        ANDTS = "6.3", _("6.3 ANDT(S)")

    # Valid (min, max) per unit; None = unbounded on that side. `value_min`/`value_max` on
    # the indicator override these (e.g. for "annat").
    UNIT_RANGES: dict[str, tuple[Decimal | None, Decimal | None]] = {
        Unit.COUNT: (Decimal(0), None),
        Unit.PERCENT: (Decimal(0), Decimal(100)),
        Unit.PER_100K: (Decimal(0), Decimal(100_000)),
        Unit.PER_1000: (Decimal(0), Decimal(1000)),
        Unit.INDEX_0_6: (Decimal(0), Decimal(6)),
        Unit.INDEX_0_100: (Decimal(0), Decimal(100)),
        Unit.KRONOR: (None, None),
        Unit.OTHER: (None, None),
    }

    code = models.SlugField(
        _("kod"),
        max_length=60,
        unique=True,
        help_text=_("Samverkans egen kod, t.ex. ”kolada-n07403” eller ”folkmangd”."),
    )
    name = models.CharField(_("namn"), max_length=300)
    unit = models.CharField(_("enhet"), max_length=12, choices=Unit.choices)
    unit_label = models.CharField(
        _("enhet i text"), max_length=60, blank=True, help_text=_("För enheten ”annat”.")
    )
    value_min = models.DecimalField(
        _("lägsta giltiga värde"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    value_max = models.DecimalField(
        _("högsta giltiga värde"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    direction = models.CharField(
        _("önskad riktning"), max_length=6, choices=Direction.choices, default=Direction.NONE
    )
    description = models.TextField(_("beskrivning"), blank=True)
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("källa")
    )
    cadence = models.CharField(
        _("uppdateras"), max_length=12, choices=Cadence.choices, default=Cadence.YEARLY
    )
    release_month = models.PositiveSmallIntegerField(
        _("publiceras vanligen (månad)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    external_id = models.CharField(
        _("id hos källan"),
        max_length=60,
        blank=True,
        help_text=_("T.ex. Koladas KPI-id ”N07403” eller SCB:s tabell ”TAB638”."),
    )
    external_title = models.CharField(
        _("namn hos källan"),
        max_length=300,
        blank=True,
        help_text=_("Titeln som källan använder; kontrolleras vid varje import. Tom: namnet ovan."),
    )
    # Importer options, e.g. {"table": "TAB638", "contents": "BE0101N1"} for SCB.
    external_options = models.JSONField(_("importinställningar"), default=dict, blank=True)
    focus_area = models.CharField(
        _("fokusområde"), max_length=4, choices=FocusArea.choices, blank=True
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["focus_area", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_min__isnull=True)
                | models.Q(value_max__isnull=True)
                | models.Q(value_max__gte=models.F("value_min")),
                name="indicator_value_range_ordered",
            )
        ]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name

    @property
    def expected_title(self) -> str:
        return self.external_title or self.name

    def value_range(self) -> tuple[Decimal | None, Decimal | None]:
        """The valid (min, max) of a value: the indicator's own bounds, else the unit's."""
        low, high = self.UNIT_RANGES.get(self.unit, (None, None))
        if self.value_min is not None:
            low = self.value_min
        if self.value_max is not None:
            high = self.value_max
        return low, high

    def unit_display(self) -> str:
        if self.unit == self.Unit.OTHER and self.unit_label:
            return self.unit_label
        return str(self.get_unit_display())


class Observation(models.Model):
    """One figure: an indicator's value for a period, a geography and a breakdown."""

    class GeoLevel(models.TextChoices):
        COUNTRY = "land", _("Riket")
        COUNTY = "lan", _("Län")
        MUNICIPALITY = "kommun", _("Kommun")
        POLICE_AREA = "lpo", _("Lokalpolisområde")
        DISTRICT = "omrade", _("Område")

    class Status(models.TextChoices):
        PRELIMINARY = "preliminar", _("Preliminär")
        FINAL = "slutlig", _("Slutlig")

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("indikator"),
    )
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    period_label = models.CharField(
        _("period"), max_length=40, help_text=_("T.ex. ”2021”, ”2020/21” eller ”2023-01–2023-06”.")
    )
    geo_level = models.CharField(_("geografisk nivå"), max_length=8, choices=GeoLevel.choices)
    # "SE" for the country, "25" for a county, "2580" for a municipality, the police area's
    # name for an LPO, and "<municipality code>:<district slug>" for a district.
    geo_code = models.CharField(_("geografisk kod"), max_length=60)
    district = models.ForeignKey(
        "places.District",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("område"),
    )
    breakdown = models.JSONField(_("uppdelning"), default=dict, blank=True)
    breakdown_key = models.CharField(_("uppdelningsnyckel"), max_length=255, blank=True)
    value = models.DecimalField(_("värde"), max_digits=20, decimal_places=6)
    n = models.PositiveIntegerField(_("antal svarande (n)"), null=True, blank=True)
    ci_low = models.DecimalField(
        _("konfidensintervall, nedre"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    ci_high = models.DecimalField(
        _("konfidensintervall, övre"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.FINAL
    )
    note = models.CharField(_("anmärkning"), max_length=300, blank=True)
    retrieved_at = models.DateTimeField(_("hämtad"))
    source_url = models.URLField(_("källadress"), max_length=1000, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observations",
        verbose_name=_("importkörning"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["indicator", "period_start", "geo_level", "geo_code", "breakdown_key"]
        constraints = [
            # The district is part of geo_code ("2580:centrum"), so the key has no NULLs
            # (NULLs are distinct in unique constraints on SQLite and PostgreSQL alike).
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "period_start",
                    "period_end",
                    "geo_level",
                    "geo_code",
                    "breakdown_key",
                ],
                name="observation_unique_identity",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="observation_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["geo_level", "geo_code"], name="observation_geo_idx")]
        verbose_name = _("observation")
        verbose_name_plural = _("observationer")

    def __str__(self) -> str:
        key = f" [{self.breakdown_key}]" if self.breakdown_key else ""
        return f"{self.indicator.code} {self.period_label} {self.geo_code}{key}: {self.value}"

    def save(self, *args, **kwargs):
        self.breakdown, self.breakdown_key = canonical_breakdown(self.breakdown)
        super().save(*args, **kwargs)


class ObservationRevision(models.Model):
    """The previous state of an observation whose value a later import changed."""

    observation = models.ForeignKey(
        Observation,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name=_("observation"),
    )
    changed_at = models.DateTimeField(_("ändrad"), auto_now_add=True)
    reason = models.CharField(_("orsak"), max_length=300, blank=True)
    import_run = models.ForeignKey(
        "imports.ImportRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observation_revisions",
        verbose_name=_("importkörning"),
    )
    value = models.DecimalField(_("tidigare värde"), max_digits=20, decimal_places=6)
    n = models.PositiveIntegerField(_("tidigare n"), null=True, blank=True)
    ci_low = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    ci_high = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("tidigare status"), max_length=10, blank=True)
    retrieved_at = models.DateTimeField(_("tidigare hämtad"), null=True, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("revision av observation")
        verbose_name_plural = _("revisioner av observationer")

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.value} ({self.changed_at:%Y-%m-%d})"


# Goal links live in their own module (migration 0002_goal_links).
from samverkan.indicators.goal_links import GoalIndicator  # noqa: E402, F401
