"""A meeting's minutes and their adjustment by the chosen adjusters."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forums.models.meetings import Meeting, document_path
from kulturportal.models import TimestampedModel


class Minutes(TimestampedModel):
    """Minnesanteckningar: written or uploaded, approved by adjusters, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        IN_REVIEW = "review", _("Hos justerare")
        PUBLISHED = "published", _("Publicerade")

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("anteckningar"), blank=True)
    file = models.FileField(_("PDF"), upload_to=document_path, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    adjusters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Adjustment", blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minnesanteckningar")
        verbose_name_plural = _("minnesanteckningar")


class AdjustmentQuerySet(models.QuerySet):
    def waiting_for(self, user):
        """The minutes this person is to read and approve now, for Min sida."""
        return (
            self.filter(
                adjuster=user, approved_at__isnull=True, minutes__status=Minutes.Status.IN_REVIEW
            )
            .select_related("minutes__meeting")
            .order_by("minutes__meeting__starts_at")
        )


class Adjustment(TimestampedModel):
    """One adjuster's part: approved, or changes asked for with a comment."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="adjustments")
    adjuster = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    approved_at = models.DateTimeField(_("godkände"), null=True, blank=True)
    changes_requested_at = models.DateTimeField(_("bad om ändringar"), null=True, blank=True)
    comment = models.TextField(_("vad som behöver ändras"), blank=True, max_length=2000)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["minutes", "adjuster"], name="one_adjustment_each"),
        ]
