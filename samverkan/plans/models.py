from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samverkan.core.models import Classification


class Agreement(models.Model):
    """A samverkansöverenskommelse, or an agreement that supplements one.

    A medborgarlöfte (citizen promise) is an agreement of its own kind that points to the
    main agreement it formalises at another level of the organisation.
    """

    class Kind(models.TextChoices):
        COLLABORATION = "samverkan", _("Samverkansöverenskommelse")
        CITIZEN_PROMISE = "medborgarlofte", _("Medborgarlöfte")
        SUPPLEMENT = "komplement", _("Kompletterande samverkansavtal")

    slug = models.SlugField(_("kortnamn"), max_length=80, unique=True)
    title = models.CharField(_("rubrik"), max_length=300)
    kind = models.CharField(
        _("typ"), max_length=20, choices=Kind.choices, default=Kind.COLLABORATION
    )
    main_agreement = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplements",
        verbose_name=_("huvudöverenskommelse"),
    )
    parties = models.ManyToManyField(
        "organisations.Organisation", related_name="agreements", verbose_name=_("parter")
    )
    start = models.DateField(_("gäller från"))
    end = models.DateField(_("gäller till"))
    overall_goal = models.TextField(_("övergripande mål"), blank=True)
    document_url = models.URLField(_("länk till överenskommelsen"), blank=True)
    public_page = models.BooleanField(
        _("öppen sida"),
        default=False,
        help_text=_(
            "Visa överenskommelsen, dess öppna planer och antal öppna händelserapporter utan "
            "inloggning på /oppet/<kortnamn>/, med små antal dolda."
        ),
    )

    class Meta:
        ordering = ["-start", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="agreement_end_after_start"
            )
        ]
        verbose_name = _("överenskommelse")
        verbose_name_plural = _("överenskommelser")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreement_detail", args=[self.pk])


class FollowUpPeriod(models.TextChoices):
    QUARTER = "kvartal", _("Kvartal")
    TERTIAL = "tertial", _("Tertial")
    HALF_YEAR = "halvar", _("Halvår")
    YEAR = "ar", _("År")


class Plan(models.Model):
    """A verksamhetsplan: the steering group's plan for a period, revised every year."""

    class Status(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        DECIDED = "faststalld", _("Fastställd")
        ARCHIVED = "arkiverad", _("Arkiverad")

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("rubrik"), max_length=300)
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    classification = models.CharField(
        _("klassning"),
        max_length=20,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    follow_up_period = models.CharField(
        _("uppföljningsperiod"), max_length=10, choices=FollowUpPeriod.choices
    )
    purpose = models.TextField(_("syfte"), blank=True)
    overall_goal = models.TextField(_("övergripande mål"), blank=True)
    decision = models.OneToOneField(
        "organisations.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_plan",
        verbose_name=_("beslut om fastställande"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision",
        verbose_name=_("reviderar"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_end_after_start",
            ),
            models.UniqueConstraint(fields=["agreement", "title"], name="plan_title_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="faststalld") | models.Q(decision__isnull=False),
                name="decided_plan_has_decision",
            ),
        ]
        verbose_name = _("verksamhetsplan")
        verbose_name_plural = _("verksamhetsplaner")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        if not self.follow_up_period:
            self.follow_up_period = settings.SAMVERKAN_FOLLOW_UP_PERIOD
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plan_detail", args=[self.pk])


class Section(models.Model):
    """A numbered section of the plan. "6.1" sits under "6"; the parent follows from the number."""

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", _("Organisation")
        SITUATION = "lagesbild", _("Lägesbild")
        COMMUNICATION = "kommunikation", _("Kommunikation och uppföljning")
        KNOWLEDGE = "kunskap", _("Kunskapsbaserat arbete")
        OVERVIEW = "helhetsbild", _("Helhetsbild")
        FOCUS_AREA = "fokusomrade", _("Fokusområde")
        OTHER = "ovrigt", _("Övrigt")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subsections"
    )
    number = models.CharField(_("nummer"), max_length=20)
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("rubrik"), max_length=300)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(_("beskrivning"), blank=True)
    problem_description = models.TextField(_("problembild"), blank=True)
    # A focus area's incident categories (slugs) for the annual lägesbild; empty: the default
    # by the title (lagesbild.focus.FOCUS_CATEGORIES).
    incident_categories = models.JSONField(_("händelsekategorier"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="section_number_unique")
        ]
        verbose_name = _("avsnitt")
        verbose_name_plural = _("avsnitt")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Scheduled(models.Model):
    """Tidplan: a due date, or continuous work, keeping the plan's own wording."""

    due_date = models.DateField(_("senast"), null=True, blank=True)
    continuous = models.BooleanField(_("löpande"), default=False)
    schedule_text = models.CharField(_("tidplan (ordalydelse)"), max_length=500, blank=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(continuous=True) & models.Q(due_date__isnull=False)),
                name="%(class)s_continuous_has_no_due_date",
            )
        ]


