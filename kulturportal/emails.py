"""Outgoing e-mail: render three templates, store a row, send it once from a task.

Each message lives in its app's templates as <name>_subject.txt, <name>.txt and
<name>.html (e.g. forums/emails/meeting_invitation), and is rendered in the recipient's
language; every message extends the core's emails/base.* (the footer and the signature).

The outbox row is the one record of what is due: a failed delivery puts the row back as
queued with its next attempt time, and the sweep (beat) sends it then, up to
EMAIL_MAX_ATTEMPTS. Celery itself never retries, so there is one mechanism and one limit.

Delivery is at least once: a worker killed between the SMTP server's "250" and the row
marked sent leaves a claim that the sweep re-queues after STALE_CLAIM_AFTER (10 minutes),
and that one e-mail goes a second time, with the same Message-ID. A batch marks each row
sent in the statement that claims the next, so the window is one statement long, and a
kill leaves one e-mail at most to go twice (bench/fanout.py measures it).
"""

import hashlib
import logging
import smtplib
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from email.header import Header
from email.message import Message
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as database
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kulturportal.merging import finish
from kulturportal.models import OutgoingAttachment, OutgoingEmail
from kulturportal.tasks import task

logger = logging.getLogger(__name__)

STALE_CLAIM_AFTER = timedelta(minutes=10)
# smtplib's errors are OSErrors too; _is_transient tells a 4xx reply from a 5xx one.
SENDING_ERRORS = OSError


def normalise_address(address: str) -> str:
    """One form of an e-mail address for storing, sending and comparing: no `mailto:`, no
    surrounding space, lower case, and the domain in its IDNA (punycode) form, as mail
    servers route it and as Django's SMTP backend sends to it. `Asa@Malmö.se` and
    `asa@xn--malm-8qa.se` are one address. A domain that is not valid IDNA is only
    lower-cased."""
    address = address.strip()
    if address[:7].lower() == "mailto:":
        address = address[7:]
    local, at, domain = address.rpartition("@")
    if not at:
        return address.lower()
    with suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local}@{domain}".lower()


def address_forms(address: str) -> list[str]:
    """The forms one address may be stored in, for finding a person's rows: as the account
    holds it, in lower case, normalised (IDNA domain) and with the domain in Unicode, as a
    pasted list keeps it."""
    normal = normalise_address(address)
    local, _at, domain = normal.rpartition("@")
    unicode_domain = domain
    with suppress(UnicodeError):
        unicode_domain = domain.encode("ascii").decode("idna")
    forms = [address, address.strip().lower(), normal, f"{local}@{unicode_domain}"]
    return sorted(set(forms))


def holds_address(field: str, address: str) -> Q:
    """Rows whose `field` is this address: in any case as the account holds it, or in one
    of its other stored forms (address_forms)."""
    return Q(**{f"{field}__iexact": address}) | Q(**{f"{field}__in": address_forms(address)})


def render_email(name: str, context: dict, language: str = "sv") -> tuple[str, str, str]:
    """Subject, text and HTML of the e-mail `name` in `language`, as it is stored."""
    return finish(*render_unfinished(name, context, language))


def render_unfinished(name: str, context: dict, language: str = "sv") -> tuple[str, str, str]:
    """The three templates as they render, before finish(): what a MailMerge fills
    (kulturportal/merging.py)."""
    # Every e-mail's footer names the sender (templates/emails/base.*): no caller passes it.
    context = {
        "sender": {"name": settings.EMAIL_SENDER_NAME, "contact": settings.EMAIL_CONTACT_ADDRESS},
        **context,
    }
    with translation.override(language):
        # Subject and text are plain text, rendered without HTML escaping; HTML escapes.
        subject = render_to_string(f"{name}_subject.txt", context, using="text")
        text = render_to_string(f"{name}.txt", context, using="text")
        html = render_to_string(f"{name}.html", context)
    return subject, text, html


def queue_email(*, to: str, subject: str, body_text: str, **fields) -> OutgoingEmail:
    """Store the e-mail and send it from a task once the transaction has committed.

    With a `dedupe_key`, a second call for the same key queues nothing new.
    """
    email = OutgoingEmail(to=to, subject=subject, body_text=body_text, **fields)
    return queue_emails([email])[0]


