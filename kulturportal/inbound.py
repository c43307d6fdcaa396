"""Mail the portal receives: kept whole, then handed to the app it concerns, else forwarded.

`manage.py receive_mail` runs an SMTP listener (aiosmtpd) for the portal's own address
(CALENDAR_REPLY_ADDRESS), which calendar invitations name as their ORGANIZER: Accept and
Decline in Outlook or Gmail send their iTIP REPLY there. Feature apps register a handler
(the forums take REPLYs to meeting invitations); the core imports none of them.

Nothing received is lost: every message is stored before the SMTP server answers 250, and
one no handler takes (an out-of-office, a reply typed by a person) or one a handler failed
on is forwarded to a person, with the original attached.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kulturportal.emails import Attachment, attach, normalise_address, queue_emails
from kulturportal.models import InboundEmail, OutgoingEmail

logger = logging.getLogger(__name__)

MAX_BYTES = 25 * 1024 * 1024


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
        sender=sender or parseaddr(str(message.get("From", "")))[1],
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
        if outcome.forward_to:
            _forward(record, outcome.forward_to, outcome.note)
        _save(record, InboundEmail.Outcome.APPLIED, outcome.note, outcome.forward_to)
    elif isinstance(outcome, Forward):
        _forward(record, outcome.to, outcome.note)
        _save(record, InboundEmail.Outcome.FORWARDED, outcome.note, outcome.to)
    else:
        note = _("Inget i portalen tar emot det här meddelandet.")
        _forward(record, settings.INBOUND_FORWARD_TO, note)
        _save(record, InboundEmail.Outcome.FORWARDED, note, settings.INBOUND_FORWARD_TO)


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
    """To a person, with the original attached; keyed, so handling twice sends one."""
    with translation.override("sv"):
        subject = _("Vidarebefordrat från Kulturportalen: %(subject)s") % {
            "subject": record.subject or _("(inget ämne)")
        }
        body = _(
            "Kulturportalen tog emot det här meddelandet från %(sender)s och skickar det "
            "vidare till dig.\n\nVarför: %(note)s\n\nOriginalet är bifogat."
        ) % {"sender": record.sender or _("okänd avsändare"), "note": note}
    email = OutgoingEmail(
        to=to,
        subject=subject[:300],
        body_text=body,
        headers={"Reply-To": record.sender} if record.sender else {},
        dedupe_key=f"inbound:{record.pk}:{to}",
    )
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


def calendar_parts(message: EmailMessage) -> list[str]:
    """The iCalendar texts in a message: as a text/calendar alternative (Outlook) or as an
    attached .ics (Google sends both; application/ics and octet-stream .ics files too)."""
    parts = []
    for part in message.walk():
        kind = part.get_content_type()
        filename = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or filename.endswith(".ics"):
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            parts.append(payload.decode(charset, errors="replace"))
    return parts


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
