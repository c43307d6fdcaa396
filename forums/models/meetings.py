"""Meetings: the forum, its sessions, agenda and documents."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models.networks import Network
from kulturportal.models import Municipality, Organisation, TimestampedModel


class ForumType(models.TextChoices):
    ANNUAL = "arlig", _("Årlig överläggning")
    SUB_REGIONAL = "delregional", _("Delregional överläggning")
    THEMATIC = "tematisk", _("Tematisk överläggning")
    INSTITUTIONS = "institutioner", _("Överläggning om samfinansierade kulturinstitutioner")
    BILATERAL = "bilateral", _("Bilateralt samtal")


class MeetingQuerySet(models.QuerySet):
    def public(self):
        return self.filter(
            is_public=True, status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]
        )

    def in_feed(self):
        """The public meetings, and those cancelled after they were announced: subscribed
        calendars must see a cancellation, not a meeting that silently vanished."""
        announced_and_cancelled = Q(status=Meeting.Status.CANCELLED, announced_at__isnull=False)
        return self.filter(
            Q(status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD]) | announced_and_cancelled,
            is_public=True,
        )

    def visible_to(self, user):
        from kulturportal.rules import may

        if may(user, "kulturportal.manage_portal"):
            return self
        return self.public()

    def for_listing(self):
        # A round is listed by its sessions' times: one query for all of them.
        return (
            self.select_related("network", "host_municipality__sub_region")
            .prefetch_related("sessions")
            .order_by("starts_at")
        )


class Meeting(TimestampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SCHEDULED = "scheduled", _("Planerad")
        HELD = "held", _("Genomförd")
        CANCELLED = "cancelled", _("Inställd")

    title = models.CharField(_("rubrik"), max_length=200)
    forum_type = models.CharField(
        _("överläggningsform"), max_length=20, choices=ForumType.choices, blank=True
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("nätverk"),
    )
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    place = models.CharField(_("plats"), max_length=300, blank=True)
    online_url = models.URLField(_("länk till digitalt möte"), blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    host_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
        verbose_name=_("värdkommun"),
    )
    institution = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institution_meetings",
        verbose_name=_("kulturinstitution"),
    )
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="organised_meetings",
        verbose_name=_("arrangör"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    is_public = models.BooleanField(
        _("visas för allmänheten"),
        default=True,
        help_text=_("Publika möten syns i kalendern och i prenumerationsflödena."),
    )
    capacity = models.PositiveIntegerField(
        _("max antal deltagare"),
        null=True,
        blank=True,
        help_text=_(
            "Lämna tomt om antalet inte är begränsat. När det är fullt hamnar nya "
            "anmälningar på en väntelista."
        ),
    )
    # The calendar identity: the UID never changes; SEQUENCE goes up with every change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    # When the meeting was first sent: a cancelled meeting that was never announced stays
    # out of the public calendar feeds, one that was stays in them as cancelled.
    announced_at = models.DateTimeField(_("utskickad"), null=True, blank=True, editable=False)
    # Raised by every save through the portal: a form based on an older version is refused.
    version = models.PositiveIntegerField(default=0, editable=False)
    reply_by = models.DateField(
        _("svara senast"),
        null=True,
        blank=True,
        help_text=_("Visas i inbjudan. Lämna tomt för att be om svar innan mötet börjar."),
    )
    # The official's note at the top of the invitation, written on the send page.
    cover_note = models.TextField(_("följebrev"), blank=True, max_length=2000)
    # Why it was cancelled, in the official's words: sent in the cancellation e-mail.
    cancellation_reason = models.TextField(_("anledning till att mötet ställs in"), blank=True)

    objects = MeetingQuerySet.as_manager()

    # What an official edits on the meeting form (and the history records).
    EDITABLE_FIELDS = [
        "title",
        "forum_type",
        "network",
        "starts_at",
        "ends_at",
        "place",
        "online_url",
        "description",
        "host_municipality",
        "institution",
        "is_public",
        "capacity",
        "reply_by",
    ]

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(network__isnull=True) & ~Q(forum_type=""))
                | (Q(network__isnull=False) & Q(forum_type="")),
                name="meeting_belongs_to_forum_or_network",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.SCHEDULED

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def get_absolute_url(self):
        return reverse("forums:meeting_detail", args=[self.pk])

    @property
    def calendar_uid(self) -> str:
        return f"{self.uid}@kulturportal.skane.se"

    def feed_uid(self, session=None) -> str:
        """Not the invitation's UID: an invitee who also subscribes must see two entries
        (or one updating the other) never; the feed's are its own events."""
        part = f"-{session.pk}" if session else ""
        return f"feed-{self.uid}{part}@kulturportal.skane.se"

    def kind_label(self) -> str:
        return self.get_forum_type_display() if self.forum_type else str(self.network)

    def is_sub_regional_round(self) -> bool:
        return self.forum_type == ForumType.SUB_REGIONAL

    def has_started(self) -> bool:
        """Attendance and minutes belong to a meeting that has begun."""
        return self.starts_at is not None and self.starts_at <= timezone.now()

    def offers_calendar_file(self) -> bool:
        """ "Lägg till i kalender" belongs to a meeting that is still to come: not a draft,
        not one cancelled, not one that has ended."""
        return self.status == self.Status.SCHEDULED and self.ends_at > timezone.now()

    def is_open_for_replies(self) -> bool:
        return self.status == self.Status.SCHEDULED and timezone.now() < self.replies_close_at()

    def replies_close_at(self):
        """A round takes replies until its last session starts: each session is chosen
        before it begins, not before the first one does."""
        starts = [session.starts_at for session in self.sessions.all()]
        return max(starts) if starts else self.starts_at

    def is_full(self) -> bool:
        if self.capacity is None:
            return False
        # The invitations' model by its relation: forums.models.invitations imports this module.
        accepted = self.invitations.model.Response.ACCEPTED
        coming = self.invitations.filter(response=accepted, waitlisted=False)
        return coming.count() >= self.capacity


class MeetingSession(TimestampedModel):
    """One of the four sessions of a sub-regional round; each invitee picks one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="sessions")
    town = models.CharField(_("ort"), max_length=100)
    place = models.CharField(_("plats"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("börjar"))
    ends_at = models.DateTimeField(_("slutar"))
    position = models.PositiveSmallIntegerField(default=0)
    # Raised each time the session moves: the feed's SEQUENCE of its event is the
    # meeting's plus this, so it rises whenever the session's time or place changes.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["position", "starts_at"]
        verbose_name = _("delmöte")
        verbose_name_plural = _("delmöten")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.town


class AgendaItem(TimestampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("punkt"), max_length=300)
    presenter = models.CharField(_("föredragande"), max_length=200, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("minuter"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("dagordningspunkt")
        verbose_name_plural = _("dagordning")

    def __str__(self):
        return self.title


def document_path(document, filename):
    return f"meetings/{document.meeting_id}/{uuid.uuid4().hex}/{filename}"


class MeetingDocument(TimestampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(_("fil"), upload_to=document_path)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("handling")
        verbose_name_plural = _("handlingar")

    def __str__(self):
        return self.title
