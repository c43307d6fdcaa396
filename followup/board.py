"""Who is expected to report for a year (every organisation with a funding decision for it),
who has (submitted or approved), by activity area, with whom to ask among the missing: the
core's completion board (kulturportal/boards.py). A fixed number of queries, whatever the
number of organisations."""

from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from followup.models import AnnualReport, FundingDecision, ReportingRound
from kulturportal.boards import Board, BoardGroup, BoardRow, with_contacts
from kulturportal.models import Organisation, Role, RoleAssignment, User

NO_CONTACT = gettext_lazy("ingen företrädare registrerad")


def expected(year: int) -> list[FundingDecision]:
    return list(FundingDecision.objects.for_year(year))


def completion(round: ReportingRound, *, on: date | None = None) -> Board:
    """The organisations funded for the round's year, each in the group of the activity area
    with most of its state grant (counted once, so "14 av 21" adds up)."""
    decisions = expected(round.year)
    reports = {}
    for report in AnnualReport.objects.filter(round=round).select_related("current_submission"):
        report.round = round  # for its links, without a query per row
        reports[report.organisation_id] = report
    groups: dict[int | None, BoardGroup] = {}
    order: dict[int | None, int] = {}
    for decision in decisions:
        area = decision.main_area()
        key = area.pk if area else None
        if key not in groups:
            groups[key] = BoardGroup(area.name if area else str(_("Utan statliga medel")), [])
            order[key] = area.position if area else 99
        groups[key].rows.append(_row(decision.organisation, reports.get(decision.organisation_id)))
    rows = [row for group in groups.values() for row in group.rows]
    with_contacts(rows, on=on, own_address=True)
    return Board([groups[key] for key in sorted(groups, key=lambda k: order[k])])


def _row(organisation: Organisation, report: AnnualReport | None) -> BoardRow:
    if report is None:
        return BoardRow(party=organisation)
    submission = report.current_submission
    return BoardRow(
        party=organisation,
        item=report,
        done=report.is_done(),
        started=report.status in (AnnualReport.Status.DRAFT, AnnualReport.Status.RETURNED)
        and (report.has_draft_changes or report.status == AnnualReport.Status.RETURNED),
        done_at=submission.submitted_at if submission and report.is_done() else None,
        url=report.review_url() if submission else "",
    )


def representatives(organisation: Organisation) -> list[User]:
    """The people who report for the organisation: its representatives in force today."""
    roles = RoleAssignment.objects.active().filter(
        organisation=organisation, role=Role.ORGANISATION_REPRESENTATIVE
    )
    return list(User.objects.filter(is_active=True, pk__in=roles.values("user")).order_by("email"))
