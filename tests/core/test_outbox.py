"""The outbox against a real SMTP server: each e-mail is claimed before it goes, so a
retried or duplicated task sends nothing twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kulturportal import emails
from kulturportal.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _queued(to="kulturchef.lund@example.se"):
    return OutgoingEmail.objects.create(
        to=to, subject="Hej", body_text="Text", body_html="<p>Text</p>"
    )


def test_delivering_twice_sends_once(smtp_server):
    email = _queued()
    emails.deliver(email.pk)
    emails.deliver(email.pk)
    assert len(smtp_server.collector.to("kulturchef.lund@example.se")) == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1


def test_message_has_text_and_html(smtp_server):
    emails.deliver(_queued().pk)
    message = smtp_server.collector.messages[0]
    assert message["Subject"] == "Hej"
    assert {part.get_content_type() for part in message.walk()} >= {"text/plain", "text/html"}


def test_server_down_keeps_the_email_queued_with_a_backoff(settings):
    from tests.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    email = _queued()
    with pytest.raises(emails.Deferred):
        emails.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=20)


def test_temporary_refusal_is_retried_then_delivered_once(smtp_server):
    email = _queued()
    smtp_server.collector.refuse_with = "451 Try again later"
    with pytest.raises(emails.Deferred):
        emails.deliver(email.pk)
    smtp_server.collector.refuse_with = None
    emails.deliver(email.pk)  # too early: the backoff is not over
    assert not smtp_server.collector.messages
    OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    emails.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    assert len(smtp_server.collector.messages) == 1


def test_permanent_refusal_fails_with_the_reason(smtp_server):
    email = _queued()
    smtp_server.collector.refuse_with = "550 No such mailbox"
    emails.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert "550" in email.last_error


def test_gives_up_after_the_attempt_limit(smtp_server, settings):
    email = _queued()
    smtp_server.collector.refuse_with = "451 Try again later"
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=settings.EMAIL_MAX_ATTEMPTS - 1)
    emails.deliver(email.pk)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED


def test_sweep_requeues_stale_claims_and_sends_them(
    smtp_server, django_capture_on_commit_callbacks
):
    email = _queued()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):  # beat runs it outside one
        assert emails.dispatch_due() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


def test_queue_email_with_the_same_key_queues_once(django_capture_on_commit_callbacks, smtp_server):
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue_email(to="a@example.se", subject="S", body_text="B", dedupe_key="k1")
        emails.queue_email(to="a@example.se", subject="S", body_text="B", dedupe_key="k1")
    assert OutgoingEmail.objects.count() == 1
    assert len(smtp_server.collector.messages) == 1


def test_retry_delay_grows_and_is_capped():
    assert [emails.retry_delay(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert emails.retry_delay(50) == 30 * 60


def test_one_retry_mechanism_with_one_limit(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    """The task never asks Celery to retry; the sweep tries again until EMAIL_MAX_ATTEMPTS."""
    from kulturportal.emails import send_email

    smtp_server.collector.refuse_with = "451 4.3.0 Try again later"
    email = _queued()
    send_email.apply(args=[email.pk]).get()  # returns quietly: no Celery retry is scheduled
    for _ in range(settings.EMAIL_MAX_ATTEMPTS + 2):
        OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        with django_capture_on_commit_callbacks(execute=True):  # beat runs it outside one
            emails.dispatch_due()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == settings.EMAIL_MAX_ATTEMPTS


def test_a_task_that_comes_before_its_time_sends_nothing(smtp_server):
    email = _queued()
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    emails.deliver(email.pk)
    assert not smtp_server.collector.messages


def test_any_file_travels_with_an_e_mail(smtp_server, django_capture_on_commit_callbacks):
    """Outbox attachments: stored with the row, sent as a real attachment."""
    pdf = b"%PDF-1.7\n" + b"x" * 1000
    email = emails.attach(
        OutgoingEmail(to="forening@example.se", subject="Kvitto", body_text="Se bilagan."),
        emails.Attachment("kvitto-KN-2029-0042.pdf", pdf, "application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        emails.queue_emails([email])
    (message,) = smtp_server.collector.to("forening@example.se")
    (part,) = [p for p in message.walk() if p.get_filename()]
    assert part.get_filename() == "kvitto-KN-2029-0042.pdf"
    assert part.get_content_type() == "application/pdf"
    assert part.get_payload(decode=True) == pdf


def test_an_attachment_too_large_for_e_mail_is_refused():
    big = emails.Attachment("stor.pdf", b"0" * (emails.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValueError, match="larger than an e-mail"):
        emails.attach(OutgoingEmail(to="a@example.se", subject="x", body_text="x"), big)


def test_every_e_mail_says_it_was_sent_automatically(smtp_server):
    """Defect (issue 11): invitations and reminders carried no Auto-Submitted header, so an
    out-of-office reply could answer them, and a second autoresponder answer that."""
    emails.deliver(_queued().pk)
    message = smtp_server.collector.messages[0]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "OOF, AutoReply"
