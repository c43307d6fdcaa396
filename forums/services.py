"""Workflows of the dialogue: schedule, invite, change, cancel, reply, remind, publish minutes.

Each owns its transaction. E-mail is written to the outbox in the same transaction as the
change that causes it, and sent by a task after commit.
"""

from copy import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forums import changes as change_codec
from forums import ical
from forums.changes import Change, Span
from forums.models import (
    Adjustment,
    Audience,
    AudienceRule,
    ForumType,
    Invitation,
    Meeting,
    MeetingDocument,
    MeetingSession,
    Minutes,
    Network,
    NetworkMembership,
)
from forums.pasted import parse_pasted
from kulturportal import audit
from kulturportal.bulk import insert_rows
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import (
    MailMerge,
    batches,
    deliver_batch,
    queue_emails,
    render_email,
    templated_email,
)
from kulturportal.models import (
    AuditEntry,
    OrganisationKind,
    OutgoingEmail,
    Role,
    RoleAssignment,
    User,
)

REMINDER_DAYS = (7, 1)

audit.register_actions(
    {
        "meeting.created": gettext_lazy("Mötet skapat"),
        "meeting.changed": gettext_lazy("Mötet ändrat"),
        "meeting.scheduled": gettext_lazy("Inbjudan skickad"),
        "meeting.invited_more": gettext_lazy("Fler inbjudna"),
        "meeting.cancelled": gettext_lazy("Mötet inställt"),
        "meeting.attendance": gettext_lazy("Närvaro registrerad"),
        "invitation.replied": gettext_lazy("Svar på inbjudan"),
        "invitation.resent": gettext_lazy("Inbjudan skickad igen"),
        "audience.added": gettext_lazy("Målgrupp tillagd"),
        "audience.removed": gettext_lazy("Målgrupp borttagen"),
        "document.uploaded": gettext_lazy("Handling uppladdad"),
        "minutes.saved": gettext_lazy("Minnesanteckningar sparade"),
        "minutes.sent_for_review": gettext_lazy("Minnesanteckningar skickade för justering"),
        "minutes.approved": gettext_lazy("Minnesanteckningar justerade"),
        "minutes.published": gettext_lazy("Minnesanteckningar publicerade"),
    },
    details={
        "invitations_sent": gettext_lazy("Inbjudningar skickade"),
        "new_invitees": gettext_lazy("Nya inbjudna"),
        "updates_sent": gettext_lazy("Uppdaterade inbjudningar skickade"),
        "cancellations_sent": gettext_lazy("Avbokningar skickade"),
        "sessions_changed": gettext_lazy("Delmötena ändrade"),
        "agenda_changed": gettext_lazy("Dagordningen ändrad"),
        "present": gettext_lazy("Närvarande"),
        "invitee": gettext_lazy("Inbjuden"),
        "to": gettext_lazy("Till"),
        "rule": gettext_lazy("Regel"),
        "title": gettext_lazy("Titel"),
        "file": gettext_lazy("Fil"),
        "adjusters": gettext_lazy("Justerare"),
    },
)


class ReplyRefused(Exception):
    """The reply cannot be taken; the message says why, for the person replying, and
    `field` names the form field it concerns (None: the reply as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    user_id: int | None = None
    municipality_id: int | None = None
    organisation_id: int | None = None
    sub_region_id: int | None = None


# --- Audience ---------------------------------------------------------------------------


def resolve_audience(meeting: Meeting) -> list[Recipient]:
    """The union of the meeting's audience rules, one recipient per e-mail address."""
    recipients: dict[str, Recipient] = {}
    rules = meeting.audience_rules.prefetch_related("sub_regions", "people").select_related(
        "network", "organisation"
    )
    politicians: list[Recipient] | None = None
    for rule in rules:
        if rule.kind == Audience.MUNICIPAL_POLITICIANS:
            # One query for every politicians' rule, however many sub-regions they name.
            if politicians is None:
                politicians = _people_with_roles([Role.MUNICIPAL_POLITICIAN], with_sub_region=True)
            regions = {r.pk for r in rule.sub_regions.all()}
            found = [p for p in politicians if not regions or p.sub_region_id in regions]
        else:
            found = _resolve_rule(rule)
        for recipient in found:
            recipients.setdefault(recipient.email.lower(), recipient)
    return sorted(recipients.values(), key=lambda r: (r.name.lower(), r.email))


