"""The reporting round of a year: opened with a deadline (the funded organisations are told),
changed, the missing reminded once a day, and the area distribution confirmed."""

from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from followup.board import completion, expected
from followup.models import ReportingRound
from kulturportal import audit
from kulturportal.boards import (  # noqa: F401 - the reminder's refusals, for the views
    AlreadyReminded,
    BoardRow,
    Contact,
    NoOneToRemind,
    remind_missing_once_a_day,
    with_contacts,
)
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import queue_emails, templated_email

audit.register_actions(
    {
        "round.opened": gettext_lazy("Rapporteringen öppnad"),
        "round.changed": gettext_lazy("Rapporteringen ändrad"),
        "round.reminded": gettext_lazy("Påminnelse skickad"),
        "round.confirmed": gettext_lazy("Områdesfördelningen bekräftad"),
    },
    details={
        "recipients": gettext_lazy("Mottagare"),
        "organisations": gettext_lazy("Organisationer"),
        "deadline": gettext_lazy("Sista dag"),
    },
)


class RoundExists(Exception):
    """The year has a round already."""


class NoDecisions(Exception):
    """No organisation has a funding decision for the year: no one to ask."""


ROUND_FIELDS = ["deadline", "jump_threshold"]


@transaction.atomic
def open_round(*, year: int, deadline: datetime, jump_threshold: int = 30, actor) -> ReportingRound:
    """Open the year's reporting and tell each funded organisation's representatives (or
    the organisation's own address) by e-mail, once."""
    if ReportingRound.objects.filter(year=year).exists():
        raise RoundExists
    decisions = expected(year)
    if not decisions:
        raise NoDecisions
    round = ReportingRound.objects.create(
        year=year,
        deadline=deadline,
        jump_threshold=jump_threshold,
        opened_by=audit.person(actor),
    )
    rows = with_contacts([BoardRow(party=d.organisation) for d in decisions], own_address=True)
    queue_emails([_opened_email(round, row, contact) for row in rows for contact in row.contacts])
    audit.record(
        "round.opened",
        round,
        actor=actor,
        changes={"deadline": [None, audit.jsonable(deadline)]},
        details={"organisations": len(decisions)},
    )
    invalidate_public_pages_on_commit()
    return round


def _form_url(round: ReportingRound, organisation, language: str) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(
            "followup:report_form", args=[round.year, organisation.slug]
        )


def _opened_email(round: ReportingRound, row: BoardRow, contact: Contact):
    return templated_email(
        to=contact.email,
        name="followup/emails/round_opened",
        context={
            "round": round,
            "organisation": row.party,
            "recipient": contact,
            "form_url": _form_url(round, row.party, contact.language),
        },
        language=contact.language,
        dedupe_key=f"followup-opened:{round.pk}:{row.party.pk}:{contact.email}",
    )


@transaction.atomic
def change_round(*, round: ReportingRound, deadline: datetime, jump_threshold: int, actor):
    round = ReportingRound.objects.select_for_update().get(pk=round.pk)
    before = audit.snapshot(round, ROUND_FIELDS)
    round.deadline, round.jump_threshold = deadline, jump_threshold
    round.save(update_fields=[*ROUND_FIELDS, "updated_at"])
    audit.record(
        "round.changed",
        round,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(round, ROUND_FIELDS)),
    )
    invalidate_public_pages_on_commit()
    return round


@transaction.atomic
def send_reminders(*, round: ReportingRound, actor, today: date | None = None) -> int:
    """Remind the representatives of the organisations that have not reported (or whose
    report was returned); once a day per round. Returns the number of e-mails queued."""
    today = today or timezone.localdate()
    reminder, reminded = remind_missing_once_a_day(
        about=round,
        board=completion(round, on=today),
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
            "organisations": sorted(row.party.name for row in reminded),
        },
    )
    return reminder.recipients


def _reminder_email(round: ReportingRound, row: BoardRow, contact: Contact, reminder):
    report = row.item
    return templated_email(
        to=contact.email,
        name="followup/emails/reminder",
        context={
            "round": round,
            "organisation": row.party,
            "recipient": contact,
            "returned": bool(report and report.status == report.Status.RETURNED),
            "form_url": _form_url(round, row.party, contact.language),
        },
        language=contact.language,
        dedupe_key=(
            f"followup-reminder:{round.pk}:{reminder.sent_on}:{row.party.pk}:{contact.email}"
        ),
    )


@transaction.atomic
def confirm_distribution(*, round: ReportingRound, actor) -> ReportingRound:
    """The region confirms the area distribution it sends to Kulturrådet (the XLSX's last
    sheet says who and when)."""
    round = ReportingRound.objects.select_for_update().get(pk=round.pk)
    round.confirmed_at = timezone.now()
    round.confirmed_by = audit.person(actor)
    round.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    audit.record("round.confirmed", round, actor=actor)
    return round
