"""After the meeting: who attended, and the minutes (minnesanteckningar), saved, sent to the
adjusters, approved and published."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from forums.models import (
    Adjustment,
    Invitation,
    Meeting,
    Minutes,
)
from forums.services.audience import Recipient, resolve_people
from forums.services.delivery import language_of
from kulturportal import audit, search
from kulturportal.bulk import fit_text
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import (
    normalise_address,
    queue_emails,
    templated_email,
)
from kulturportal.models import (
    User,
)
from kulturportal.text import clean_name

audit.register_actions(
    {
        "meeting.attendance": gettext_lazy("Närvaro registrerad"),
        "meeting.walk_in": gettext_lazy("Deltagare tillagd på plats"),
        "minutes.saved": gettext_lazy("Minnesanteckningar sparade"),
        "minutes.sent_for_review": gettext_lazy("Minnesanteckningar skickade för justering"),
        "minutes.approved": gettext_lazy("Minnesanteckningar justerade"),
        "minutes.changes_requested": gettext_lazy("Justeraren bad om ändringar"),
        "minutes.published": gettext_lazy("Minnesanteckningar publicerade"),
    },
    details={
        "present": gettext_lazy("Närvarande"),
        "adjusters": gettext_lazy("Justerare"),
        "walk_in": gettext_lazy("utan inbjudan"),
        "comment": gettext_lazy("Kommentar"),
    },
)


class NotStarted(Exception):
    """Attendance and minutes wait until the meeting has begun."""


@transaction.atomic
def mark_attendance(*, meeting: Meeting, present_ids: set[int], actor) -> None:
    if not meeting.has_started():
        raise NotStarted
    meeting.invitations.update(attended=False)
    present = meeting.invitations.filter(pk__in=present_ids).update(attended=True)
    changes = _mark_held(meeting)
    audit.record(
        "meeting.attendance", meeting, actor=actor, changes=changes, details={"present": present}
    )
    search.reindex_on_commit(meeting)


@transaction.atomic
def add_walk_in(*, meeting: Meeting, name: str, email: str, municipality=None, actor) -> Invitation:
    """Someone who came without an invitation (or with one: then only marked present),
    added at the door. They are sent nothing now; the minutes reach them when published.
    Their municipality is their role's if the address is an account's, else the one
    the official chose."""
    if not meeting.has_started():
        raise NotStarted
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    address = normalise_address(email)
    invitation = next(
        (i for i in meeting.invitations.all() if normalise_address(i.email) == address), None
    )
    if invitation is None:
        account = (
            EmailAddress.objects.filter(email__iexact=address, verified=True, user__is_active=True)
            .select_related("user")
            .first()
        )
        (placed,) = resolve_people([Recipient(email=address, user_id=account and account.user_id)])
        invitation = Invitation.objects.create(
            meeting=meeting,
            email=address,
            name=fit_text(clean_name(name), Invitation, "name"),
            user=account.user if account else None,
            municipality_id=placed.municipality_id or (municipality.pk if municipality else None),
            response=Invitation.Response.ACCEPTED,
            responded_at=timezone.now(),
            walk_in=True,
        )
    invitation.attended = True
    invitation.save(update_fields=["attended", "updated_at"])
    _mark_held(meeting)
    audit.record(
        "meeting.walk_in",
        meeting,
        actor=actor,
        details={"invitee": address, "walk_in": invitation.walk_in},
    )
    return invitation


def _mark_held(meeting: Meeting) -> dict:
    """A scheduled meeting whose attendance is taken has been held."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at > timezone.now():
        return {}
    changes = {"status": [meeting.status, Meeting.Status.HELD]}
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status", "updated_at"])
    invalidate_public_pages_on_commit()
    return changes


