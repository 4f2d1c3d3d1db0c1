from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from samverkan.core.models import Classification


class Document(models.Model):
    """A generated document: what was asked for (kind, agreement, parameters, format), how far
    the worker has come, and once done the file in the data directory.

    The content is what the person who asked may see (it is built with their access), so the
    document carries that content's classification; a begränsad document is seen only within
    the asking organisation's tree. A decided document (the one the styrgrupp adopted) never
    changes and is never deleted.
    """

    class Kind(models.TextChoices):
        PLAN = "verksamhetsplan", _("Verksamhetsplan")
        EST_WEEK = "est-vecka", _("EST-veckan")
        FOLLOW_UP = "uppfoljning", _("Uppföljning")
        AGENDA = "dagordning", _("Dagordning")
        MINUTES = "protokoll", _("Protokoll")

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (DOCX)"
        XLSX = "xlsx", "Excel (XLSX)"

    class Status(models.TextChoices):
        QUEUED = "i_ko", _("I kö")
        RUNNING = "pagar", _("Skapas")
        DONE = "klar", _("Klar")
        FAILED = "misslyckad", _("Misslyckades")

    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("överenskommelse"),
    )
    parameters = models.JSONField(_("parametrar"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    title = models.CharField(_("rubrik"), max_length=300, blank=True)
    data_version = models.CharField(_("dataversion"), max_length=64, blank=True)
    classification = models.CharField(
        _("klassning"),
        max_length=20,
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    message = models.TextField(_("meddelande"), blank=True)
    progress = models.PositiveSmallIntegerField(_("förlopp (%)"), default=0)
    file_name = models.CharField(_("fil"), max_length=300, blank=True)
    file_size = models.PositiveIntegerField(_("storlek (byte)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("beställd av"),
    )
    created_at = models.DateTimeField(_("beställd"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    decided = models.BooleanField(_("beslutat"), default=False)
    decided_at = models.DateTimeField(_("beslutat den"), null=True, blank=True)
    decision = models.OneToOneField(
        "organisations.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_document",
        verbose_name=_("beslut"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="document_progress_is_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(decided=True) | models.Q(status="klar"),
                name="decided_document_is_done",
            ),
        ]
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} ({self.format})"

    def save(self, *args, **kwargs) -> None:
        if self._stored_decided():
            raise ValidationError(gettext("Ett beslutat dokument kan inte ändras."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_decided():
            raise ValidationError(gettext("Ett beslutat dokument kan inte tas bort."))
        return super().delete(*args, **kwargs)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def _stored_decided(self) -> bool:
        return self.pk is not None and type(self).objects.filter(pk=self.pk, decided=True).exists()
