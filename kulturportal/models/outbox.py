"""E-mail the portal sends (the outbox, kulturportal/emails.py) and receives
(kulturportal/inbound.py)."""

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kulturportal.models.base import TimestampedModel


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self):
        return self.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=timezone.now())

    def stale_claims(self, older_than: timedelta):
        return self.filter(
            status=OutgoingEmail.Status.SENDING, claimed_at__lt=timezone.now() - older_than
        )


class OutgoingEmail(TimestampedModel):
    """One e-mail to one recipient. A task claims the row before sending, so a retried or
    duplicated task sends nothing; only a worker killed between the server's acceptance and
    the row marked sent leaves it to go a second time (kulturportal/emails.py)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Köad")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickad")
        FAILED = "failed", _("Misslyckad")

    to = models.EmailField(_("mottagare"))
    subject = models.CharField(_("ämne"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    from_email = models.CharField(_("avsändare"), max_length=300, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    # An iCalendar invitation (text/calendar) and its iTIP method: REQUEST or CANCEL.
    calendar = models.TextField(blank=True)
    calendar_method = models.CharField(max_length=10, blank=True)
    # A caller that must never queue the same message twice names it here.
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)
    # Files to store with the row when it is queued (kulturportal.emails.attach); no column.
    pending_attachments: tuple = ()

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utgående e-post")
        verbose_name_plural = _("utgående e-post")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.to}: {self.subject}"


class InboundEmail(TimestampedModel):
    """A message the portal received (kulturportal/inbound.py): kept whole, whatever became
    of it, so nothing sent to the portal is ever lost."""

    class Outcome(models.TextChoices):
        RECEIVED = "received", _("Mottaget")
        APPLIED = "applied", _("Registrerat")
        FORWARDED = "forwarded", _("Vidarebefordrat")
        FAILED = "failed", _("Kunde inte hanteras")

    sender = models.CharField(_("avsändare"), max_length=300, blank=True)
    recipients = models.TextField(_("mottagare"), blank=True)
    subject = models.CharField(_("ämne"), max_length=300, blank=True)
    message_id = models.CharField(max_length=300, blank=True, db_index=True)
    raw = models.BinaryField()
    outcome = models.CharField(
        _("utfall"), max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    note = models.TextField(_("anteckning"), blank=True)
    forwarded_to = models.EmailField(_("vidarebefordrat till"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("inkommande e-post")
        verbose_name_plural = _("inkommande e-post")

    def __str__(self):
        return f"{self.sender}: {self.subject}"


class OutgoingAttachment(models.Model):
    """A file sent with an outbox e-mail (a receipt's PDF, say), stored with the row so it
    commits, and is sent or retried, together with it."""

    email = models.ForeignKey(OutgoingEmail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self):
        return self.filename
