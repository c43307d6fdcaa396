"""The receipt of a submission: a PDF copy and an e-mail with the whole submitted content to
each representative, once, from a task after the commit; a sweep for receipts whose task
never ran."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consultations import document
from consultations.models import (
    Submission,
)
from consultations.services.respondents import people_of
from kulturportal.emails import Attachment as EmailAttachment
from kulturportal.emails import attach, queue_emails, templated_email
from kulturportal.tasks import task


def queue_receipts(submission_id: int) -> int:
    """The receipt, with the full submitted content and a PDF copy, to each representative.
    Safe to run twice: each e-mail has a dedupe key, and the submission remembers."""
    submission = Submission.objects.select_related(
        "response__round", "response__organisation", "response__municipality"
    ).get(pk=submission_id)
    if submission.receipts_queued_at:
        return 0
    people = people_of(submission.response)
    pdf_bytes, filename = document.receipt_pdf(submission)
    emails = [_receipt_email(submission, person, pdf_bytes, filename) for person in people]
    with transaction.atomic():
        claimed = Submission.objects.filter(pk=submission.pk, receipts_queued_at__isnull=True)
        if not claimed.update(receipts_queued_at=timezone.now()):
            return 0
        queue_emails(emails)
    return len(emails)


def _receipt_email(submission, person, pdf_bytes, filename):
    response = submission.response
    email = templated_email(
        to=person.email,
        name="consultations/emails/receipt",
        context={
            **document.receipt_context(submission),
            "recipient": person,
            "form_url": settings.SITE_URL + response.form_url(),
        },
        language=person.preferred_language or "sv",
        dedupe_key=f"consultation-receipt:{submission.pk}:{person.pk}",
    )
    return attach(email, EmailAttachment(filename, pdf_bytes, "application/pdf"))


def submissions_missing_receipts(older_than_seconds: int = 120) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        Submission.objects.filter(receipts_queued_at__isnull=True, submitted_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


@task(acks_late=True, in_thread=True, soft_time_limit=120, time_limit=150)
def send_receipts(submission_id: int) -> int:
    """Render the receipt's PDF and queue one e-mail per representative, once. In the
    embedded default a thread of the web process runs it, so the submission does not wait."""
    return queue_receipts(submission_id)


@task(soft_time_limit=120, time_limit=180)
def sweep_receipts() -> int:
    """Run by beat: receipts whose task never ran (the broker was down at the submission)."""
    ids = submissions_missing_receipts()
    for submission_id in ids:
        send_receipts.delay(submission_id)
    return len(ids)
