from celery import shared_task

from kulturportal import emails


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_email(self, email_id: int) -> None:
    try:
        emails.deliver(email_id)
    except emails.Deferred as deferred:
        raise self.retry(countdown=deferred.args[0]) from deferred


@shared_task
def dispatch_queued_email() -> int:
    return emails.dispatch_due()


@shared_task(acks_late=True)
def dispatch_emails(email_ids: list[int]) -> None:
    """Fan a batch out to one task per e-mail, so each retries on its own."""
    for email_id in email_ids:
        send_email.delay(email_id)
