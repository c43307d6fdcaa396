"""Deliberations, networks and meetings: who is invited, what they answered, the minutes."""

import hashlib
import secrets
import uuid

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kulturportal.models import Municipality, Organisation, Role, SubRegion, TimestampedModel


class ForumType(models.TextChoices):
    ANNUAL = "arlig", _("Årlig överläggning")
    SUB_REGIONAL = "delregional", _("Delregional överläggning")
    THEMATIC = "tematisk", _("Tematisk överläggning")
    INSTITUTIONS = "institutioner", _("Överläggning om samfinansierade kulturinstitutioner")
    BILATERAL = "bilateral", _("Bilateralt samtal")


class NetworkQuerySet(models.QuerySet):
    def with_member_counts(self):
        return self.annotate(member_count=Count("memberships", distinct=True))

    def visible_to(self, user, *, official: bool):
        """The networks a person may see, in one query: all for an official; otherwise
        those whose role the person holds, or that list the person as an active member."""
        if official:
            return self
        if not user.is_authenticated:
            return self.none()
        roles = {assignment.role for assignment in user.active_roles}
        today = timezone.localdate()
        member_of = NetworkMembership.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today, user=user
        ).values("network")
        return self.filter(Q(member_role__in=roles) | Q(pk__in=member_of))


class Network(TimestampedModel):
    """A network of officials. Regional networks follow a role; thematic ones list members."""

    class Form(models.TextChoices):
        REGIONAL = "regional", _("Regionalt nätverk")
        THEMATIC = "thematic", _("Tematiskt nätverk")

    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn"), max_length=200, unique=True)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    description = models.TextField(_("beskrivning"), blank=True)
    member_role = models.CharField(
        _("medlemmar följer rollen"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_("Alla med rollen är medlemmar, till exempel alla kulturchefer."),
    )
    # A thematic network grows from the municipalities that share a development area.
    development_area = models.ForeignKey(
        "kulturplan.DevelopmentArea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="networks",
        verbose_name=_("utvecklingsområde"),
    )

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["form", "name"]
        verbose_name = _("nätverk")
        verbose_name_plural = pgettext_lazy("plural", "nätverk")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("forums:network_detail", args=[self.slug])


class NetworkMembershipQuerySet(models.QuerySet):
    def active(self):
        today = timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today)