def _people_with_roles(roles, *, with_sub_region: bool = False, **filters) -> list[Recipient]:
    assignments = (
        RoleAssignment.objects.active()
        .filter(role__in=roles, user__is_active=True, **filters)
        .select_related("user", *(["municipality"] if with_sub_region else []))
        .order_by("user__email")
    )
    return [
        Recipient(
            email=a.user.email,
            name=a.user.get_full_name(),
            user_id=a.user_id,
            municipality_id=a.municipality_id,
            organisation_id=a.organisation_id,
            sub_region_id=a.municipality.sub_region_id
            if with_sub_region and a.municipality
            else None,
        )
        for a in assignments
    ]


def _resolve_rule(rule) -> list[Recipient]:
    kind = rule.kind
    if kind == Audience.CULTURE_CHIEFS:
        return _people_with_roles([Role.CULTURE_CHIEF])
    if kind == Audience.MUNICIPAL_POLITICIANS:
        sub_regions = list(rule.sub_regions.all())
        if not sub_regions:
            return _people_with_roles([Role.MUNICIPAL_POLITICIAN])
        return _people_with_roles(
            [Role.MUNICIPAL_POLITICIAN], municipality__sub_region__in=sub_regions
        )
    if kind == Audience.REGIONAL_POLITICIANS:
        return _people_with_roles([Role.REGIONAL_POLITICIAN])
    if kind == Audience.NETWORK:
        return network_members(rule.network)
    if kind == Audience.BODY:
        members = rule.organisation.members.values("organisation")
        return _people_with_roles(
            [Role.ORGANISATION_REPRESENTATIVE],
            organisation__in=[
                *members.values_list("organisation", flat=True),
                rule.organisation_id,
            ],
        )
    if kind == Audience.CO_FINANCIERS:
        municipalities = rule.organisation.co_financing_municipalities.all()
        return _people_with_roles(
            [Role.CULTURE_CHIEF, Role.MUNICIPAL_POLITICIAN], municipality__in=municipalities
        )
    if kind == Audience.SKANES_KOMMUNER:
        return _people_with_roles(
            [Role.ORGANISATION_REPRESENTATIVE],
            organisation__kind=OrganisationKind.MUNICIPAL_ASSOCIATION,
        )
    if kind == Audience.PEOPLE:
        return [
            Recipient(email=u.email, name=u.get_full_name(), user_id=u.pk)
            for u in rule.people.all()
        ]
    if kind == Audience.EMAILS:
        return _pasted_recipients(parse_pasted(rule.emails)[0])
    raise ValueError(kind)


def _pasted_recipients(pairs: list[tuple[str, str]]) -> list[Recipient]:
    """Pasted addresses, with the names pasted beside them; one that is an account's
    verified address invites that account, so the meeting shows on the person's own page."""
    addresses = [address for _name, address in pairs]
    accounts = {
        address.email.lower(): address.user
        for address in EmailAddress.objects.filter(
            email__in=addresses, verified=True, user__is_active=True
        ).select_related("user")
    }
    return [
        Recipient(email=a, name=accounts[a].get_full_name() or name, user_id=accounts[a].pk)
        if a in accounts
        else Recipient(email=a, name=name)
        for name, a in pairs
    ]


def network_members(network) -> list[Recipient]:
    if network.member_role:
        return _people_with_roles([network.member_role])
    memberships = (
        NetworkMembership.objects.active()
        .filter(network=network, user__is_active=True)
        .select_related("user")
    )
    return [
        Recipient(
            email=m.user.email,
            name=m.user.get_full_name(),
            user_id=m.user_id,
            municipality_id=m.municipality_id,
        )
        for m in memberships
    ]


# --- Scheduling and invitations ---------------------------------------------------------


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
def schedule_and_invite(*, meeting: Meeting, cover_note: str = "") -> int:
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
    sent = _send_version(meeting)
    audit.record(
        "meeting.scheduled",
        meeting,
        changes={"status": [Meeting.Status.DRAFT, Meeting.Status.SCHEDULED]},
        details={"invitations_sent": sent},
    )
    invalidate_public_pages_on_commit()
    return sent


@transaction.atomic
def invite_more(*, meeting: Meeting, cover_note: str = "") -> int:
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
    sent = _send_version(meeting)
    audit.record(
        "meeting.invited_more",
        meeting,
        details={"new_invitees": meeting.invitations.count() - before, "emails_queued": sent},
    )
    # bulk_create fires no signal: public pages listing the meeting by municipality change.
    invalidate_public_pages_on_commit()
    return sent


