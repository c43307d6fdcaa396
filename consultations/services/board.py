"""The referral board: which addressees have answered, by sub-region, and the reminder to the
missing, once a day (the core's boards)."""

from datetime import date
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consultations.models import (
    Response,
    Round,
)
from consultations.services.rounds import RoundClosed
from kulturportal import audit
from kulturportal.boards import (
    Board,
    BoardRow,
    Contact,
    remind_missing_once_a_day,
    with_contacts,
)
from kulturportal.emails import templated_email
from kulturportal.models import (
    Municipality,
    Organisation,
    OutgoingEmail,
)

audit.register_actions(
    {"round.reminded": gettext_lazy("Påminnelse skickad")},
    details={"recipients": gettext_lazy("Mottagare")},
)


def referral_board(round: Round) -> Board:
    """Every addressee of the round and its response: the municipalities by sub-region,
    then the organisations it is addressed to; whom to ask among the missing (the people
    in the portal, else the addressee's own address)."""
    responses = {
        (r.organisation_id, r.municipality_id): r
        # A draft never sent is the addressee's own: the board does not know of it.
        for r in Response.objects.seen_by_officials()
        .filter(round=round)
        .only("pk", "status", "organisation_id", "municipality_id", "submitted_at", "round_id")
    }
    parties: list[Municipality | Organisation] = []
    if round.addresses_municipalities:
        parties += list(Municipality.objects.for_listing())
    parties += list(round.addressed_organisations.all())
    rows = []
    for party in parties:
        key = (None, party.pk) if isinstance(party, Municipality) else (party.pk, None)
        rows.append(_board_row(round, party, responses.get(key)))
    return Board.by_sub_region(with_contacts(rows, own_address=True), others=str(OTHER_ADDRESSEES))


OTHER_ADDRESSEES = gettext_lazy("Övriga remissinstanser")


def _board_row(round: Round, party, response: Response | None) -> BoardRow:
    if response is None:
        return BoardRow(party=party)
    if not response.is_submitted():  # withdrawn: it cannot be sent again
        return BoardRow(party=party, item=response, closed=True)
    return BoardRow(
        party=party,
        item=response,
        done=True,
        done_at=response.submitted_at,
        url=reverse("consultations:manage_response", args=[round.slug, response.pk]),
    )


@transaction.atomic
def remind_missing(*, round: Round, actor, today: date | None = None) -> int:
    """Remind only the addressees that have not answered; once a day per round. A
    withdrawn response cannot be sent again: its addressee is not reminded to."""
    today = today or timezone.localdate()
    if not round.is_open():
        raise RoundClosed
    reminder, reminded = remind_missing_once_a_day(
        about=round,
        board=referral_board(round),
        email=partial(_reminder_email, round),
        actor=actor,
        today=today,
    )
    audit.record(
        "round.reminded",
        round,
        actor=actor,
        details={
            "recipients": reminder.recipients,
            "respondents": sorted(str(row.party) for row in reminded),
        },
    )
    return reminder.recipients


def _reminder_email(round: Round, row: BoardRow, contact: Contact, reminder) -> OutgoingEmail:
    return templated_email(
        to=contact.email,
        name="consultations/emails/reminder",
        context={
            "round": round,
            "respondent": row.party,
            "form_url": settings.SITE_URL + round.get_absolute_url(),
        },
        language=contact.language,
        dedupe_key=f"consultation-reminder:{round.pk}:{reminder.sent_on}:{contact.email}",
    )
