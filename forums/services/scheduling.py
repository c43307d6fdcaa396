"""A meeting planned, edited, sent and cancelled: one write path each, refused over someone
else's newer save, and a sent meeting whose calendar content changed is sent again to the
people it concerns."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forums.changes import Change, Span
from forums.models import (
    ForumType,
    Invitation,
    Meeting,
    MeetingDocument,
)
from forums.services.audience import Recipient, resolve_audience
from forums.services.delivery import send_version
from kulturportal import audit, search
from kulturportal.bulk import fit_text, insert_rows
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import normalise_address
from kulturportal.models import (
    AuditEntry,
)
from kulturportal.text import clean_name

audit.register_actions(
    {
        "meeting.created": gettext_lazy("Mötet skapat"),
        "meeting.changed": gettext_lazy("Mötet ändrat"),
        "meeting.scheduled": gettext_lazy("Inbjudan skickad"),
        "meeting.invited_more": gettext_lazy("Fler inbjudna"),
        "meeting.cancelled": gettext_lazy("Mötet inställt"),
        "document.uploaded": gettext_lazy("Handling uppladdad"),
    },
    details={
        "invitations_sent": gettext_lazy("Inbjudningar skickade"),
        "new_invitees": gettext_lazy("Nya inbjudna"),
        "updates_sent": gettext_lazy("Uppdaterade inbjudningar skickade"),
        "cancellations_sent": gettext_lazy("Avbokningar skickade"),
        "reason": gettext_lazy("Anledning"),
        "sessions_changed": gettext_lazy("Delmötena ändrade"),
        "agenda_changed": gettext_lazy("Dagordningen ändrad"),
        "title": gettext_lazy("Titel"),
        "file": gettext_lazy("Fil"),
    },
)


def validate_schedulable(meeting: Meeting, recipients: list[Recipient]) -> list[str]:
    problems = []
    if meeting.status in (Meeting.Status.CANCELLED, Meeting.Status.HELD):
        problems.append(_("Mötet är inställt eller redan hållet. Det går inte att bjuda in fler."))
    if meeting.starts_at <= timezone.now():
        problems.append(_("Mötet har redan börjat. Välj en tid i framtiden."))
    if meeting.forum_type == ForumType.SUB_REGIONAL and not meeting.sessions.exists():
        problems.append(_("En delregional överläggning behöver minst ett delmöte."))
    if meeting.forum_type == ForumType.INSTITUTIONS and not meeting.institution_id:
        problems.append(_("Välj vilken kulturinstitution överläggningen gäller."))
    if not recipients:
        problems.append(_("Målgruppen är tom. Lägg till minst en mottagare."))
    return problems


@transaction.atomic
def schedule_and_invite(*, meeting: Meeting, cover_note: str = "", actor) -> int:
    """Schedule a draft and invite its audience. Returns the number of invitations sent.

    The cover note, the official's own words, opens the invitation e-mail."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    recipients = resolve_audience(meeting)
    problems = validate_schedulable(meeting, recipients)
    if problems:
        raise ValidationError(problems)
    meeting.status = Meeting.Status.SCHEDULED
    meeting.announced_at = meeting.announced_at or timezone.now()
    meeting.cover_note = cover_note.strip()
    meeting.save(update_fields=["status", "announced_at", "cover_note", "updated_at"])
    _create_invitations(meeting, recipients)
    sent = send_version(meeting)
    audit.record(
        "meeting.scheduled",
        meeting,
        actor=actor,
        changes={"status": [Meeting.Status.DRAFT, Meeting.Status.SCHEDULED]},
        details={"invitations_sent": sent},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(meeting)
    return sent


@transaction.atomic
def invite_more(*, meeting: Meeting, cover_note: str = "", actor) -> int:
    """After the audience grew: invite those not yet invited, with the current version."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    recipients = resolve_audience(meeting)
    problems = validate_schedulable(meeting, recipients)
    if problems:
        raise ValidationError(problems)
    if cover_note.strip():
        meeting.cover_note = cover_note.strip()
        meeting.save(update_fields=["cover_note", "updated_at"])
    before = meeting.invitations.count()
    _create_invitations(meeting, recipients)
    sent = send_version(meeting)
    audit.record(
        "meeting.invited_more",
        meeting,
        actor=actor,
        details={"new_invitees": meeting.invitations.count() - before, "emails_queued": sent},
    )
    # bulk_create fires no signal: public pages listing the meeting by municipality change.
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(meeting)
    return sent


def _create_invitations(meeting: Meeting, recipients: list[Recipient]) -> None:
    """Those not yet invited. The meeting's row is locked (select_for_update) by both
    callers, so nobody else invites the same address meanwhile. A name is copied cut to
    the column (a 100-character first and last name make 201): one long name must never
    stop everyone's invitation. Names are cleaned as the sign-up form cleans them (an
    account may be older than that)."""
    invited = {normalise_address(e) for e in meeting.invitations.values_list("email", flat=True)}
    insert_rows(
        Invitation,
        [
            {
                "meeting_id": meeting.pk,
                "email": email,
                "name": fit_text(clean_name(r.name), Invitation, "name"),
                "user_id": r.user_id,
                "municipality_id": r.municipality_id,
                "organisation_id": r.organisation_id,
                "send_pending": True,  # the invitation is theirs to have: send_version
            }
            for r in recipients
            if (email := normalise_address(r.email)) not in invited
        ],
    )


# What an invitee's calendar shows of the meeting itself; a round's time and place are its
# sessions' (compared one by one in save_meeting), so only the rest counts for a round.
MEETING_FIELDS_IN_CALENDAR = {"starts_at", "ends_at", "place", "online_url", "title", "description"}


ROUND_FIELDS_IN_CALENDAR = {"online_url", "title", "description"}


AUDITED_FIELDS = [*Meeting.EDITABLE_FIELDS, "status"]


class StaleMeeting(Exception):
    """Someone saved the meeting after this form was opened; `entries` say what they did."""

    def __init__(self, current_version: int, entries: list[AuditEntry]):
        super().__init__(current_version)
        self.current_version = current_version
        self.entries = entries


@transaction.atomic
def save_meeting(
    *, form, sessions, agenda, base_version: int | None, notify: bool = True, actor
) -> int:
    """Save the meeting form with its sessions and agenda; one write path, audited.

    A form based on an older version than the stored one is refused (StaleMeeting), never
    saved over the other person's change. A sent meeting whose calendar content changed is
    sent again, unless the official chose no e-mail (a typo): to everyone when the meeting
    itself changed, and when only a session of a round moved, to that session's people and
    to those who have not chosen. Returns the number of updates queued.
    """
    meeting = form.instance
    creating = meeting.pk is None
    before: dict = {}
    sessions_before: dict = {}
    if not creating:
        _claim_version(meeting, base_version)
        stored = Meeting.objects.get(pk=meeting.pk)
        before = audit.snapshot(stored, AUDITED_FIELDS)
        sessions_before = _sessions_snapshot(stored)
        agenda_before = _agenda_snapshot(stored)
    changed = set(form.changed_data) - {"version", "notify"}
    meeting = form.save(commit=False)
    if creating:
        meeting.save()
    sessions.instance = agenda.instance = meeting
    # Whose session a deletion takes away, before SET_NULL forgets it.
    moved = _people_of_sessions(meeting, {f.instance.pk for f in sessions.deleted_forms})
    sessions.save()
    agenda.save()
    if meeting.forum_type == ForumType.SUB_REGIONAL and meeting.sessions.exists():
        _span_sessions(meeting)
    if not creating and _agenda_snapshot(meeting) != agenda_before:
        changed.add("agenda")
    session_changes = _session_changes(sessions_before, _sessions_snapshot(meeting))
    moved_sessions = [pk for pk in session_changes if pk]
    meeting.sessions.filter(pk__in=moved_sessions).update(revision=F("revision") + 1)
    sent = update_meeting(
        meeting=meeting,
        changed=changed,
        changes=_changes(before, meeting, changed),
        session_changes=session_changes,
        moved=moved,
        notify=notify,
    )
    audit.record(
        "meeting.created" if creating else "meeting.changed",
        meeting,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(meeting, AUDITED_FIELDS)),
        details={
            "version": meeting.version,
            "sessions_changed": bool(session_changes),
            "agenda_changed": "agenda" in changed,
            "updates_sent": sent,
            **({} if notify else {"no_email": True}),
        },
    )
    search.reindex_on_commit(meeting)
    return sent


def _sessions_snapshot(meeting: Meeting) -> dict[int, tuple]:
    return {s.pk: (s.town, s.place, s.starts_at, s.ends_at) for s in meeting.sessions.all()}


def _agenda_snapshot(meeting: Meeting) -> list[tuple]:
    return [(i.title, i.presenter, i.duration_minutes) for i in meeting.agenda_items.all()]


def _people_of_sessions(meeting: Meeting, session_ids: set) -> set[int]:
    session_ids = {pk for pk in session_ids if pk}
    if not session_ids:
        return set()
    return set(meeting.invitations.filter(session__in=session_ids).values_list("pk", flat=True))


def _session_changes(before: dict, after: dict) -> dict[int | None, list[Change]]:
    """Per session that moved (its pk) the changes its people are told; under None, a
    session added or taken away, which changes the choice everyone else has."""
    changes: dict[int | None, list[Change]] = {}
    if not before:
        return changes
    for pk, old in before.items():
        new = after.get(pk)
        if new is None:
            changes.setdefault(None, []).append(
                Change(gettext_lazy("Delmöte"), _span(old), gettext_lazy("inställt"))
            )
        elif new != old:
            changes[pk] = [Change(gettext_lazy("Delmöte"), _span(old), _span(new))]
    for pk, new in after.items():
        if pk not in before:
            changes.setdefault(None, []).append(
                Change(gettext_lazy("Nytt delmöte"), "", _span(new))
            )
    return changes


def _span(snapshot: tuple) -> Span:
    town, place, starts_at, ends_at = snapshot
    return Span(starts_at, ends_at, town, place)


def _moment(value: str) -> datetime:
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError(value)
    return moment


CHANGE_LABELS = {
    "title": gettext_lazy("Rubrik"),
    "place": gettext_lazy("Plats"),
    "online_url": gettext_lazy("Digitalt möte"),
    "description": gettext_lazy("Beskrivning"),
}


def _changes(before: dict, meeting: Meeting, changed: set[str]) -> list[Change]:
    """Old → new of what the calendar shows, for the update e-mail."""
    if not before:
        return []
    changes = []
    if {"starts_at", "ends_at"} & changed and not meeting.is_sub_regional_round():
        old = Span(_moment(before["starts_at"]), _moment(before["ends_at"]))
        changes.append(Change(gettext_lazy("Tid"), old, Span(meeting.starts_at, meeting.ends_at)))
    for field, label in CHANGE_LABELS.items():
        if field in changed and not (field == "place" and meeting.is_sub_regional_round()):
            changes.append(Change(label, before.get(field) or "–", getattr(meeting, field) or "–"))
    if "agenda" in changed:
        changes.append(Change(gettext_lazy("Dagordning"), "", gettext_lazy("ändrad, se nedan")))
    return changes


def _claim_version(meeting: Meeting, base_version: int | None) -> None:
    claimed = Meeting.objects.filter(pk=meeting.pk, version=base_version or 0).update(
        version=F("version") + 1
    )
    if claimed != 1:
        current = Meeting.objects.get(pk=meeting.pk).version
        since = [
            e
            for e in AuditEntry.objects.about(meeting)[:50]
            if (e.details or {}).get("version", 0) > (base_version or 0)
        ]
        raise StaleMeeting(current, since)


def _span_sessions(meeting: Meeting) -> None:
    """A round runs from its first session's start to its last session's end."""
    sessions = list(meeting.sessions.all())
    meeting.starts_at = min(s.starts_at for s in sessions)
    meeting.ends_at = max(s.ends_at for s in sessions)


@transaction.atomic
def update_meeting(
    *,
    meeting: Meeting,
    changed: set[str],
    changes: list[Change] | None = None,
    session_changes: dict | None = None,
    moved: set[int] | None = None,
    notify: bool = True,
) -> int:
    """Save an edited meeting; a sent one whose calendar content changed is sent again."""
    # Status, sequence and version are the database's, never a stale copy's.
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    meeting.status, meeting.sequence = current.status, current.sequence
    meeting.version = current.version
    fields = (
        ROUND_FIELDS_IN_CALENDAR
        if meeting.is_sub_regional_round()
        else (MEETING_FIELDS_IN_CALENDAR)
    )
    meeting_changed = bool(changed & (fields | {"agenda"}))
    sending = meeting.status == Meeting.Status.SCHEDULED and notify
    if sending and meeting_changed:
        meeting.sequence += 1
    meeting.save()
    invalidate_public_pages_on_commit()
    if not sending:
        return 0
    session_changes = session_changes or {}
    if meeting_changed:
        # Everyone's calendar changes; each is told the session changes that are theirs.
        return send_version(meeting, changes=changes or [], session_changes=session_changes)
    if session_changes:
        return _send_session_updates(meeting, session_changes, moved or set())
    return 0


def _send_session_updates(meeting: Meeting, session_changes: dict, moved: set[int]) -> int:
    """A session moved, or one was added or taken away: only the people it concerns get a
    new revision of their own entry (and an e-mail saying what changed)."""
    # Those who have not chosen hold every session in their provisional entry.
    concerned = (
        Q(session__in=[pk for pk in session_changes if pk])
        | Q(pk__in=moved)
        | (Q(session__isnull=True) & ~Q(response=Invitation.Response.DECLINED))
    )
    invitations = meeting.invitations.filter(concerned)
    invitations.update(revision=F("revision") + 1)
    return send_version(
        meeting,
        only=list(invitations.values_list("pk", flat=True)),
        changes=[],
        session_changes=session_changes,
    )


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, reason: str = "", actor) -> int:
    """Cancel the meeting; a sent one's invitees each get a cancellation of the entry they
    hold, with the official's `reason` in the e-mail. Returns how many are sent."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    was_scheduled = meeting.status == Meeting.Status.SCHEDULED
    previous = meeting.status
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancellation_reason = reason.strip()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancellation_reason", "sequence", "updated_at"])
    sent = send_version(meeting) if was_scheduled else 0
    audit.record(
        "meeting.cancelled",
        meeting,
        actor=actor,
        changes={"status": [previous, Meeting.Status.CANCELLED]},
        details={"cancellations_sent": sent, "reason": meeting.cancellation_reason},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(meeting)
    return sent


def notification_summary(meeting: Meeting) -> dict:
    """Who an update of the meeting reaches, for the meeting form to say before saving."""
    invitations = meeting.invitations.all()
    if meeting.is_sub_regional_round():
        invitations = invitations.exclude(response=Invitation.Response.DECLINED)
    counts = dict(
        invitations.values_list("response").annotate(n=Count("pk")).values_list("response", "n")
    )
    return {
        "total": sum(counts.values()),
        "coming": counts.get(Invitation.Response.ACCEPTED, 0),
        "unanswered": counts.get(Invitation.Response.NEEDS_ACTION, 0),
        "maybe": counts.get(Invitation.Response.TENTATIVE, 0),
        "declined": counts.get(Invitation.Response.DECLINED, 0),
    }


@transaction.atomic
def upload_document(*, meeting: Meeting, title: str, upload, actor) -> MeetingDocument:
    """`upload` has been through the core upload service (kulturportal.uploads)."""
    document = MeetingDocument(
        meeting=meeting,
        title=title,
        content_type=upload.content_type_checked,
        size=upload.size,
    )
    document.file.save(upload.name, upload, save=True)
    audit.record(
        "document.uploaded",
        meeting,
        actor=actor,
        details={"title": title, "file": upload.name, "bytes": upload.size},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(meeting)
    return document