def _create_invitations(meeting: Meeting, recipients: list[Recipient]) -> None:
    """Those not yet invited. The meeting's row is locked (select_for_update) by both
    callers, so nobody else invites the same address meanwhile."""
    invited = set(meeting.invitations.values_list("email", flat=True))
    insert_rows(
        Invitation,
        [
            {
                "meeting_id": meeting.pk,
                "email": email,
                "name": r.name,
                "user_id": r.user_id,
                "municipality_id": r.municipality_id,
                "organisation_id": r.organisation_id,
                "send_pending": True,  # the invitation is theirs to have: _send_version
            }
            for r in recipients
            if (email := r.email.lower()) not in invited
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
def save_meeting(*, form, sessions, agenda, base_version: int | None, notify: bool = True) -> int:
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
        changes=audit.diff(before, audit.snapshot(meeting, AUDITED_FIELDS)),
        details={
            "version": meeting.version,
            "sessions_changed": bool(session_changes),
            "agenda_changed": "agenda" in changed,
            "updates_sent": sent,
            **({} if notify else {"no_email": True}),
        },
    )
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
        return _send_version(meeting, changes=changes or [], session_changes=session_changes)
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
    return _send_version(
        meeting,
        only=list(invitations.values_list("pk", flat=True)),
        changes=[],
        session_changes=session_changes,
    )


@transaction.atomic
def cancel_meeting(*, meeting: Meeting) -> int:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    was_scheduled = meeting.status == Meeting.Status.SCHEDULED
    previous = meeting.status
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    sent = _send_version(meeting) if was_scheduled else 0
    audit.record(
        "meeting.cancelled",
        meeting,
        changes={"status": [previous, Meeting.Status.CANCELLED]},
        details={"cancellations_sent": sent},
    )
    invalidate_public_pages_on_commit()
    return sent


def _send_version(
    meeting: Meeting,
    *,
    only: list[int] | None = None,
    changes: list[Change] | None = None,
    session_changes: dict | None = None,
) -> int:
    """Mark this version of each invitee's entry as due, and hand the invitees to tasks in
    batches once the transaction commits: the tasks render and send (send_pending), so the
    official's request never waits for thousands of e-mails. Returns how many are due.

    A round's invitee who declined holds no entry (it was cancelled for them): they get
    no updates, and no cancellation of what they no longer have."""
    selected = meeting.invitations.all()
    if only is not None:
        selected = selected.filter(pk__in=only)
    if meeting.is_sub_regional_round():
        selected = selected.exclude(response=Invitation.Response.DECLINED)
    # updated_at too: the sweep hands on what has waited too long for its task. Those
    # just invited are pending already: updating thousands of rows costs more than COPY.
    selected.filter(send_pending=False).update(send_pending=True, updated_at=timezone.now())
    ids = list(selected.order_by("pk").values_list("pk", flat=True))
    told = {
        "changes": change_codec.to_json(changes or []),
        "session_changes": {
            str(pk or ""): change_codec.to_json(c) for pk, c in (session_changes or {}).items()
        },
    }

    def dispatch():
        from forums.tasks import send_meeting_version

        for batch in batches(ids):
            send_meeting_version.delay(meeting.pk, batch, told)

    # robust: a broker that is down must not break the request; the sweep sends it later.
    transaction.on_commit(dispatch, robust=True)
    return len(ids)


def send_pending(meeting_id: int, invitation_ids: list[int], told: dict | None = None) -> int:
    """Render the current version of these invitees' entries and send it: to each one still
    marked due, once (the dedupe key), however often this runs. Returns how many went.

    Rendered now, not when the change was saved: a later change already in the meeting is
    in the e-mail too, and its own task finds nothing left to send."""
    told = told or {}
    changes = change_codec.from_json(told.get("changes", []))
    session_changes = {
        int(pk) if pk else None: change_codec.from_json(c)
        for pk, c in told.get("session_changes", {}).items()
    }
    with transaction.atomic():
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None:
            return 0  # deleted since: its invitations went with it
        invitations = list(
            meeting.invitations.filter(pk__in=invitation_ids, send_pending=True)
            .select_for_update(skip_locked=True, of=("self",))  # another task has them
            .select_related("user", "municipality__sub_region", "session")
        )
        if meeting.is_sub_regional_round():
            due = [i for i in invitations if i.response != Invitation.Response.DECLINED]
        else:
            due = invitations
        method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
        context = _meeting_context(meeting)
        emails = _invitation_emails(
            due, context, method, changes=changes, session_changes=session_changes
        )
        emails = queue_emails(emails, dispatch=False)  # sent below, after the commit
        for invitation, email in zip(due, emails, strict=True):
            invitation.last_email = email
        for invitation in invitations:
            invitation.send_pending = False
        Invitation.objects.bulk_update(invitations, ["last_email", "send_pending"])
    return deliver_batch([email.pk for email in emails])


# Entries due for longer than this have lost their task (a broker down, a worker killed).
PENDING_GRACE = timedelta(minutes=10)


def send_overdue() -> int:
    """Hand on the entries whose task never ran; told no changes, they still bring each
    calendar up to date. Returns how many invitees were handed on."""
    overdue = Invitation.objects.filter(
        send_pending=True, updated_at__lt=timezone.now() - PENDING_GRACE
    )
    from forums.tasks import send_meeting_version

    by_meeting: dict[int, list[int]] = {}
    for meeting_id, pk in overdue.order_by("pk").values_list("meeting_id", "pk")[:20000]:
        by_meeting.setdefault(meeting_id, []).append(pk)
    for meeting_id, ids in by_meeting.items():
        for batch in batches(ids):
            send_meeting_version.delay(meeting_id, batch)
    return sum(len(ids) for ids in by_meeting.values())


def _changes_for(invitation: Invitation, session_changes: dict) -> list[Change]:
    if invitation.session_id:
        return session_changes.get(invitation.session_id, [])
    # Not chosen: every session's change is theirs to know.
    return [change for changes in session_changes.values() for change in changes]


def _meeting_context(meeting: Meeting) -> dict:
    # Prefetch once: the same agenda, sessions and documents go into every e-mail.
    meeting = (
        Meeting.objects.select_related("organiser")
        .prefetch_related("agenda_items", "sessions", "documents")
        .get(pk=meeting.pk)
    )
    return {
        "meeting": meeting,
        "site_url": settings.SITE_URL,
        "sessions": list(meeting.sessions.all()),
        "documents": list(meeting.documents.all()),
        "organiser": meeting.organiser,
        "reply_by": meeting.reply_by,
    }


def _invitation_email(
    invitation: Invitation,
    context: dict,
    method: str,
    *,
    changes: list[Change] | None = None,
    cover_note: str | None = None,
    language: str | None = None,
) -> OutgoingEmail:
    (email,) = _invitation_emails(
        [invitation],
        context,
        method,
        changes=changes,
        cover_note=cover_note,
        language=language,
    )
    return email


def _invitation_emails(
    invitations: list[Invitation],
    context: dict,
    method: str,
    *,
    changes: list[Change] | None = None,
    session_changes: dict | None = None,
    cover_note: str | None = None,
    language: str | None = None,
) -> list[OutgoingEmail]:
    """Each invitee's e-mail with their own calendar entry. Those who get the same e-mail
    but for their name and link (the same kind, language and session) share one
    rendering (MailMerge): a batch of 200 renders a few times, not 200."""
    meeting = context["meeting"]
    merge = MailMerge("name", "reply_url")
    rendered: dict[tuple, tuple[str, str, str]] = {}
    for invitation in invitations:
        invitation.meeting = meeting
    readers = [language or _language(invitation) for invitation in invitations]
    calendars = ical.invitation_calendars(invitations, method=method, languages=readers)
    emails = []
    for invitation, reader, calendar in zip(invitations, readers, calendars, strict=True):
        name = _invitation_template(invitation, method)
        session = ical.chosen_session(invitation)
        key = (name, reader, session.pk if session else None, bool(invitation.name))
        if key not in rendered:
            stand_in = copy(invitation)
            stand_in.name = merge["name"] if invitation.name else ""
            told = [*(changes or []), *_changes_for(invitation, session_changes or {})]
            rendered[key] = render_email(
                name,
                {
                    **context,
                    "invitation": stand_in,
                    "session": session,
                    "changes": told,
                    "cover_note": meeting.cover_note if cover_note is None else cover_note,
                    "reply_url": merge["reply_url"],
                },
                reader,
            )
        subject, text, html = merge.fill(
            rendered[key],
            {"name": invitation.name, "reply_url": reply_url(invitation, reader)},
        )
        emails.append(
            OutgoingEmail(
                to=invitation.email,
                subject=subject,
                body_text=text,
                body_html=html,
                calendar=calendar,
                calendar_method=method,
                headers=_reply_headers(meeting),
                dedupe_key=_calendar_key(invitation, method),
            )
        )
    return emails


def _invitation_template(invitation: Invitation, method: str) -> str:
    if method == "CANCEL":
        return "meeting_cancelled"
    # "Ändrat" only to those who were sent an earlier version: someone invited after a
    # change gets the invitation, at the current sequence.
    was_sent_before = invitation.last_email_id is not None
    updating = bool(invitation.calendar_sequence) and was_sent_before
    return "meeting_updated" if updating else "meeting_invitation"


def _calendar_key(invitation: Invitation, method: str) -> str:
    meeting = invitation.meeting
    return (
        f"meeting:{meeting.pk}:v{meeting.sequence}.{invitation.revision}:{method}:"
        f"{invitation.email}"
    )


def _reply_headers(meeting: Meeting) -> dict:
    """A reply typed to the e-mail goes to the responsible official; the calendar's Accept
    and Decline go to the ORGANIZER, the portal's inbox (forums/inbound.py)."""
    return {"Reply-To": meeting.organiser.email}


@dataclass(frozen=True)
class EmailPreview:
    subject: str
    text: str
    html: str
    calendar: str


def preview_email(meeting: Meeting, recipient: Recipient, cover_note: str = "") -> EmailPreview:
    """The exact e-mail the first recipient would get, rendered but not stored."""
    invitation = Invitation(
        meeting=meeting,
        email=recipient.email,
        name=recipient.name,
        municipality_id=recipient.municipality_id,
        token="forhandsvisning",  # noqa: S106 - a preview's link leads nowhere.
    )
    # One query whoever the first recipient is: the page's count stays flat.
    language = (
        User.objects.filter(pk=recipient.user_id or 0)
        .values_list("preferred_language", flat=True)
        .first()
    )
    email = _invitation_email(
        invitation,
        _meeting_context(meeting),
        "REQUEST",
        cover_note=cover_note,
        language=language or "sv",
    )
    return EmailPreview(email.subject, email.body_text, email.body_html, email.calendar)


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
def resend(*, invitation: Invitation) -> OutgoingEmail:
    """Send the current version again to one invitee: a new row, never a re-send of the old."""
    meeting = invitation.meeting
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "REQUEST"
    email = _invitation_email(invitation, _meeting_context(meeting), method)
    email.dedupe_key = None
    (email,) = queue_emails([email])
    invitation.last_email = email
    invitation.save(update_fields=["last_email", "updated_at"])
    audit.record("invitation.resent", meeting, details={"to": invitation.email})
    return email


# --- Replies ------------------------------------------------------------------------------


@transaction.atomic
def record_reply(
    *,
    invitation: Invitation,
    response: str,
    session=None,
    dietary_needs: str = "",
    access_needs: str = "",
    substitute_name: str = "",
    substitute_email: str = "",
    via_calendar: bool = False,
) -> Invitation:
    """Take an invitee's reply, from the reply page or (via_calendar) from the Accept or
    Decline of their calendar. In a round, a reply that changes what the person will
    attend sends them a new revision of their own calendar entry."""
    meeting = Meeting.objects.select_for_update().get(pk=invitation.meeting_id)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ReplyRefused(_("Mötet är inställt. Du behöver inte svara."))
    if not meeting.is_open_for_replies():
        raise ReplyRefused(_("Mötet har redan börjat, så svaret kan inte längre ändras."))
    accepted = response == Invitation.Response.ACCEPTED
    if meeting.is_sub_regional_round() and accepted and session is None:
        raise ReplyRefused(_("Välj vilket av delmötena du kommer till."), field="session")
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("session")
        .get(pk=invitation.pk)
    )
    _refuse_started_sessions(invitation, session if accepted else None)
    before = audit.snapshot(invitation, REPLY_FIELDS)
    entry_before = _calendar_state(invitation)
    was_coming = invitation.response == Invitation.Response.ACCEPTED and not invitation.waitlisted
    invitation.response = response
    invitation.session = session if accepted else None
    invitation.dietary_needs = dietary_needs
    invitation.access_needs = access_needs
    invitation.substitute_name = substitute_name
    invitation.substitute_email = substitute_email
    invitation.responded_at = timezone.now()
    invitation.waitlisted = accepted and not was_coming and meeting.is_full()
    entry_changed = meeting.is_sub_regional_round() and _calendar_state(invitation) != entry_before
    if entry_changed:
        invitation.revision += 1
    invitation.save()
    audit.record(
        "invitation.replied",
        meeting,
        changes=audit.diff(before, audit.snapshot(invitation, REPLY_FIELDS)),
        details={"invitee": invitation.email, **({"via_calendar": True} if via_calendar else {})},
        actor_label=(
            _("%(email)s via kalendern") if via_calendar else _("%(email)s via svarslänken")
        )
        % {"email": invitation.email},
    )
    # A decline from the calendar has already taken the entry out of that calendar.
    if entry_changed and not (via_calendar and response == Invitation.Response.DECLINED):
        _send_own_entry(meeting, invitation)
    if was_coming and not accepted:
        _promote_from_waiting_list(meeting)
    return invitation


