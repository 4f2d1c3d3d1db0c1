from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from samverkan.analysis.geo import SWEDEN_BBOX

MIN_LON, MIN_LAT, MAX_LON, MAX_LAT = SWEDEN_BBOX


class Municipality(models.Model):
    """A kommun as a place: its code, its boundary and the organisation that is the kommun.

    The boundary is a GeoJSON Polygon or MultiPolygon in WGS 84, checked on every write by
    `places.services`. `approximate` marks a boundary drawn by hand for the demo; `source`
    says where a boundary comes from, so nobody mistakes a sketch for a survey.
    """

    code = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[0-9]{4}$", _("Kommunkoden är fyra siffror."))],
        help_text=_("SCB:s fyrsiffriga kommunkod, t.ex. 2580 för Luleå."),
    )
    name = models.CharField(_("namn"), max_length=100)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("kommunen som organisation"),
    )
    boundary = models.JSONField(_("gräns (GeoJSON, WGS 84)"))
    approximate = models.BooleanField(_("ungefärlig gräns"), default=False)
    source = models.TextField(_("källa"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name

    def geometry(self) -> BaseGeometry:
        return shape(self.boundary)


class District(models.Model):
    """An område: a part of the municipality that the collaboration follows on its own.

    In Luleå the demo's districts are the twelve areas of the safety survey
    (trygghetsmätningen); a real installation may import Nyko areas or DeSO instead.
    Districts of one municipality should not overlap: a position belongs to one district.
    """

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="districts", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)
    slug = models.SlugField(_("kortnamn"), max_length=100)
    code = models.CharField(_("kod"), max_length=40, blank=True)
    boundary = models.JSONField(_("gräns (GeoJSON, WGS 84)"))
    approximate = models.BooleanField(_("ungefärlig gräns"), default=False)
    source = models.TextField(_("källa"), blank=True)

    class Meta:
        ordering = ["municipality", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "slug"], name="district_slug_unique_per_municipality"
            )
        ]
        verbose_name = _("område")
        verbose_name_plural = _("områden")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("district_detail", args=[self.pk])

    def geometry(self) -> BaseGeometry:
        return shape(self.boundary)


class Place(models.Model):
    """A named place with a point: a park, a schoolyard, a stop, a stairwell…

    The district is not chosen but follows from the point (`places.services`), and moves
    with it.
    """

    class Kind(models.TextChoices):
        PARK = "park", _("Park")
        SCHOOLYARD = "skolgard", _("Skolgård")
        SQUARE = "torg", _("Torg")
        UNDERPASS = "gangtunnel", _("Gångtunnel")
        STOP = "hallplats", _("Hållplats")
        STAIRWELL = "trapphus", _("Trapphus")
        SHOP = "butik", _("Butik")
        CENTRE = "centrum", _("Centrum")
        LICENSED_PREMISES = "krog", _("Krog/serveringsställe")
        SPORTS_GROUND = "idrottsplats", _("Idrottsplats")
        PARKING = "parkering", _("Parkering")
        OTHER = "ovrigt", _("Övrigt")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="places", verbose_name=_("kommun")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="places",
        verbose_name=_("område"),
    )
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    lat = models.FloatField(_("latitud (WGS 84)"))
    lon = models.FloatField(_("longitud (WGS 84)"))
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        ordering = ["municipality", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lat__gte=MIN_LAT, lat__lte=MAX_LAT),
                name="place_lat_in_sweden",
            ),
            models.CheckConstraint(
                condition=models.Q(lon__gte=MIN_LON, lon__lte=MAX_LON),
                name="place_lon_in_sweden",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "district"], name="place_district_idx")]
        verbose_name = _("plats")
        verbose_name_plural = _("platser")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("place_detail", args=[self.pk])
