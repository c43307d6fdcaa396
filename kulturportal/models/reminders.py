"""One reminder to the missing of a board, a day at most (kulturportal/boards.py)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DailyReminderQuerySet(models.QuerySet):
    def about(self, obj):
        """The reminders sent for `obj` (a registration window, a round …), newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("sent_by")


class DailyReminder(models.Model):
    """A reminder sent to those a board lists as missing, for one thing they are asked for
    (a registration window, a referral round, a reporting round). The unique day makes
    "once a day" the database's promise, whoever presses the button at the same time."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    sent_on = models.DateField(_("datum"))
    sent_at = models.DateTimeField(_("skickad"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skickad av"),
    )
    recipients = models.PositiveIntegerField(_("mottagare"), default=0)

    objects = DailyReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "sent_on"], name="one_daily_reminder_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}: {self.sent_on}"