def _refuse_started_sessions(invitation: Invitation, session) -> None:
    now = timezone.now()
    if session is not None and session.starts_at <= now:
        raise ReplyRefused(
            _("Delmötet i %(town)s har redan börjat. Välj ett annat delmöte.")
            % {"town": session.town},
            field="session",
        )
    current = invitation.session
    if current is not None and current.starts_at <= now and current != session:
        raise ReplyRefused(
            _("Ditt delmöte i %(town)s har redan börjat, så svaret kan inte längre ändras.")
            % {"town": current.town}
        )


def _calendar_state(invitation: Invitation) -> tuple:
    """What a round's invitee's calendar should hold: nothing (declined), a session, or
    the provisional entry."""
    if invitation.response == Invitation.Response.DECLINED:
        return ("none",)
    if invitation.session_id:
        return ("session", invitation.session_id)
    return ("provisional",)


def _send_own_entry(meeting: Meeting, invitation: Invitation) -> None:
    """The new revision of one person's entry: their session confirmed, the provisional
    entry again, or a cancellation of it for them when they declined."""
    declined = invitation.response == Invitation.Response.DECLINED
    method = "CANCEL" if declined else "REQUEST"
    context = _meeting_context(meeting)
    invitation.meeting = context["meeting"]
    language = _language(invitation)
    (email,) = queue_emails(
        [
            templated_email(
                to=invitation.email,
                name="meeting_choice",
                context={
                    **context,
                    "invitation": invitation,
                    "session": ical.chosen_session(invitation),
                    "declined": declined,
                    "reply_url": reply_url(invitation, language),
                },
                language=language,
                calendar=ical.invitation_calendar(invitation, method=method, language=language),
                calendar_method=method,
                headers=_reply_headers(meeting),
                dedupe_key=_calendar_key(invitation, method),
            )
        ]
    )
    invitation.last_email = email
    invitation.save(update_fields=["last_email", "updated_at"])


