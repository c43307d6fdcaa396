"""Mail the portal receives: kept whole, then handed to the app it concerns, else forwarded.

`manage.py receive_mail` runs an SMTP listener (aiosmtpd) for the portal's own address
(CALENDAR_REPLY_ADDRESS), which calendar invitations name as their ORGANIZER: Accept and
Decline in Outlook or Gmail send their iTIP REPLY there. Feature apps register a handler
(the forums take REPLYs to meeting invitations); the core imports none of them.

Nothing received is lost: every message is stored before the SMTP server answers 250, and
one no handler takes (an out-of-office, a reply typed by a person) or one a handler failed
on is forwarded to a person, with the original attached.

What anyone can send is bounded, so the inbox is no relay and no way to keep a worker
busy: handlers read at most MAX_CALENDAR_PARTS calendar parts of at most
MAX_CALENDAR_BYTES each (a REPLY is a few kilobytes); a forward attaches the original
only up to MAX_FORWARD_BYTES (a larger one is named, and kept in the admin); and one
sender's messages are forwarded at most FORWARDS_PER_SENDER_PER_HOUR times an hour (the
rest are kept, marked received, with the reason).
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kulturportal.emails import Attachment, attach, normalise_address, queue_emails
from kulturportal.models import InboundEmail, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_BYTES = 25 * 1024 * 1024  # stored whole up to this; the SMTP listener refuses more
MAX_MIME_PARTS = 50  # parts of a message looked at for calendars
MAX_CALENDAR_PARTS = 4  # Google sends two (the alternative and invite.ics)
MAX_CALENDAR_BYTES = 256 * 1024
MAX_FORWARD_BYTES = 5 * 1024 * 1024
FORWARDS_PER_SENDER_PER_HOUR = 10


@dataclass(frozen=True)
class Applied:
    """The handler did what the message asked; `note` says what, for the log."""

    note: str
    # Also forward to a person (e.g. the attendee wrote a comment): their words are theirs.
    forward_to: str = ""


@dataclass(frozen=True)
class Forward:
    """The handler knows whose it is but cannot act on it: forward to `to`, saying why."""

    to: str
    note: str


# A handler is given the message and its envelope sender (SMTP's MAIL FROM, "" if none).
Handler = Callable[[EmailMessage, str], Applied | Forward | None]
_handlers: list[Handler] = []


def register_handler(handler: Handler) -> None:
    """A feature app's handler: returns None for a message that is not its own."""
    if handler not in _handlers:
        _handlers.append(handler)


def receive(raw: bytes, *, sender: str = "", recipients: tuple[str, ...] = ()) -> InboundEmail:
    """Store one received message, then handle it. Raises only if it could not be stored
    (the SMTP server then answers 451 and the sending server tries again later)."""
    message = message_from_bytes(raw, policy=policy.default)
    record = InboundEmail.objects.create(
        # One form of the address (as everywhere we store one): the export and the limit
        # per sender find it by that form.
        sender=normalise_address(sender or parseaddr(str(message.get("From", "")))[1])[:300],
        recipients="\n".join(recipients),
        subject=str(message.get("Subject", ""))[:300],
        message_id=str(message.get("Message-ID", ""))[:300],
        raw=raw,
    )
    _handle(record, message, sender)
    return record


def _handle(record: InboundEmail, message: EmailMessage, envelope_sender: str) -> None:
    try:
        with transaction.atomic():
            outcome = _first_answer(message, envelope_sender)
    except Exception as error:  # Never a crash, never a lost message: a person gets it.
        logger.exception("Inbound message %s could not be handled", record.pk)
        _forward(record, settings.INBOUND_FORWARD_TO, f"{type(error).__name__}: {error}")
        _save(record, InboundEmail.Outcome.FAILED, f"{type(error).__name__}: {error}")
        return
    if isinstance(outcome, Applied):
        held = outcome.forward_to and _held_back(record)
        if outcome.forward_to and not held:
            _forward(record, outcome.forward_to, outcome.note)
        note = f"{outcome.note} {held}" if held else outcome.note
        _save(record, InboundEmail.Outcome.APPLIED, note, "" if held else outcome.forward_to)
        return
    if isinstance(outcome, Forward):
        to, note = outcome.to, outcome.note
    else:
        to, note = settings.INBOUND_FORWARD_TO, _("Inget i portalen tar emot det här meddelandet.")
    held = _held_back(record)
    if held:
        _save(record, InboundEmail.Outcome.RECEIVED, f"{note} {held}")
        return
    _forward(record, to, note)
    _save(record, InboundEmail.Outcome.FORWARDED, note, to)