def queue_emails(emails: list[OutgoingEmail], *, dispatch: bool = True) -> list[OutgoingEmail]:
    """Store many e-mails in one go; those whose dedupe_key exists already are left alone.

    Sent by tasks after commit; with dispatch=False the caller, a task itself, sends them
    with deliver_batch once its transaction has committed (the sweep does if it dies).
    Each row is fitted to its columns first (fit_columns)."""
    for email in emails:
        fit_columns(email)
    keyed = [email for email in emails if email.dedupe_key]
    unkeyed = [email for email in emails if not email.dedupe_key]
    existing = set(
        OutgoingEmail.objects.filter(dedupe_key__in=[e.dedupe_key for e in keyed]).values_list(
            "dedupe_key", flat=True
        )
    )
    new = [email for email in keyed if email.dedupe_key not in existing] + unkeyed
    created = OutgoingEmail.objects.bulk_create(new, batch_size=500)  # ids set on PG and SQLite
    _store_attachments(created)
    if dispatch:
        _dispatch_on_commit([email.pk for email in created])
    by_key = {
        email.dedupe_key: email
        for email in OutgoingEmail.objects.filter(dedupe_key__in=[e.dedupe_key for e in keyed])
    }
    return [by_key[email.dedupe_key] if email.dedupe_key else email for email in emails]


def fit_columns(email: OutgoingEmail) -> OutgoingEmail:
    """Cut what a caller built to what the columns hold: PostgreSQL refuses a longer value,
    and with it every e-mail of the batch. A subject is shortened with an ellipsis; a
    dedupe key (they name an address, up to 254 characters) too long for its column keeps
    its start and a digest of the whole, so it stays one key per message. Keys that fit
    are left exactly as they are."""
    subject_limit = OutgoingEmail._meta.get_field("subject").max_length or 300
    if len(email.subject) > subject_limit:
        email.subject = email.subject[: subject_limit - 1].rstrip() + "…"
    key_limit = OutgoingEmail._meta.get_field("dedupe_key").max_length or 200
    if email.dedupe_key and len(email.dedupe_key) > key_limit:
        digest = hashlib.sha256(email.dedupe_key.encode()).hexdigest()
        email.dedupe_key = f"{email.dedupe_key[: key_limit - len(digest) - 1]}#{digest}"
    return email


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def attach(email: OutgoingEmail, *attachments: Attachment) -> OutgoingEmail:
    """Give an unsaved outbox row files to send with it (stored when it is queued)."""
    for attachment in attachments:
        if len(attachment.content) > MAX_ATTACHMENT_BYTES:
            raise ValueError(f"{attachment.filename} is larger than an e-mail should carry")
    email.pending_attachments = (*email.pending_attachments, *attachments)
    return email


def _store_attachments(created: list[OutgoingEmail]) -> None:
    OutgoingAttachment.objects.bulk_create(
        [
            OutgoingAttachment(
                email=email,
                filename=_fit_filename(a.filename),
                content=a.content,
                content_type=a.content_type,
            )
            for email in created
            for a in email.pending_attachments
        ]
    )


def _fit_filename(filename: str, limit: int = 200) -> str:
    """A file's name cut to its column, keeping the extension."""
    if len(filename) <= limit:
        return filename
    stem, dot, extension = filename.rpartition(".")
    if not dot or len(extension) > 10:
        return filename[:limit]
    return f"{stem[: limit - len(extension) - 1]}.{extension}"


def templated_email(
    *, to: str, name: str, context: dict, language: str = "sv", **fields
) -> OutgoingEmail:
    """An unsaved outbox row from the three templates of `name`; queue it with queue_emails."""
    subject, text, html = render_email(name, context, language)
    return OutgoingEmail(to=to, subject=subject, body_text=text, body_html=html, **fields)


def send_templated_email(
    *, to: str, name: str, context: dict, language: str = "sv", dedupe_key: str | None = None
) -> OutgoingEmail:
    email = templated_email(
        to=to, name=name, context=context, language=language, dedupe_key=dedupe_key
    )
    return queue_emails([email])[0]


# E-mails sent by one task over one connection: a task per e-mail costs more than the
# sending, and a batch this size is done in well under a second.
BATCH_SIZE = 200
# A batch stops claiming after this long (a slow server) and leaves the rest to the sweep,
# well inside the task's time limit: no e-mail is ever cut off halfway.
BATCH_SECONDS = 60


def batches(ids: list[int], size: int = BATCH_SIZE) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _dispatch_on_commit(email_ids: list[int]) -> None:
    # After the commit (the tasks' base): a broker that is down must not break the
    # request; the sweep sends the rows later.
    if len(email_ids) == 1:
        send_email.delay(email_ids[0])
        return
    for batch in batches(email_ids):
        send_emails.delay(batch)


