# Over 500 lines: the SARA cycle's tables (problem, analysis, intervention, evaluation, promise) belong together.
"""Knowledge-based crime prevention (Brå's model, SARA): the problem and its evidence, the
cause analysis, the method catalogue, the interventions, their evaluation and the
medborgarlöften. See docs/prevention.md.

Every write goes through prevention.services, which also holds the rule that an
intervention is decided only once its problem's cause analysis has been reviewed.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.core.models import Classification


class _Tracked(models.Model):
    """Who created and last changed a row, and when."""

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
        abstract = True


class Problem(_Tracked):
    """A problem the collaboration has scanned: what, where, when, who is affected (groups,
    never named people), since when, and the evidence for it."""

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="prevention_problems",
        verbose_name=_("överenskommelse"),
    )
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("vad är problemet"), blank=True)
    districts = models.ManyToManyField(
        "places.District", blank=True, related_name="prevention_problems", verbose_name=_("områden")
    )
    places = models.ManyToManyField(
        "places.Place", blank=True, related_name="prevention_problems", verbose_name=_("platser")
    )
    when = models.TextField(_("när (tider, dagar)"), blank=True)
    affected_groups = models.TextField(
        _("vilka drabbas (grupper, aldrig namngivna personer)"), blank=True
    )
    since = models.DateField(_("sedan"), null=True, blank=True)
    section = models.ForeignKey(
        "plans.Section",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prevention_problems",
        verbose_name=_("fokusområde eller avsnitt i planen"),
    )
    classification = models.CharField(
        _("klassning"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="prevention_problems",
        verbose_name=_("ägande organisation"),
    )

    class Meta:
        ordering = ["agreement", "title", "pk"]
        verbose_name = _("problem")
        verbose_name_plural = _("problem")

    def __str__(self) -> str:
        return self.title


class EvidenceLink(models.Model):
    """What shows the problem: a stored lägesbild, an EST week, a stored query of incident
    reports (counted afresh at each reading) or an indicator. `source` is shown with it."""

    class Kind(models.TextChoices):
        SNAPSHOT = "lagesbild_snapshot", _("Sparad lägesbild")
        EST_WEEK = "est_week", _("EST-vecka")
        INCIDENT_QUERY = "incident_query", _("Urval av händelserapporter")
        INDICATOR = "indicator", _("Indikator")

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("problem")
    )
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    snapshot = models.ForeignKey(
        "lagesbild.Snapshot",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sparad lägesbild"),
    )
    iso_year = models.PositiveSmallIntegerField(_("år (ISO)"), null=True, blank=True)
    iso_week = models.PositiveSmallIntegerField(_("vecka (ISO)"), null=True, blank=True)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indikator"),
    )
    categories = models.ManyToManyField(
        "incidents.Category", blank=True, related_name="+", verbose_name=_("kategorier")
    )
    districts = models.ManyToManyField(
        "places.District", blank=True, related_name="+", verbose_name=_("områden")
    )
    date_from = models.DateField(_("från"), null=True, blank=True)
    date_to = models.DateField(_("till"), null=True, blank=True)
    source = models.TextField(_("källa"), blank=True)
    note = models.TextField(_("kommentar"), blank=True)
    position = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["problem", "position", "pk"]
        verbose_name = _("underlag")
        verbose_name_plural = _("underlag")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.source or self.problem}"[:120]

    def count(self, user) -> int | None:
        """The number of reports the stored query finds today, of those ``user`` sees (through
        the incidents chokepoint); None for the other kinds."""
        if self.kind != self.Kind.INCIDENT_QUERY:
            return None
        from samverkan.prevention.selectors import evidence_count

        return evidence_count(self, user)


class CauseAnalysis(_Tracked):
    """The orsaksanalys of one problem: the problem triangle with its controllers, the causes
    (fishbone), the event chain, risk and protective factors and the hypotheses.

    Utkast → granskad → beslutad. An intervention is decided only after review.
    """

    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        REVIEWED = "granskad", _("Granskad")
        DECIDED = "beslutad", _("Beslutad")

    problem = models.OneToOneField(
        Problem,
        on_delete=models.CASCADE,
        related_name="cause_analysis",
        verbose_name=_("problem"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    classification = models.CharField(
        _("klassning"),
        max_length=10,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    offender = models.TextField(_("gärningsperson (grupp, beteende)"), blank=True)
    target_victim = models.TextField(_("mål eller brottsutsatt"), blank=True)
    place_time = models.TextField(_("plats och tid"), blank=True)
    handler = models.TextField(_("den som påverkar gärningspersonen"), blank=True)
    handler_weak = models.BooleanField(_("svag eller saknas"), default=False)
    guardian = models.TextField(_("väktare av målet"), blank=True)
    guardian_weak = models.BooleanField(_("svag eller saknas"), default=False)
    place_manager = models.TextField(_("platsansvarig"), blank=True)
    place_manager_weak = models.BooleanField(_("svag eller saknas"), default=False)
    data_used = models.TextField(_("vilka uppgifter användes"), blank=True)
    data_left_out = models.TextField(_("vilka uppgifter saknas eller lämnades utanför"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granskad av"),
    )
    reviewed_at = models.DateTimeField(_("granskad"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslutad av"),
    )
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)

    REVIEWED_OR_DECIDED = {Status.REVIEWED, Status.DECIDED}

    class Meta:
        ordering = ["problem"]
        verbose_name = _("orsaksanalys")
        verbose_name_plural = _("orsaksanalyser")

    def __str__(self) -> str:
        return _("Orsaksanalys: %(problem)s") % {"problem": self.problem}


class Cause(models.Model):
    """One cause on the fishbone, on one of its three bones."""

    class Bone(models.TextChoices):
        VICTIM = "brottsutsatt", _("Brottsutsatt")
        OFFENDER = "gärningsperson", _("Gärningsperson")
        OBJECT_PLACE = "objekt_plats", _("Objekt eller plats")

    analysis = models.ForeignKey(
        CauseAnalysis, on_delete=models.CASCADE, related_name="causes", verbose_name=_("analys")
    )
    bone = models.CharField(_("ben"), max_length=20, choices=Bone.choices)
    text = models.TextField(_("orsak"))
    direct = models.BooleanField(_("direkt orsak"), default=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)

    class Meta:
        ordering = ["analysis", "bone", "order", "pk"]
        verbose_name = _("orsak")
        verbose_name_plural = _("orsaker")

    def __str__(self) -> str:
        return f"{self.get_bone_display()}: {self.text[:80]}"


class ChainStep(models.Model):
    """One step of the event chain (händelsekedjan), in order."""

    analysis = models.ForeignKey(
        CauseAnalysis, on_delete=models.CASCADE, related_name="steps", verbose_name=_("analys")
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    text = models.TextField(_("steg"))

    class Meta:
        ordering = ["analysis", "order", "pk"]
        verbose_name = _("steg i händelsekedjan")
        verbose_name_plural = _("steg i händelsekedjan")

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:80]}"


class RiskFactor(models.Model):
    """A risk or protective factor at one level (individ … samhälle)."""

    class Kind(models.TextChoices):
        RISK = "risk", _("Riskfaktor")
        PROTECTIVE = "skydd", _("Skyddsfaktor")

    class Level(models.TextChoices):
        INDIVIDUAL = "individ", _("Individ")
        FAMILY = "familj", _("Familj")
        SCHOOL = "skola", _("Skola")
        PEERS = "kamrater", _("Kamrater")
        SOCIETY = "samhälle", _("Samhälle")

    analysis = models.ForeignKey(
        CauseAnalysis, on_delete=models.CASCADE, related_name="factors", verbose_name=_("analys")
    )
    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("nivå"), max_length=10, choices=Level.choices)
    text = models.TextField(_("faktor"))

    class Meta:
        ordering = ["analysis", "kind", "level", "pk"]
        verbose_name = _("risk- eller skyddsfaktor")
        verbose_name_plural = _("risk- och skyddsfaktorer")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_level_display()}): {self.text[:60]}"


class Hypothesis(models.Model):
    """A hypothesis about why the problem occurs, with what speaks for and against it."""

    analysis = models.ForeignKey(
        CauseAnalysis,
        on_delete=models.CASCADE,
        related_name="hypotheses",
        verbose_name=_("analys"),
    )
    text = models.TextField(_("hypotes"))
    evidence_for = models.TextField(_("talar för"), blank=True)
    evidence_against = models.TextField(_("talar emot"), blank=True)

    class Meta:
        ordering = ["analysis", "pk"]
        verbose_name = _("hypotes")
        verbose_name_plural = _("hypoteser")

    def __str__(self) -> str:
        return self.text[:80]


class InterventionType(models.TextChoices):
    SITUATIONAL = "situationell", _("Situationell")
    SOCIAL = "social", _("Social")


class InterventionLevel(models.TextChoices):
    UNIVERSAL = "universell", _("Universell")
    SELECTIVE = "selektiv", _("Selektiv")
    INDICATED = "indikerad", _("Indikerad")


class Method(models.Model):
    """A method of the catalogue (data/methods.yaml) with what research says of its effect."""

    class Evidence(models.TextChoices):
        EFFECTIVE = "effektiv", _("Effektiv")
        PROMISING = "lovande", _("Lovande")
        NO_EFFECT = "ingen_effekt", _("Ingen effekt")
        HARMFUL = "skadlig", _("Skadlig")
        NOT_EVALUATED = "ej_utvarderad", _("Ej utvärderad")

    WARN = {Evidence.NO_EFFECT, Evidence.HARMFUL}

    slug = models.SlugField(_("kortnamn"), max_length=100, unique=True)
    name = models.CharField(_("namn"), max_length=300)
    type = models.CharField(_("typ"), max_length=20, choices=InterventionType.choices)
    level = models.CharField(_("nivå"), max_length=20, choices=InterventionLevel.choices)
    target_problem = models.TextField(_("problem som metoden riktar sig mot"), blank=True)
    evidence = models.CharField(_("evidens"), max_length=20, choices=Evidence.choices)
    source = models.TextField(_("källa"), blank=True)
    citation = models.TextField(_("referens"), blank=True)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("metod")
        verbose_name_plural = _("metoder")

    def __str__(self) -> str:
        return self.name


class Intervention(_Tracked):
    """An insats against a problem's causes: what, whose, when, with what and how it is
    followed up."""

    class Horizon(models.TextChoices):
        SHORT = "kort", _("Kort sikt")
        LONG = "lang", _("Lång sikt")

    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        DECIDED = "beslutad", _("Beslutad")
        IN_PROGRESS = "pagar", _("Pågår")
        DONE = "avslutad", _("Avslutad")
        CANCELLED = "installd", _("Inställd")

    # Statuses that need a reviewed cause analysis (services.check_can_decide).
    NEEDS_REVIEW = {Status.DECIDED, Status.IN_PROGRESS, Status.DONE}

    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="interventions", verbose_name=_("problem")
    )
    title = models.CharField(_("rubrik"), max_length=300)
    type = models.CharField(_("typ"), max_length=20, choices=InterventionType.choices)
    level = models.CharField(_("nivå"), max_length=20, choices=InterventionLevel.choices)
    horizon = models.CharField(
        _("tidsperspektiv"), max_length=10, choices=Horizon.choices, default=Horizon.SHORT
    )
    causes = models.ManyToManyField(
        Cause, blank=True, related_name="interventions", verbose_name=_("orsaker")
    )
    method = models.ForeignKey(
        Method,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interventions",
        verbose_name=_("metod"),
    )
    districts = models.ManyToManyField(
        "places.District",
        blank=True,
        related_name="prevention_interventions",
        verbose_name=_("områden"),
    )
    target_group = models.TextField(_("målgrupp"), blank=True)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="prevention_interventions",
        verbose_name=_("ansvarig organisation"),
    )
    owner_role = models.CharField(_("ansvarig (roll)"), max_length=300, blank=True)
    partners = models.TextField(_("samverkanspartner"), blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("slut"), null=True, blank=True)
    resources = models.TextField(_("resurser"), blank=True)
    cost = models.DecimalField(
        _("kostnad (kr)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    expected_effect = models.TextField(_("förväntad effekt"), blank=True)
    follow_up_method = models.TextField(_("hur insatsen följs upp"), blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="+", verbose_name=_("indikatorer")
    )
    commitments = models.ManyToManyField(
        "plans.Commitment", blank=True, related_name="+", verbose_name=_("åtaganden")
    )
    est_actions = models.ManyToManyField(
        "est.Action", blank=True, related_name="+", verbose_name=_("EST-åtgärder")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    outcome = models.TextField(_("utfall"), blank=True)
    decision = models.OneToOneField(
        "organisations.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_intervention",
        verbose_name=_("beslut"),
    )

    # The audit trail (docs/security.md, Granskningslogg).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["problem", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True)
                | models.Q(start__isnull=True)
                | models.Q(end__gte=models.F("start")),
                name="intervention_end_after_start",
            )
        ]
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")

    def __str__(self) -> str:
        return self.title


class Evaluation(models.Model):
    """An effect evaluation of an intervention: treatment, comparison and buffer areas, the
    categories and the before and after periods; the stored result of the computation with
    the data version it was computed on."""

    intervention = models.ForeignKey(
        Intervention,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("insats"),
    )
    treatment_districts = models.ManyToManyField(
        "places.District", related_name="+", verbose_name=_("insatsområden")
    )
    comparison_districts = models.ManyToManyField(
        "places.District", related_name="+", verbose_name=_("jämförelseområden")
    )
    buffer_districts = models.ManyToManyField(
        "places.District", blank=True, related_name="+", verbose_name=_("buffertområden")
    )
    categories = models.ManyToManyField(
        "incidents.Category", related_name="+", verbose_name=_("kategorier")
    )
    before_from = models.DateField(_("före: från"))
    before_to = models.DateField(_("före: till"))
    after_from = models.DateField(_("efter: från"))
    after_to = models.DateField(_("efter: till"))
    result = models.JSONField(_("resultat"), null=True, blank=True)
    data_version = models.CharField(_("dataversion"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("beräknad"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["intervention", "-created_at"]
        verbose_name = _("utvärdering")
        verbose_name_plural = _("utvärderingar")

    def __str__(self) -> str:
        return _("Utvärdering av %(intervention)s") % {"intervention": self.intervention}


class Promise(models.Model):
    """A medborgarlöfte of an agreement for a year, and what it aims at."""

    class Owners(models.TextChoices):
        MUNICIPALITY = "kommun", _("Kommunen")
        POLICE = "polis", _("Polisen")
        BOTH = "bada", _("Båda")

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="prevention_promises",
        verbose_name=_("överenskommelse"),
    )
    year = models.PositiveSmallIntegerField(_("år"))
    text = models.TextField(_("löfte"))
    owners = models.CharField(
        _("vem lovar"), max_length=10, choices=Owners.choices, default=Owners.BOTH
    )
    target = models.TextField(_("mål"), blank=True)
    target_value = models.DecimalField(
        _("målvärde"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_unit = models.CharField(_("enhet"), max_length=50, blank=True)
    dialogue_link = models.CharField(
        _("medborgardialog (länk eller text)"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["agreement", "-year", "pk"]
        verbose_name = _("medborgarlöfte")
        verbose_name_plural = _("medborgarlöften")

    def __str__(self) -> str:
        return f"{self.year}: {self.text[:80]}"


class PromiseFollowUp(models.Model):
    """One follow-up of a promise: the period, the value reached, a comment."""

    promise = models.ForeignKey(
        Promise, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("löfte")
    )
    period_label = models.CharField(_("period"), max_length=50)
    value = models.DecimalField(_("värde"), max_digits=12, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["promise", "period_label", "pk"]
        verbose_name = _("uppföljning av medborgarlöfte")
        verbose_name_plural = _("uppföljningar av medborgarlöften")

    def __str__(self) -> str:
        return f"{self.promise.year} {self.period_label}"