REPLY_FIELDS = [*Invitation.REPLY_FIELDS, "waitlisted"]


def _promote_from_waiting_list(meeting: Meeting) -> None:
    waiting = (
        meeting.invitations.filter(response=Invitation.Response.ACCEPTED, waitlisted=True)
        .order_by("responded_at")
        .first()
    )
    if waiting is None or meeting.is_full():
        return
    waiting.waitlisted = False
    waiting.save(update_fields=["waitlisted", "updated_at"])
    queue_emails(
        [
            templated_email(
                to=waiting.email,
                name="waiting_list_promoted",
                context={
                    "meeting": meeting,
                    "invitation": waiting,
                    "reply_url": reply_url(waiting, _language(waiting)),
                },
                language=_language(waiting),
                dedupe_key=f"promoted:{waiting.pk}:{timezone.now():%Y%m%d%H%M%S}",
            )
        ]
    )


def reply_url(invitation: Invitation, language: str) -> str:
    """The reply page in the reader's language (/en/… for English)."""
    with translation.override(language):
        return settings.SITE_URL + invitation.reply_path()


def _language(invitation: Invitation) -> str:
    return invitation.user.preferred_language if invitation.user else "sv"


# --- Reminders ------------------------------------------------------------------------------


def send_due_reminders(now=None) -> int:
    """Reminders 7 and 1 days before the start: to those who haven't answered, and to those
    coming. Keyed by the start time, so a moved meeting reminds again at its new time.

    A round reminds before each of its sessions: that session's people, and those who have
    not answered, before the session nearest them (their provisional one)."""
    now = now or timezone.now()
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    count = 0
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon
    ).exclude(forum_type=ForumType.SUB_REGIONAL)
    for meeting in meetings:
        days = _due_days(meeting.starts_at, now)
        if days:
            count += _remind(meeting, days, starts_at=meeting.starts_at)
    sessions = MeetingSession.objects.filter(
        meeting__status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=horizon
    ).select_related("meeting")
    for session in sessions:
        days = _due_days(session.starts_at, now)
        if days:
            count += _remind(session.meeting, days, starts_at=session.starts_at, session=session)
    return count


