"""E-mail tasks. The outbox row is the one record of what is due: a failed delivery puts
the row back as queued with its next attempt time, and the sweep (beat) sends it then, up
to EMAIL_MAX_ATTEMPTS. Celery itself never retries, so there is one mechanism and one limit.

Delivery is at least once: a worker killed between the SMTP server's "250" and the row
marked sent leaves a claim that the sweep re-queues after STALE_CLAIM_AFTER (10 minutes),
and that one e-mail goes a second time, with the same Message-ID. A batch marks each row
sent in the statement that claims the next, so the window is one statement long, and a
kill leaves one e-mail at most to go twice (bench/fanout.py measures it).
"""

from contextlib import suppress

from celery import shared_task

from kulturportal import background_exports, emails, pdf


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def send_email(email_id: int) -> None:
    # On Deferred the row is queued again with its next attempt time; the sweep sends it.
    with suppress(emails.Deferred):
        emails.deliver(email_id)


@shared_task(soft_time_limit=120, time_limit=180)
def dispatch_queued_email() -> int:
    return emails.dispatch_due()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_emails(email_ids: list[int]) -> int:
    """A batch over one connection, each e-mail claimed on its own (emails.deliver_batch)."""
    return emails.deliver_batch(email_ids)


@shared_task(acks_late=True, soft_time_limit=pdf.SOFT_TIME_LIMIT, time_limit=pdf.TIME_LIMIT)
def render_document(document_id: int) -> None:
    """Make one stored PDF. Claims the row first, so a duplicated task renders nothing."""
    pdf.render_stored(document_id)


@shared_task(
    acks_late=True,
    soft_time_limit=background_exports.SOFT_TIME_LIMIT,
    time_limit=background_exports.TIME_LIMIT,
)
def build_export(export_id: int) -> None:
    """Build one export file. Claims the row first, so a duplicated task builds nothing;
    a failure is stored on the row (FAILED), never raised, so Celery does not retry."""
    background_exports.build(export_id)


@shared_task(soft_time_limit=300, time_limit=360)
def clean_up_exports() -> int:
    """Delete export files and rows older than a week; fail those lost on the way."""
    return background_exports.clean_up()
