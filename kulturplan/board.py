"""The completion board of a plan's registration: which municipalities have submitted their
priorities, by sub-region, and whom to ask among the missing (the core's boards)."""

from datetime import date

from django.utils.translation import gettext_lazy as _

from kulturplan.models import CulturePlan, Registration
from kulturportal.boards import Board, BoardRow, with_contacts
from kulturportal.models import Municipality

NO_CONTACT = _("ingen kulturchef registrerad")


def completion(plan: CulturePlan, *, on: date | None = None) -> Board:
    """All 33 municipalities, their registration and culture chiefs (whose role is in
    force `on` that day): a fixed number of queries."""
    registrations = {
        r.municipality_id: r
        for r in Registration.objects.filter(plan=plan).select_related(
            "current_submission", "updated_by"
        )
    }
    rows = [
        _row(municipality, registrations.get(municipality.pk))
        for municipality in Municipality.objects.for_listing()
    ]
    return Board.by_sub_region(with_contacts(rows, on=on))


def _row(municipality: Municipality, registration: Registration | None) -> BoardRow:
    if registration is None:
        return BoardRow(party=municipality)
    submission = registration.current_submission
    return BoardRow(
        party=municipality,
        item=registration,
        done=submission is not None,
        started=registration.has_draft_changes,
        done_at=submission.submitted_at if submission else None,
    )
