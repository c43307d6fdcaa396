"""Who has answered, who has not, and a reminder to those who have not: once a day.

Several journeys ask a known set of parties for something by a date: the municipalities for
their priorities (the plan), a referral's addressees for their response (the
consultations), the funded organisations for their annual report (the follow-up). Each
shows an official a completion board ("27 av 33", by group, the missing named with whom to
ask) and lets them remind only the missing, at most once a day. This module is that
pattern, once: the app says who is expected and what counts as done; the board, the
contacts and the reminder are here.

    rows = [BoardRow(party=m, item=registrations.get(m.pk), done=…) for m in municipalities]
    board = Board.by_sub_region(with_contacts(rows))
    … remind_missing_once_a_day(about=window, board=board, email=…, actor=request.user)

The page includes kulturportal/_board.html for the groups and _board_reminders.html for
the button and the reminders sent.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.utils import timezone

from kulturportal.emails import queue_emails
from kulturportal.models import (
    DailyReminder,
    Municipality,
    Organisation,
    OutgoingEmail,
    Role,
    RoleAssignment,
    full_name,
)


class AlreadyReminded(Exception):
    """The missing were reminded today already."""


class NoOneToRemind(Exception):
    """Everyone has answered, or none of the missing has anyone to write to."""


@dataclass(frozen=True)
class Contact:
    """Someone to write to for a party: a person in the portal, or the party's own address."""

    email: str
    name: str = ""
    language: str = "sv"
    first_name: str = ""

    def get_short_name(self) -> str:
        """As User.get_short_name: what an e-mail's greeting calls the person."""
        return self.first_name or self.email


@dataclass
class BoardRow:
    """One party expected to answer, and what it has done."""

    party: Municipality | Organisation
    item: Any = None  # the party's registration, response or report, if it has one
    done: bool = False
    closed: bool = False  # it cannot answer any more (withdrew): neither done nor missing
    started: bool = False  # a draft is begun
    done_at: datetime | None = None
    url: str = ""  # where the official reads what the party did
    contacts: list[Contact] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return not self.done and not self.closed


@dataclass
class BoardGroup:
    name: str
    rows: list[BoardRow]

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.done)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def missing(self) -> list[BoardRow]:
        return [row for row in self.rows if row.missing]

    @property
    def done_rows(self) -> list[BoardRow]:
        return [row for row in self.rows if row.done]

    @property
    def closed_rows(self) -> list[BoardRow]:
        return [row for row in self.rows if row.closed]


@dataclass
class Board:
    groups: list[BoardGroup]

    @property
    def rows(self) -> list[BoardRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def done(self) -> int:
        return sum(group.done for group in self.groups)

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def missing(self) -> list[BoardRow]:
        return [row for row in self.rows if row.missing]

    @classmethod
    def by_sub_region(cls, rows: Iterable[BoardRow], others: str = "") -> "Board":
        """Municipalities grouped by their sub-region, in the rows' order; any other party
        in one group named `others` at the end."""
        groups: dict[Any, BoardGroup] = {}
        for row in rows:
            party = row.party
            if isinstance(party, Municipality):
                key, name = party.sub_region_id, party.sub_region.name
            else:
                key, name = None, others
            groups.setdefault(key, BoardGroup(name, rows=[])).rows.append(row)
        ordered = [group for key, group in groups.items() if key is not None]
        return cls(ordered + ([groups[None]] if None in groups else []))


def party_key(party: Municipality | Organisation) -> tuple[str, int]:
    return ("m" if isinstance(party, Municipality) else "o", party.pk)


def with_contacts(
    rows: list[BoardRow], *, on: date | None = None, own_address: bool = False
) -> list[BoardRow]:
    """Give each row whom to ask, in one query: a municipality's culture chiefs, an
    organisation's representatives (people whose role is in force `on` that day); with
    `own_address`, the party's own address when it has no one in the portal."""
    municipalities = [r.party.pk for r in rows if isinstance(r.party, Municipality)]
    organisations = [r.party.pk for r in rows if isinstance(r.party, Organisation)]
    roles = (
        RoleAssignment.objects.reachable(on)
        .filter(
            Q(municipality_id__in=municipalities, role=Role.CULTURE_CHIEF)
            | Q(organisation_id__in=organisations, role=Role.ORGANISATION_REPRESENTATIVE),
            user__is_active=True,
        )
        .order_by("user__last_name", "user__first_name", "user__email")
        # Plain values: at scale a board's roles are a thousand rows, no models needed.
        .values_list(
            "municipality_id",
            "organisation_id",
            "user__email",
            "user__first_name",
            "user__last_name",
            "user__preferred_language",
        )
    )
    found: dict[tuple[str, int], list[Contact]] = {}
    for municipality_id, organisation_id, email, first_name, last_name, language in roles:
        key = ("m", municipality_id) if municipality_id else ("o", organisation_id)
        contact = Contact(email, full_name(first_name, last_name), language or "sv", first_name)
        if contact not in found.setdefault(key, []):
            found[key].append(contact)
    for row in rows:
        row.contacts = found.get(party_key(row.party), [])
        if not row.contacts and own_address:
            address = _own_address(row.party)
            row.contacts = [Contact(address, row.party.name)] if address else []
    return rows


def _own_address(party: Municipality | Organisation) -> str:
    return party.culture_email if isinstance(party, Municipality) else party.email


def reminders_sent(about: Model, limit: int = 10) -> list[DailyReminder]:
    """The latest reminders about `about`, newest first (today's, if any, is among them)."""
    return list(DailyReminder.objects.about(about)[:limit])


def reminded_today(reminders: list[DailyReminder]) -> bool:
    return any(r.sent_on == timezone.localdate() for r in reminders)


EmailFor = Callable[[BoardRow, Contact, DailyReminder], OutgoingEmail]


def remind_missing_once_a_day(
    *, about: Model, board: Board, email: EmailFor, actor, today: date | None = None
) -> tuple[DailyReminder, list[BoardRow]]:
    """Queue one e-mail to each contact of each missing row; once a day per `about`.

    `email` makes each unsaved outbox row (give it a dedupe key with the reminder's day).
    Raises NoOneToRemind when no missing row has a contact, AlreadyReminded when today's
    reminder is sent already (the database's unique day, also for two officials at once).
    Returns the reminder and the rows reminded; the caller writes the audit entry."""
    today = today or timezone.localdate()
    reminded = [row for row in board.missing if row.contacts]
    recipients = [(row, contact) for row in reminded for contact in row.contacts]
    if not recipients:
        raise NoOneToRemind
    try:
        with transaction.atomic():
            reminder = DailyReminder.objects.create(
                content_type=ContentType.objects.get_for_model(about),
                object_id=about.pk,
                sent_on=today,
                sent_by=actor if getattr(actor, "is_authenticated", False) else None,
                recipients=len(recipients),
            )
    except IntegrityError:
        raise AlreadyReminded from None
    queue_emails([email(row, contact, reminder) for row, contact in recipients])
    return reminder, reminded
