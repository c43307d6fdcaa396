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