class Goal(Scheduled):
    """Mål; a Delmål is a goal with a parent."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="subgoals"
    )
    number = models.CharField(_("nummer"), max_length=20, blank=True)
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("mål"))
    history = HistoricalRecords()

    class Meta(Scheduled.Meta):
        ordering = ["section", "position"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")

    def __str__(self) -> str:
        label = f"Delmål {self.number}" if self.parent_id else "Mål"
        return f"{label}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("goal_detail", args=[self.pk])


class Commitment(Scheduled):
    """Åtagande with its Ansvar (organisations, groups, appointed persons) and Tidplan."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="commitments")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(_("åtagande"))
    responsible_organisations = models.ManyToManyField(
        "organisations.Organisation",
        blank=True,
        related_name="commitments",
        verbose_name=_("ansvariga organisationer"),
    )
    responsible_groups = models.ManyToManyField(
        "organisations.Group",
        blank=True,
        related_name="commitments",
        verbose_name=_("ansvariga grupper"),
    )
    responsible_persons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="commitments",
        verbose_name=_("utsedda tjänstepersoner"),
    )
    responsibility_text = models.TextField(_("ansvar (ordalydelse)"), blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    history = HistoricalRecords(m2m_fields=[responsible_organisations, responsible_groups])

    class Meta(Scheduled.Meta):
        ordering = ["section", "position"]
        verbose_name = _("åtagande")
        verbose_name_plural = _("åtaganden")

    def __str__(self) -> str:
        return f"{self.section.number}: {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("commitment_detail", args=[self.pk])


class CommunicationActivity(models.Model):
    """One line of the common communication plan: who is to hear what, through which
    channel, from whom and when. Target groups are kinds of audience (staff, politicians,
    residents, media, partners), never named people."""

    class Audience(models.TextChoices):
        STAFF = "personal", _("Parternas personal (internt)")
        POLITICIANS = "politiker", _("Förtroendevalda (internt)")
        RESIDENTS = "invanare", _("Invånare")
        MEDIA = "media", _("Media")
        PARTNERS = "partner", _("Samverkanspartner")

    class Channel(models.TextChoices):
        MEETING = "mote", _("Möte")
        INTRANET = "intranat", _("Intranät")
        WEBSITE = "webbplats", _("Webbplats")
        SOCIAL = "sociala-medier", _("Sociala medier")
        PRESS = "press", _("Pressmeddelande")
        MAIL = "e-post", _("E-post eller nyhetsbrev")
        DIALOGUE = "dialog", _("Medborgardialog")
        OTHER = "annat", _("Annat")

    class Status(models.TextChoices):
        PLANNED = "planerad", _("Planerad")
        DONE = "genomford", _("Genomförd")
        CANCELLED = "installd", _("Inställd")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="communication")
    audience = models.CharField(_("målgrupp"), max_length=20, choices=Audience.choices)
    message = models.TextField(_("budskap"), max_length=2000)
    channel = models.CharField(_("kanal"), max_length=20, choices=Channel.choices)
    owner_organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="communication",
        verbose_name=_("ansvarig organisation"),
    )
    when = models.DateField(_("när"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="communication",
        verbose_name=_("mål"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["when", "pk"]
        verbose_name = _("kommunikationsaktivitet")
        verbose_name_plural = _("kommunikationsplan")

    def __str__(self) -> str:
        return f"{self.when.isoformat()} {self.get_audience_display()}: {self.message[:60]}"


class FollowUpStatus(models.TextChoices):
    """One status model for every follow-up.

    Försenad is also derived: a commitment or goal past its due date whose latest
    follow-up is not klar or inställd counts as försenad whatever was reported.
    """

    NOT_STARTED = "ej_paborjad", _("Ej påbörjad")
    IN_PROGRESS = "pagar", _("Pågår")
    DONE = "klar", _("Klar")
    DELAYED = "forsenad", _("Försenad")
    CANCELLED = "installd", _("Inställd")


class FollowUp(models.Model):
    """Uppföljning of one commitment or one goal for one period (tertial by default)."""

    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    period_kind = models.CharField(_("periodtyp"), max_length=10, choices=FollowUpPeriod.choices)
    period_start = models.DateField(_("period från"))
    period_end = models.DateField(_("period till"))
    status = models.CharField(_("status"), max_length=20, choices=FollowUpStatus.choices)
    progress = models.PositiveSmallIntegerField(_("andel genomfört (%)"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    reported_at = models.DateTimeField(_("rapporterad"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_end", "-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commitment__isnull=False, goal__isnull=True)
                | models.Q(commitment__isnull=True, goal__isnull=False),
                name="follow_up_has_one_target",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True) | models.Q(progress__lte=100),
                name="follow_up_progress_is_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["commitment", "-period_end"], name="followup_commitment_latest"),
            models.Index(fields=["goal", "-period_end"], name="followup_goal_latest"),
        ]
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")

    def __str__(self) -> str:
        return f"{self.period_label}: {self.get_status_display()}"

    @property
    def period_label(self) -> str:
        from samverkan.plans.periods import period_label

        return period_label(self.period_kind, self.period_start)


class Reminder(models.Model):
    """An e-mail reminder sent to one person on one day.

    The record is what makes the daily job idempotent: a second run the same day, or a
    second worker running it at the same time, finds the row and sends nothing.
    """

    class Kind(models.TextChoices):
        # The kinds of core.mail.MAIL_KINDS.
        FOLLOW_UP = "uppfoljning", _("Uppföljning")
        EST_WEEK = "est-vecka", _("EST-veckan")
        FEEDBACK = "aterkoppling", _("Återkoppling")
        STEERING = "styrgrupp", _("Inför styrgruppens möte")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    day = models.DateField(_("dag"))
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    items = models.PositiveIntegerField(_("antal poster"), default=0)
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now)

    class Meta:
        ordering = ["-day", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "day", "kind"], name="reminder_once_per_person_and_day"
            )
        ]
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")

    def __str__(self) -> str:
        return f"{self.person} {self.day} ({self.get_kind_display()})"