@transaction.atomic
def send_minutes_for_review(*, minutes: Minutes, adjusters: list[User], actor) -> None:
    minutes.status = Minutes.Status.IN_REVIEW
    minutes.save(update_fields=["status", "updated_at"])
    audit.record(
        "minutes.sent_for_review",
        minutes.meeting,
        actor=actor,
        details={"adjusters": [a.email for a in adjusters]},
    )
    minutes.adjustments.exclude(adjuster__in=adjusters).delete()
    for adjuster in adjusters:
        Adjustment.objects.get_or_create(minutes=minutes, adjuster=adjuster)
    # What is sent is a new text to read: every adjuster approves it afresh.
    minutes.adjustments.update(approved_at=None, changes_requested_at=None, comment="")
    emails = []
    for adjuster in adjusters:
        emails.append(
            templated_email(
                to=adjuster.email,
                name="forums/emails/minutes_review",
                context={"meeting": minutes.meeting, "site_url": settings.SITE_URL},
                language=adjuster.preferred_language,
                dedupe_key=f"minutes-review:{minutes.pk}:{adjuster.pk}:"
                f"{minutes.updated_at.timestamp()}",
            )
        )
    queue_emails(emails)


@transaction.atomic
def approve_minutes(*, minutes: Minutes, actor: User) -> bool:
    """Record the approval of `actor`, an adjuster; publishes when every adjuster has
    approved."""
    Adjustment.objects.filter(minutes=minutes, adjuster=actor).update(approved_at=timezone.now())
    audit.record("minutes.approved", minutes.meeting, actor=actor)
    if not minutes.adjustments.filter(approved_at__isnull=True).exists():
        publish_minutes(minutes=minutes, actor=actor)
        return True
    return False


@transaction.atomic
def request_minutes_changes(*, minutes: Minutes, comment: str, actor: User) -> None:
    """An adjuster (`actor`) asks for changes: the minutes go back to the official as a
    draft, with the comment, e-mailed to the meeting's organiser."""
    minutes = (
        Minutes.objects.select_for_update().select_related("meeting__organiser").get(pk=minutes.pk)
    )
    Adjustment.objects.filter(minutes=minutes, adjuster=actor).update(
        approved_at=None, changes_requested_at=timezone.now(), comment=comment
    )
    minutes.status = Minutes.Status.DRAFT
    minutes.save(update_fields=["status", "updated_at"])
    meeting = minutes.meeting
    audit.record(
        "minutes.changes_requested",
        meeting,
        actor=actor,
        changes={"status": [Minutes.Status.IN_REVIEW, Minutes.Status.DRAFT]},
        details={"comment": comment},
    )
    organiser = meeting.organiser
    queue_emails(
        [
            templated_email(
                to=organiser.email,
                name="forums/emails/minutes_changes_requested",
                context={
                    "meeting": meeting,
                    "adjuster": actor,
                    "comment": comment,
                    "site_url": settings.SITE_URL,
                },
                language=organiser.preferred_language,
                dedupe_key=f"minutes-changes:{minutes.pk}:{actor.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
            )
        ]
    )


@transaction.atomic
def publish_minutes(*, minutes: Minutes, actor) -> int:
    minutes.status = Minutes.Status.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["status", "published_at", "updated_at"])
    meeting = minutes.meeting
    audit.record("minutes.published", meeting, actor=actor)
    invalidate_public_pages_on_commit()
    emails = []
    for invitation in meeting.invitations.select_related("user"):
        emails.append(
            templated_email(
                to=invitation.email,
                name="forums/emails/minutes_published",
                context={"meeting": meeting, "site_url": settings.SITE_URL},
                language=language_of(invitation),
                dedupe_key=f"minutes:{minutes.pk}:{invitation.email}",
            )
        )
    queue_emails(emails)
    search.reindex_on_commit(meeting)
    return len(emails)


@transaction.atomic
def save_minutes(*, form, actor) -> Minutes:
    """Save the minutes' text or file; publishing or review is a separate step."""
    if not form.instance.meeting.has_started():
        raise NotStarted
    minutes = form.save()
    audit.record("minutes.saved", minutes.meeting, actor=actor, changes=_form_changes(form))
    return minutes


def _form_changes(form) -> dict:
    return {
        name: [audit.jsonable(form.initial.get(name)), audit.jsonable(form.cleaned_data.get(name))]
        for name in form.changed_data
        if name in form.cleaned_data and name != "file"
    }