class Deferred(Exception):
    """Sending failed for a reason that may pass; try again later."""


def deliver(email_id: int) -> None:
    """Send one stored e-mail if it is still queued. Raises Deferred on a transient error."""
    if not _advance(claim=email_id):
        return  # Sent, failed, not due, or claimed by another worker: nothing to do.
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        _send(_build_message(email))
    except Exception as error:  # Whatever went wrong, the row must not stay claimed.
        _drop_connection()
        _record_failure(email, error)
    else:
        _advance(sent=email_id)


def deliver_batch(email_ids: list[int]) -> int:
    """Send the queued e-mails among these over one connection; returns how many went.

    Each row is marked sent the moment the server has taken it, and the next is claimed
    only then: a worker killed mid-batch leaves one row claimed (sent a second time after
    STALE_CLAIM_AFTER only if the server had already taken it) and the rest queued for the
    sweep. A failed e-mail is recorded on its row and the batch goes on."""
    rows = OutgoingEmail.objects.filter(pk__in=email_ids, status=OutgoingEmail.Status.QUEUED)
    emails = {email.pk: email for email in rows.prefetch_related("attachments")}
    with _commits_without_waiting_for_the_disk():
        return _deliver_each(emails)


def _deliver_each(emails: dict[int, OutgoingEmail]) -> int:
    started, sent, count = timezone.now(), None, 0
    for pk in sorted(emails):
        if timezone.now() - started > timedelta(seconds=BATCH_SECONDS):
            break
        claimed = _advance(sent=sent, claim=pk)
        sent = None
        if not claimed:
            continue
        email = emails[pk]
        email.attempts += 1  # as the claim counted it, for _record_failure
        try:
            _send(_build_message(email))
        except Exception as error:
            _drop_connection()
            with suppress(Deferred):  # queued again with its next attempt: the sweep's
                _record_failure(email, error)
        else:
            sent, count = pk, count + 1
    if sent:
        _advance(sent=sent)
    return count


def _advance(*, sent: int | None = None, claim: int | None = None) -> bool:
    """Mark `sent` sent and claim `claim`, in one statement; True if the claim was won.

    A row is claimed only while queued and due: a stray task must not send an e-mail
    refused a moment ago before its backoff is over, nor one another worker holds.
    Plain SQL: this runs once per e-mail, and building the ORM's two updates cost more
    than the statement itself (RETURNING: PostgreSQL, and SQLite since 3.35)."""
    now = database.ops.adapt_datetimefield_value(timezone.now())
    with database.cursor() as cursor:
        cursor.execute(ADVANCE_SQL, [sent, sent, now, sent, sent, now, sent, sent, claim, now])
        return any(pk == claim for (pk,) in cursor.fetchall()) if claim else False


Status = OutgoingEmail.Status
ADVANCE_SQL = f"""
    UPDATE {OutgoingEmail._meta.db_table} SET
        status = CASE WHEN id = %s THEN '{Status.SENT}' ELSE '{Status.SENDING}' END,
        sent_at = CASE WHEN id = %s THEN %s ELSE sent_at END,
        last_error = CASE WHEN id = %s THEN '' ELSE last_error END,
        claimed_at = CASE WHEN id = %s THEN claimed_at ELSE %s END,
        attempts = CASE WHEN id = %s THEN attempts ELSE attempts + 1 END
    WHERE id = %s
        OR (id = %s AND status = '{Status.QUEUED}'
            AND (next_attempt_at IS NULL OR next_attempt_at <= %s))
    RETURNING id
"""  # noqa: S608 - the table's name is the model's own, every value a parameter


@contextmanager
def _commits_without_waiting_for_the_disk():
    """On PostgreSQL, the batch's commits do not wait for the WAL to reach the disk (it
    does within a second): waiting cost more than sending the e-mail. A worker killed at
    any moment loses nothing by it; only a crash of the database server itself within
    that second could forget a "sent", and that e-mail would go once more."""
    if database.vendor != "postgresql" or database.in_atomic_block:
        yield
        return
    with database.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with database.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


# One open SMTP connection per worker process, reused from task to task: opening one per
# e-mail (TCP, EHLO, STARTTLS, AUTH) costs more than the sending.
_open_connections: dict = {}


def _send(message: EmailMultiAlternatives) -> None:
    try:
        _connection().send_messages([message])
    except smtplib.SMTPServerDisconnected:
        # The server closed an idle connection: open a new one and try once more.
        _drop_connection()
        _connection().send_messages([message])


