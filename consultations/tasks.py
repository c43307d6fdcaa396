"""The consultations' background jobs. Each is safe to run twice."""

from celery import shared_task

from consultations import services


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def send_receipts(submission_id: int) -> int:
    """Render the receipt's PDF and queue one e-mail per representative, once."""
    return services.queue_receipts(submission_id)


@shared_task(soft_time_limit=120, time_limit=180)
def sweep_receipts() -> int:
    """Receipts whose task never ran (the broker was down at the submission): queue them."""
    ids = services.submissions_missing_receipts()
    for submission_id in ids:
        send_receipts.delay(submission_id)
    return len(ids)
