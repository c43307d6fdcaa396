"""The official's review of a submitted report: approve it (its figures become public), or
return it to the organisation with a comment (komplettering). Either way the organisation's
representatives are told by e-mail, once."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy

from followup.board import representatives
from followup.models import AnnualReport, ReportReview
from followup.services.mail import decision_email
from kulturportal import audit
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import queue_emails

audit.register_actions(
    {
        "report.approved": gettext_lazy("Årsrapporten godkänd"),
        "report.returned": gettext_lazy("Årsrapporten återsänd för komplettering"),
    },
    details={"comment": gettext_lazy("Kommentar")},
)


class NotAwaitingReview(Exception):
    """Only a submitted report is approved or returned."""


class CommentRequired(Exception):
    """A report is returned with a comment that says what to complete."""


def _submitted(report: AnnualReport) -> AnnualReport:
    report = (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("round", "organisation", "current_submission")
        .get(pk=report.pk)
    )
    if report.status != AnnualReport.Status.SUBMITTED or report.current_submission is None:
        raise NotAwaitingReview
    return report


def _decide(report: AnnualReport, decision: str, comment: str, actor) -> ReportReview:
    assert report.current_submission is not None  # _submitted() made sure
    review = ReportReview.objects.create(
        report=report,
        content=report.current_submission,
        decision=decision,
        comment=comment,
        decided_by=audit.person(actor),
    )
    queue_emails(
        [decision_email(report, review, person) for person in representatives(report.organisation)]
    )
    return review


@transaction.atomic
def approve(*, report: AnnualReport, comment: str = "", actor) -> ReportReview:
    """Approve the version last submitted: it is final, and public."""
    report = _submitted(report)
    report.status = AnnualReport.Status.APPROVED
    report.approved_submission = report.current_submission
    report.approved_at = timezone.now()
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    review = _decide(report, ReportReview.Decision.APPROVED, comment.strip(), actor)
    audit.record(
        "report.approved",
        report,
        actor=actor,
        details={"version_number": review.content.number},
    )
    invalidate_public_pages_on_commit()
    return review


@transaction.atomic
def return_report(*, report: AnnualReport, comment: str, actor) -> ReportReview:
    """Send the report back for completion, saying what is missing."""
    if not comment.strip():
        raise CommentRequired
    report = _submitted(report)
    report.status = AnnualReport.Status.RETURNED
    report.version = F("version") + 1
    report.save()
    report.refresh_from_db()
    review = _decide(report, ReportReview.Decision.RETURNED, comment.strip(), actor)
    audit.record(
        "report.returned",
        report,
        actor=actor,
        details={"version_number": review.content.number, "comment": comment.strip()},
    )
    return review