def _due_days(starts_at, now) -> int | None:
    # Only the nearest reminder that is due: a meeting planned 20 hours ahead gets the
    # one-day reminder, not both.
    due = [days for days in REMINDER_DAYS if starts_at - timedelta(days=days) <= now]
    return min(due) if due else None


@transaction.atomic
def _remind(meeting: Meeting, days: int, *, starts_at, session=None) -> int:
    due = meeting.invitations.filter(
        Q(response=Invitation.Response.NEEDS_ACTION)
        | Q(response=Invitation.Response.ACCEPTED, waitlisted=False)
    ).select_related("user", "session", "municipality__sub_region")
    context = _meeting_context(meeting)
    invitations = list(due)
    for invitation in invitations:
        invitation.meeting = context["meeting"]  # its sessions and agenda, fetched once
    if session is not None:
        invitations = [i for i in invitations if _reminded_for(i, session)]
    emails = []
    stamp = starts_at.strftime("%Y%m%d%H%M")
    for invitation in invitations:
        kind = "coming" if invitation.response == Invitation.Response.ACCEPTED else "unanswered"
        language = _language(invitation)
        emails.append(
            templated_email(
                to=invitation.email,
                name=f"reminder_{kind}",
                context={
                    **context,
                    "invitation": invitation,
                    "days": days,
                    "session": invitation.session,
                    "reply_url": reply_url(invitation, language),
                },
                language=language,
                headers=_reply_headers(meeting),
                dedupe_key=f"reminder:{invitation.pk}:{days}d:{kind}:{stamp}",
            )
        )
    before = OutgoingEmail.objects.filter(dedupe_key__in=[e.dedupe_key for e in emails]).count()
    queue_emails(emails)
    return len(emails) - before


