"""The collaboration inventory: every collaboration between the parties beyond the agreement."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Collaboration(models.Model):
    """A collaboration between the municipality and the police outside the agreement itself
    (sociala insatsgrupper, SMADIT, ...)."""

    agreement = models.ForeignKey(
        "plans.Agreement",
        on_delete=models.CASCADE,
        related_name="collaborations",
        verbose_name=_("överenskommelse"),
    )
    name = models.CharField(_("namn"), max_length=300)

    class Meta:
        ordering = ["agreement", "name"]
        verbose_name = _("samverkan")
        verbose_name_plural = _("samverkansformer")

    def __str__(self) -> str:
        return self.name
