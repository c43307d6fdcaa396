"""Who is invited to a meeting (the audience rules, each invitation) and what they answered."""

import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forums.models.meetings import Meeting, MeetingSession
from forums.models.networks import Network
from kulturportal.models import (
    FULL_NAME_MAX_LENGTH,
    Municipality,
    Organisation,
    SubRegion,
    TimestampedModel,
)


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
    name = models.CharField(_("namn"), max_length=FULL_NAME_MAX_LENGTH, blank=True)
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