def _reminded_for(invitation: Invitation, session) -> bool:
    if invitation.session_id:
        return invitation.session_id == session.pk
    return ical.suggested_session(invitation) == session


# --- Attendance and minutes ------------------------------------------------------------------


class NotStarted(Exception):
    """Attendance and minutes wait until the meeting has begun."""


@transaction.atomic
def mark_attendance(*, meeting: Meeting, present_ids: set[int]) -> None:
    if not meeting.has_started():
        raise NotStarted
    meeting.invitations.update(attended=False)
    present = meeting.invitations.filter(pk__in=present_ids).update(attended=True)
    changes = {}
    if meeting.status == Meeting.Status.SCHEDULED and meeting.starts_at <= timezone.now():
        changes = {"status": [meeting.status, Meeting.Status.HELD]}
        meeting.status = Meeting.Status.HELD
        meeting.save(update_fields=["status", "updated_at"])
        invalidate_public_pages_on_commit()
    audit.record("meeting.attendance", meeting, changes=changes, details={"present": present})


@transaction.atomic
def send_minutes_for_review(*, minutes: Minutes, adjusters: list[User]) -> None:
    minutes.status = Minutes.Status.IN_REVIEW
    minutes.save(update_fields=["status", "updated_at"])
    audit.record(
        "minutes.sent_for_review",
        minutes.meeting,
        details={"adjusters": [a.email for a in adjusters]},
    )
    minutes.adjustments.exclude(adjuster__in=adjusters).delete()
    for adjuster in adjusters:
        Adjustment.objects.get_or_create(minutes=minutes, adjuster=adjuster)
    emails = []
    for adjuster in adjusters:
        emails.append(
            templated_email(
                to=adjuster.email,
                name="minutes_review",
                context={"meeting": minutes.meeting, "site_url": settings.SITE_URL},
                language=adjuster.preferred_language,
                dedupe_key=f"minutes-review:{minutes.pk}:{adjuster.pk}:"
                f"{minutes.updated_at.timestamp()}",
            )
        )
    queue_emails(emails)


@transaction.atomic
def approve_minutes(*, minutes: Minutes, adjuster: User) -> bool:
    """Record the adjuster's approval; publishes when every adjuster has approved."""
    Adjustment.objects.filter(minutes=minutes, adjuster=adjuster).update(approved_at=timezone.now())
    audit.record("minutes.approved", minutes.meeting, actor=adjuster)
    if not minutes.adjustments.filter(approved_at__isnull=True).exists():
        publish_minutes(minutes=minutes)
        return True
    return False