class NetworkMembership(TimestampedModel):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="network_memberships"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    starts_on = models.DateField(_("mandat från"), default=timezone.localdate)
    ends_on = models.DateField(_("mandat till"), null=True, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("medlemskap i nätverk")
        verbose_name_plural = pgettext_lazy("plural", "medlemskap i nätverk")
        constraints = [
            models.UniqueConstraint(fields=["network", "user"], name="one_membership_per_network"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="network_mandate_ends_after_start",
            ),
        ]


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
        coming = self.invitations.filter(response=Invitation.Response.ACCEPTED, waitlisted=False)
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


class Audience(models.TextChoices):
    CULTURE_CHIEFS = "culture_chiefs", _("Alla kulturchefer")
    MUNICIPAL_POLITICIANS = "politicians", _("Kommunernas kulturpolitiker")
    NETWORK = "network", _("Ett nätverks medlemmar")
    BODY = "body", _("Ett områdeskollegiums medlemsorganisationer")
    CO_FINANCIERS = "co_financiers", _("En institutions medfinansierande kommuner")
    SKANES_KOMMUNER = "skanes_kommuner", _("Skånes Kommuner")
    REGIONAL_POLITICIANS = "regional_politicians", _("Regionala politiker (kulturnämnden)")
    PEOPLE = "people", _("Namngivna personer")
    EMAILS = "emails", _("Inklistrade e-postadresser")


class AudienceRule(TimestampedModel):
    """One rule of a meeting's audience; the invitees are the union of the rules."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="audience_rules")
    kind = models.CharField(_("målgrupp"), max_length=30, choices=Audience.choices)
    sub_regions = models.ManyToManyField(SubRegion, blank=True, verbose_name=_("delregioner"))
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("nätverk")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    people = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    emails = models.TextField(_("e-postadresser"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("målgruppsregel")
        verbose_name_plural = _("målgruppsregler")

    def __str__(self):
        # What the history shows: the kind, and the network or organisation it names.
        target = self.network or self.organisation
        return f"{self.get_kind_display()}: {target}" if target else self.get_kind_display()


class InvitationQuerySet(models.QuerySet):
    def upcoming_for(self, user):
        """A person's invitations to sent meetings that have not ended, for /min-sida/."""
        return (
            self.filter(user=user, meeting__ends_at__gte=timezone.now())
            .exclude(meeting__status=Meeting.Status.DRAFT)
            .select_related("meeting", "session")
            .prefetch_related("meeting__sessions")  # whether each still takes replies
            .order_by("meeting__starts_at")
        )

    def for_reply_list(self):
        return self.select_related(
            "user", "municipality", "organisation", "session", "last_email"
        ).order_by("municipality__name", "name", "email")


class Invitation(TimestampedModel):
    class Response(models.TextChoices):
        NEEDS_ACTION = "needs_action", _("Inte svarat")
        ACCEPTED = "accepted", _("Kommer")
        DECLINED = "declined", _("Kommer inte")
        TENTATIVE = "tentative", _("Kanske")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-postadress"))
    name = models.CharField(_("namn"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_invitations",
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=secrets.token_urlsafe)
    response = models.CharField(
        _("svar"), max_length=15, choices=Response.choices, default=Response.NEEDS_ACTION
    )
    session = models.ForeignKey(
        MeetingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("delmöte"),
    )
    dietary_needs = models.CharField(_("kost"), max_length=300, blank=True)
    access_needs = models.CharField(_("tillgänglighet"), max_length=300, blank=True)
    substitute_name = models.CharField(_("ersättare"), max_length=200, blank=True)
    substitute_email = models.EmailField(_("ersättarens e-post"), blank=True)
    # A note to the organiser: typed on the reply page, or written in the calendar's reply.
    comment = models.CharField(_("meddelande till arrangören"), max_length=500, blank=True)
    responded_at = models.DateTimeField(_("svarade"), null=True, blank=True)
    waitlisted = models.BooleanField(_("på väntelistan"), default=False)
    attended = models.BooleanField(_("närvarade"), null=True, blank=True)
    # Added at the door by the official: came without an invitation (and was sent none).
    walk_in = models.BooleanField(_("kom utan inbjudan"), default=False)
    # This person's own revisions of the calendar entry (a session chosen or changed, a
    # session of theirs moved): their SEQUENCE is the meeting's plus this, so it only rises.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # This version of the entry is yet to be rendered and sent (services.send_pending).
    send_pending = models.BooleanField(default=False, editable=False)
    last_email = models.ForeignKey(
        "kulturportal.OutgoingEmail",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "name"]
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="one_invitation_per_email"),
        ]
        indexes = [
            # The sweep's question, kept small: only the few rows still due are in it.
            models.Index(
                fields=["updated_at"],
                name="invitation_send_pending",
                condition=models.Q(send_pending=True),
            )
        ]

    def __str__(self):
        return f"{self.name or self.email}: {self.meeting}"

    # What an invitee answers on the reply page (the form's fields, the history's too).
    REPLY_FIELDS = [
        "response",
        "session",
        "dietary_needs",
        "access_needs",
        "substitute_name",
        "substitute_email",
        "comment",
    ]

    @property
    def has_replied(self) -> bool:
        return self.response != self.Response.NEEDS_ACTION

    @property
    def calendar_uid(self) -> str:
        """This person's own calendar event. Derived from the reply token, so an emailed
        REPLY naming it can only come from a copy of this person's invitation."""
        digest = hashlib.sha256(f"calendar:{self.token}".encode()).hexdigest()[:20]
        return f"{self.meeting.uid}-{digest}@kulturportal.skane.se"

    @property
    def calendar_sequence(self) -> int:
        return self.meeting.sequence + self.revision

    def reply_path(self) -> str:
        signed = signing.Signer(salt="forums.reply").sign(self.token)
        return reverse("forums:reply", args=[signed])

    @classmethod
    def token_from_signed(cls, signed: str) -> str:
        """Raises signing.BadSignature for a link that was tampered with."""
        return signing.Signer(salt="forums.reply").unsign(signed)


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