def _held_back(record: InboundEmail) -> str:
    """Why this message is not forwarded ("" if it may be): its sender's messages were
    forwarded FORWARDS_PER_SENDER_PER_HOUR times in the last hour already."""
    if not record.sender:
        return ""
    forwarded = (
        InboundEmail.objects.filter(
            sender__iexact=record.sender,
            created_at__gte=timezone.now() - timedelta(hours=1),
        )
        .exclude(forwarded_to="")
        .exclude(pk=record.pk)
        .count()
    )
    if forwarded < FORWARDS_PER_SENDER_PER_HOUR:
        return ""
    with translation.override("sv"):
        return _(
            "Det vidarebefordras inte: %(count)s meddelanden från %(sender)s har redan "
            "vidarebefordrats den senaste timmen. Det finns kvar i portalens administration."
        ) % {"count": forwarded, "sender": record.sender}


def _first_answer(message: EmailMessage, envelope_sender: str) -> Applied | Forward | None:
    for handler in _handlers:
        outcome = handler(message, envelope_sender)
        if outcome is not None:
            return outcome
    return None


def _save(record: InboundEmail, outcome: str, note: str, forwarded_to: str = "") -> None:
    record.outcome, record.note, record.forwarded_to = outcome, note[:2000], forwarded_to
    record.save(update_fields=["outcome", "note", "forwarded_to", "updated_at"])


def _forward(record: InboundEmail, to: str, note: str) -> OutgoingEmail:
    """To a person, with the original attached (if it is not too big to relay); keyed, so
    handling twice sends one."""
    size = len(record.raw)
    with translation.override("sv"):
        subject = _("Vidarebefordrat från Kulturportalen: %(subject)s") % {
            "subject": record.subject or _("(inget ämne)")
        }
        body = _(
            "Kulturportalen tog emot det här meddelandet från %(sender)s och skickar det "
            "vidare till dig.\n\nVarför: %(note)s"
        ) % {"sender": record.sender or _("okänd avsändare"), "note": note}
        if size <= MAX_FORWARD_BYTES:
            body += "\n\n" + _("Originalet är bifogat.")
        else:
            body += "\n\n" + _(
                "Originalet är %(size)s stort och bifogas inte. Det finns i portalens "
                "administration under Inkommande e-post, nr %(pk)s."
            ) % {"size": filesizeformat(size), "pk": record.pk}
    email = OutgoingEmail(
        to=to,
        subject=subject[:300],
        body_text=body,
        headers={"Reply-To": record.sender} if record.sender else {},
        dedupe_key=f"inbound:{record.pk}:{to}",
    )
    if size <= MAX_FORWARD_BYTES:
        attach(email, Attachment("original.eml", bytes(record.raw), "message/rfc822"))
    return queue_emails([email])[0]


@dataclass(frozen=True)
class SenderCheck:
    """What the receiving mail server found about the sender (its Authentication-Results
    header, RFC 8601). `required` is False where no server's name is configured
    (INBOUND_AUTHSERV_ID): then nothing is known and nothing is asked."""

    required: bool
    passed: bool
    found: str = ""  # the results as the server wrote them, for the person who reads why


def check_sender(message: EmailMessage, envelope_sender: str) -> SenderCheck:
    """Did the receiving server (INBOUND_AUTHSERV_ID) find an SPF pass for the envelope's
    domain or a DMARC pass for the From: domain?

    Only the topmost Authentication-Results header carrying that server's name counts: a
    sender may write any header, and the receiving server adds its own on top of the
    message. A result naming another domain than the sender's does not count."""
    server = settings.INBOUND_AUTHSERV_ID.strip().lower()
    if not server:
        return SenderCheck(required=False, passed=True)
    for header in message.get_all("Authentication-Results") or []:
        authserv_id, results = _parse_authentication_results(str(header))
        if authserv_id != server:
            continue
        from_domain = _domain(parseaddr(str(message.get("From", "")))[1])
        envelope_domain = _domain(envelope_sender)
        passed = any(
            (method == "dmarc" and props.get("header.from", from_domain) == from_domain)
            or (method == "spf" and props.get("smtp.mailfrom", envelope_domain) == envelope_domain)
            for method, result, props in results
            if result == "pass"
        )
        found = ", ".join(f"{method}={result}" for method, result, _props in results)
        return SenderCheck(required=True, passed=passed, found=found or "none")
    return SenderCheck(required=True, passed=False)


