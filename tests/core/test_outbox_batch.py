"""Many e-mails from one task (emails.deliver_batch) against a real SMTP server: one
connection, each e-mail claimed on its own and marked sent in the statement that claims
the next, so a worker killed mid-batch can send one e-mail twice at most."""

from datetime import timedelta

import pytest
from django.core.mail.backends.smtp import EmailBackend
from django.utils import timezone

from kulturportal import emails
from kulturportal.models import OutgoingEmail

pytestmark = pytest.mark.django_db

Status = OutgoingEmail.Status


def _queued(count: int, **fields) -> list[OutgoingEmail]:
    return [
        OutgoingEmail.objects.create(
            to=f"mottagare{n}@example.se", subject="Hej", body_text="Text", **fields
        )
        for n in range(count)
    ]


def test_a_batch_sends_each_queued_email_once_over_one_connection(smtp_server):
    queued = _queued(5)
    (sent,) = _queued(1, status=Status.SENT)
    (held,) = _queued(1, status=Status.SENDING, claimed_at=timezone.now())
    ids = [e.pk for e in [*queued, sent, held]]
    assert emails.deliver_batch(ids) == 5
    assert emails.deliver_batch(ids) == 0  # a task run twice sends nothing more
    assert sorted(m["To"] for m in smtp_server.collector.messages) == sorted(e.to for e in queued)
    assert smtp_server.collector.connections == 1
    statuses = dict(OutgoingEmail.objects.values_list("pk", "status"))
    assert [statuses[e.pk] for e in queued] == [Status.SENT] * 5
    assert statuses[held.pk] == Status.SENDING  # another worker's, left alone


def test_a_refused_address_fails_alone_and_the_batch_goes_on(smtp_server):
    first, refused, last = _queued(3)
    smtp_server.collector.unknown = {refused.to}
    assert emails.deliver_batch([first.pk, refused.pk, last.pk]) == 2
    refused.refresh_from_db()
    assert refused.status == Status.FAILED and "550" in refused.last_error
    assert [m["To"] for m in smtp_server.collector.messages] == [first.to, last.to]


def test_a_transient_refusal_is_queued_again_with_its_backoff(smtp_server):
    (email,) = _queued(1)
    smtp_server.collector.refuse_with = "451 4.3.0 Try again later"
    assert emails.deliver_batch([email.pk]) == 0
    email.refresh_from_db()
    assert email.status == Status.QUEUED and email.attempts == 1
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=20)


def test_an_email_not_yet_due_is_left_for_its_time(smtp_server):
    (email,) = _queued(1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    assert emails.deliver_batch([email.pk]) == 0
    assert not smtp_server.collector.messages


class WatchingBackend(EmailBackend):
    """Django's SMTP backend, noting each row's status as each message goes."""

    seen: list[dict] = []

    def send_messages(self, email_messages):
        WatchingBackend.seen.append(dict(OutgoingEmail.objects.values_list("pk", "status")))
        return super().send_messages(email_messages)


def test_while_one_email_goes_only_it_is_claimed_and_those_before_are_marked_sent(
    smtp_server, settings
):
    """The duplicate window is one e-mail: a kill at any moment leaves one row claimed
    (to go again after STALE_CLAIM_AFTER), the earlier ones sent and the later ones queued
    for the sweep at once — not a whole batch held back for ten minutes."""
    settings.EMAIL_BACKEND = f"{__name__}.WatchingBackend"
    emails._drop_connection()
    WatchingBackend.seen = []
    queued = _queued(4)
    emails.deliver_batch([e.pk for e in queued])
    for n, seen in enumerate(WatchingBackend.seen):
        assert [seen[e.pk] for e in queued] == (
            [Status.SENT] * n + [Status.SENDING] + [Status.QUEUED] * (len(queued) - n - 1)
        )
    assert len(WatchingBackend.seen) == 4


def test_the_sweep_sends_in_batches(smtp_server, django_capture_on_commit_callbacks):
    queued = _queued(emails.BATCH_SIZE + 1)
    with django_capture_on_commit_callbacks(execute=True):  # beat runs it outside one
        assert emails.dispatch_due() == len(queued)  # eager here: the batches run at once
    assert len(smtp_server.collector.messages) == len(queued)
    assert smtp_server.collector.connections == 1  # the worker's connection is kept
