"""Import runs: one record per file or fetch, whatever is imported (incident reports,
Polisen events, indicator observations), with every row-level problem kept so the user can
open the run and see exactly which row failed and why.

An importer writes its rows atomically per batch and records the run outside that
transaction, so a failed batch leaves no half-written data but the run and its problems stay.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samverkan.imports.values import swedish_time


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "pagar", _("Pågår")
        OK = "klar", _("Klar")
        WITH_PROBLEMS = "problem", _("Klar med problem")
        FAILED = "misslyckad", _("Misslyckad")

    # What is imported and from where, e.g. kind "incidents", source "polisen" / "csv".
    kind = models.CharField(_("vad"), max_length=40)
    source = models.CharField(_("källa"), max_length=40)
    filename = models.CharField(_("fil eller adress"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("startad av"),
    )
    started_at = models.DateTimeField(_("startad"), auto_now_add=True)
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    rows_total = models.PositiveIntegerField(_("rader"), default=0)
    created = models.PositiveIntegerField(_("nya"), default=0)
    updated = models.PositiveIntegerField(_("uppdaterade"), default=0)
    unchanged = models.PositiveIntegerField(_("oförändrade"), default=0)
    skipped = models.PositiveIntegerField(_("överhoppade"), default=0)
    failed = models.PositiveIntegerField(_("felaktiga"), default=0)
    message = models.TextField(_("meddelande"), blank=True)
    # Free details of the importer (e.g. the mapping used, the request parameters).
    details = models.JSONField(_("detaljer"), default=dict, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("importkörning")
        verbose_name_plural = _("importkörningar")

    def __str__(self) -> str:
        started = swedish_time(self.started_at) if self.started_at else ""
        return f"{self.kind}/{self.source} {started}".strip()


class ImportProblem(models.Model):
    """One row-level problem: which row, which field, what value, and why (in Swedish)."""

    run = models.ForeignKey(
        ImportRun, on_delete=models.CASCADE, related_name="problems", verbose_name=_("körning")
    )
    row = models.PositiveIntegerField(_("rad"), null=True, blank=True)
    field = models.CharField(_("fält"), max_length=100, blank=True)
    value = models.CharField(_("värde"), max_length=500, blank=True)
    message = models.TextField(_("problem"))

    class Meta:
        ordering = ["row", "pk"]
        verbose_name = _("importproblem")
        verbose_name_plural = _("importproblem")

    def __str__(self) -> str:
        return f"rad {self.row}: {self.message}"


class ColumnMapping(models.Model):
    """A saved column mapping per source, so the next file of the same layout needs no work.

    `mapping` maps a target field to a column header of the file, e.g.
    {"occurred_from": "Datum", "category": "Typ", "lat": "N", "lon": "E"}; `options` holds
    the file's conventions (date format, coordinate system, decimal separator, encoding).
    """

    kind = models.CharField(_("vad"), max_length=40)
    name = models.CharField(_("namn"), max_length=100)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="column_mappings",
        verbose_name=_("organisation"),
    )
    mapping = models.JSONField(_("kolumner"), default=dict)
    options = models.JSONField(_("inställningar"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organisation", "name"], name="column_mapping_unique_name"
            )
        ]
        verbose_name = _("kolumnmappning")
        verbose_name_plural = _("kolumnmappningar")

    def __str__(self) -> str:
        return self.name