@transaction.atomic
def publish_minutes(*, minutes: Minutes) -> int:
    minutes.status = Minutes.Status.PUBLISHED
    minutes.published_at = timezone.now()
    minutes.save(update_fields=["status", "published_at", "updated_at"])
    meeting = minutes.meeting
    audit.record("minutes.published", meeting)
    invalidate_public_pages_on_commit()
    emails = []
    for invitation in meeting.invitations.select_related("user"):
        emails.append(
            templated_email(
                to=invitation.email,
                name="minutes_published",
                context={"meeting": meeting, "site_url": settings.SITE_URL},
                language=_language(invitation),
                dedupe_key=f"minutes:{minutes.pk}:{invitation.email}",
            )
        )
    queue_emails(emails)
    return len(emails)


# --- Audience, documents and minutes: the writes the management pages make -----------------


@transaction.atomic
def add_audience_rule(*, meeting: Meeting, rule: AudienceRule, save_m2m=None) -> AudienceRule:
    rule.meeting = meeting
    rule.save()
    if save_m2m:
        save_m2m()
    audit.record("audience.added", meeting, details={"rule": str(rule)})
    return rule


@transaction.atomic
def remove_audience_rule(*, meeting: Meeting, rule_pk: int) -> bool:
    rule = meeting.audience_rules.filter(pk=rule_pk).first()
    if rule is None:
        return False
    label = str(rule)
    rule.delete()
    audit.record("audience.removed", meeting, details={"rule": label})
    return True


@transaction.atomic
def upload_document(*, meeting: Meeting, title: str, upload) -> MeetingDocument:
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
        details={"title": title, "file": upload.name, "bytes": upload.size},
    )
    invalidate_public_pages_on_commit()
    return document


@transaction.atomic
def save_minutes(*, form) -> Minutes:
    """Save the minutes' text or file; publishing or review is a separate step."""
    if not form.instance.meeting.has_started():
        raise NotStarted
    minutes = form.save()
    audit.record("minutes.saved", minutes.meeting, changes=_form_changes(form))
    return minutes


def _form_changes(form) -> dict:
    return {
        name: [audit.jsonable(form.initial.get(name)), audit.jsonable(form.cleaned_data.get(name))]
        for name in form.changed_data
        if name in form.cleaned_data and name != "file"
    }


# --- Thematic networks from the plan's priorities -------------------------------------------


class NetworkExists(Exception):
    def __init__(self, network: Network):
        super().__init__(network.slug)
        self.network = network


@transaction.atomic
def create_thematic_network(*, area, municipalities) -> Network:
    """A thematic network for a development area that several municipalities prioritise;
    its members are those municipalities' culture chiefs. One network per area."""
    existing = Network.objects.filter(development_area=area).first()
    if existing:
        raise NetworkExists(existing)
    with translation.override("sv"):  # stored once, for everyone: in the portal's language
        name = _("Tematiskt nätverk: %(area)s") % {"area": area.title}
        description = _(
            "Kommuner som prioriterar %(area)s i %(plan)s. Medlemmarna är deras kulturchefer."
        ) % {"area": area.title, "plan": area.plan.title}
    network = Network.objects.create(
        name=name,
        slug=_free_slug(f"tema-{area.slug}-{area.plan.slug}"),
        form=Network.Form.THEMATIC,
        development_area=area,
        description=description,
    )
    chiefs = (
        RoleAssignment.objects.active()
        .filter(role=Role.CULTURE_CHIEF, municipality__in=municipalities, user__is_active=True)
        .order_by("user", "municipality")
    )
    seen: set[int] = set()
    memberships = []
    for assignment in chiefs:
        if assignment.user_id in seen:
            continue
        seen.add(assignment.user_id)
        memberships.append(
            NetworkMembership(
                network=network, user_id=assignment.user_id, municipality=assignment.municipality
            )
        )
    NetworkMembership.objects.bulk_create(memberships)
    audit.record(
        "network.created_from_priorities",
        network,
        details={
            "title": area.title,
            "members": len(memberships),
            "municipalities": sorted(m.name for m in municipalities),
        },
    )
    return network


def _free_slug(base: str) -> str:
    slug, n = base[:190], 2
    while Network.objects.filter(slug=slug).exists():
        slug, n = f"{base[:190]}-{n}", n + 1
    return slug


audit.register_actions(
    {"network.created_from_priorities": gettext_lazy("Tematiskt nätverk skapat")},
    details={
        "members": gettext_lazy("Medlemmar"),
        "municipalities": gettext_lazy("Kommuner"),
    },
)