def _parse_authentication_results(value: str) -> tuple[str, list[tuple[str, str, dict]]]:
    """("mx.example.se", [("spf", "pass", {"smtp.mailfrom": "example.se"}), …])."""
    while (uncommented := re.sub(r"\([^()]*\)", " ", value)) != value:
        value = uncommented
    first, *resinfos = value.split(";")
    authserv_id = (first.split() or [""])[0].lower()
    results = []
    for resinfo in resinfos:
        tokens = resinfo.split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, result = tokens[0].lower().split("=", 1)
        props = {}
        for token in tokens[1:]:
            key, equals, prop = token.partition("=")
            if equals and "." in key:
                props[key.lower()] = _domain(prop.strip('"'))
        results.append((method.split("/")[0], result.lower(), props))
    return authserv_id, results


def _domain(address: str) -> str:
    """The domain of an address (or a domain itself), in the one normalised form."""
    return normalise_address(address).rpartition("@")[2]


@dataclass(frozen=True)
class CalendarParts:
    """The calendar texts a handler may read, and why others were left unread ("")."""

    texts: list[str]
    unread: str = ""


def calendar_parts(message: EmailMessage) -> CalendarParts:
    """The iCalendar texts in a message: as a text/calendar alternative (Outlook) or as an
    attached .ics (Google sends both; application/ics and octet-stream .ics files too).
    At most MAX_CALENDAR_PARTS of them, each at most MAX_CALENDAR_BYTES, among the first
    MAX_MIME_PARTS parts of the message: what is left unread is named in `unread`."""
    texts: list[str] = []
    unread = ""
    for number, part in enumerate(message.walk()):
        if number >= MAX_MIME_PARTS:
            unread = _("Meddelandet har fler än %(count)s delar; bara de första lästes.") % {
                "count": MAX_MIME_PARTS
            }
            break
        kind = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if not (kind in ("text/calendar", "application/ics") or filename.endswith(".ics")):
            continue
        if len(texts) == MAX_CALENDAR_PARTS:
            unread = _(
                "Meddelandet har fler än %(count)s kalenderdelar; bara de första lästes."
            ) % {"count": MAX_CALENDAR_PARTS}
            break
        payload = part.get_payload(decode=True) or b""
        if len(payload) > MAX_CALENDAR_BYTES:
            unread = _(
                "En kalenderdel är %(size)s stor, större än ett kalendersvar kan vara, och "
                "lästes inte."
            ) % {"size": filesizeformat(len(payload))}
            continue
        charset = part.get_content_charset() or "utf-8"
        try:
            texts.append(payload.decode(charset, errors="replace"))
        except LookupError:  # a charset Python does not know
            texts.append(payload.decode("utf-8", errors="replace"))
    return CalendarParts(texts, unread)


class SMTPHandler:
    """aiosmtpd's handler: takes mail for the portal's own addresses only (not an open
    sink), stores and handles it, and answers 250 only once it is stored."""

    def __init__(self, addresses: tuple[str, ...] | None = None):
        self.addresses = {a.lower() for a in (addresses or (settings.CALENDAR_REPLY_ADDRESS,))}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() not in self.addresses:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if len(raw) > MAX_BYTES:
            return "552 5.3.4 Message too big"
        try:
            await sync_to_async(_receive_in_thread, thread_sensitive=False)(
                raw, envelope.mail_from or "", tuple(envelope.rcpt_tos)
            )
        except Exception:
            logger.exception("Inbound message could not be stored")
            return "451 4.3.0 Try again later"
        return "250 OK"


def _receive_in_thread(raw: bytes, sender: str, recipients: tuple[str, ...]) -> None:
    # A thread of the listener's pool: its connection is closed after each message, as a
    # request's would be; mail arrives seldom enough for that.
    try:
        receive(raw, sender=sender, recipients=recipients)
    finally:
        connections.close_all()