def _connection():
    key = (
        settings.EMAIL_BACKEND,
        getattr(settings, "EMAIL_HOST", ""),
        getattr(settings, "EMAIL_PORT", 0),
    )
    connection = _open_connections.get(key)
    if connection is None:
        _open_connections.clear()  # Settings changed (tests): forget the old one.
        connection = get_connection(timeout=settings.EMAIL_TIMEOUT)
        connection.open()
        _open_connections[key] = connection
    return connection


def _drop_connection() -> None:
    for connection in _open_connections.values():
        with suppress(Exception):
            connection.close()
    _open_connections.clear()


# Every message is sent by the portal, not typed by a person: autoresponders (RFC 3834,
# and Exchange's own header) must not answer it, so an out-of-office never loops.
AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "OOF, AutoReply"}


class _Message(EmailMultiAlternatives):
    """Django encodes a non-ASCII subject without the header's name, so it came out as an
    empty first line ("Subject:" and the encoded words below it, which parsers read as a
    leading space) and lines of up to 80 octets. Here the Subject is encoded knowing its
    name, so it folds within RFC 5322's 78 octets from the first line."""

    def message(self, **kwargs):
        message = super().message(**kwargs)  # also refuses a subject with a line break
        del message["Subject"]
        text = str(self.subject)
        try:
            text.encode("ascii")
            subject = Header(text, header_name="Subject")
        except UnicodeEncodeError:
            subject = Header(text, "utf-8", header_name="Subject")
        Message.__setitem__(message, "Subject", subject)  # as it is: Django's would re-encode
        return message


def _build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = _Message(
        subject=email.subject,
        body=email.body_text,
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        # One Message-ID per row: a copy sent twice (a worker killed between the SMTP
        # server's "250" and our "sent") is recognisably the same message.
        headers={"Message-ID": message_id(email), **AUTOMATIC, **email.headers},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    if email.calendar:
        # As an alternative part with its method, Outlook and Google show it as an invitation;
        # the attached file serves clients that only look at attachments.
        method = email.calendar_method or "REQUEST"
        message.attach_alternative(email.calendar, f"text/calendar; method={method}")
        message.attach("invite.ics", email.calendar.encode(), "application/ics")
    for attachment in email.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


def message_id(email: OutgoingEmail) -> str:
    domain = urlsplit(settings.SITE_URL).hostname or "kulturportal.localhost"
    return f"<outbox-{email.pk}-{email.created_at:%Y%m%d%H%M%S}@{domain}>"


def _is_transient(error: Exception) -> bool:
    """A 4xx reply or a lost connection may pass; a 5xx reply will not."""
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return isinstance(error, SENDING_ERRORS)


def _record_failure(email: OutgoingEmail, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"[:1000]
    retry = _is_transient(error) and email.attempts < settings.EMAIL_MAX_ATTEMPTS
    delay = retry_delay(email.attempts)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.QUEUED if retry else OutgoingEmail.Status.FAILED,
        last_error=reason,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    logger.warning(
        "E-mail %s to %s failed (attempt %s): %s", email.pk, email.to, email.attempts, reason
    )
    if retry:
        raise Deferred(delay)


def retry_delay(attempts: int) -> int:
    """Exponential backoff: 30 s, 1 min, 2 min, … capped at 30 minutes.

    EMAIL_RETRY_BASE_SECONDS sets the first step (30); the integration tests shorten it.
    """
    base = settings.EMAIL_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 30 * 60)


def dispatch_due() -> int:
    """Re-queue claims left by a killed worker and dispatch everything that is due."""
    OutgoingEmail.objects.stale_claims(STALE_CLAIM_AFTER).update(status=OutgoingEmail.Status.QUEUED)
    ids = list(OutgoingEmail.objects.due().order_by("pk").values_list("pk", flat=True)[:5000])
    for batch in batches(ids):
        send_emails.delay(batch)
    return len(ids)


# --- Tasks ------------------------------------------------------------------------------


@task(acks_late=True, soft_time_limit=60, time_limit=90)
def send_email(email_id: int) -> None:
    # On Deferred the row is queued again with its next attempt time; the sweep sends it.
    with suppress(Deferred):
        deliver(email_id)


@task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_emails(email_ids: list[int]) -> int:
    """A batch over one connection, each e-mail claimed on its own (deliver_batch)."""
    return deliver_batch(email_ids)


@task(soft_time_limit=120, time_limit=180)
def dispatch_queued_email() -> int:
    """Run by beat: what is due (retries, rows whose task never ran), and killed claims."""
    return dispatch_due()
