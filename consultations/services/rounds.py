"""A round and its questions: created, edited, documents added, questions fixed once someone
has answered."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consultations.models import Group, Question, Round, RoundDocument
from kulturportal import audit, search, uploads
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.models import (
    Organisation,
    OrganisationKind,
)

audit.register_actions(
    {
        "round.created": gettext_lazy("Omgången skapad"),
        "round.changed": gettext_lazy("Omgången ändrad"),
        "round.document_added": gettext_lazy("Underlag tillagt"),
        "round.question_saved": gettext_lazy("Fråga sparad"),
        "round.question_deleted": gettext_lazy("Fråga borttagen"),
    },
    details={"question": gettext_lazy("Fråga"), "filename": gettext_lazy("Fil")},
    value_labels={(Round, "groups"): Group.choices},
)


class RoundClosed(Exception):
    """The deadline has passed (or the round has not opened): nothing is submitted."""


class RoundNotOpen(Exception):
    """The round has not opened yet: a draft may be written, nothing submitted."""


class RoundStarted(Exception):
    """Questions are fixed once the round has opened: answers refer to them."""


class RoundStillOpen(Exception):
    """Responses are published only after the deadline."""


def referral_addressees() -> list[Organisation]:
    """Besides the 33 municipalities: Skånes Kommuner and the County Administrative Board."""
    return list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.MUNICIPAL_ASSOCIATION, OrganisationKind.STATE_AGENCY]
        )
    )


@transaction.atomic
def create_round(*, round: Round, addressed: list[Organisation] | None = None, actor) -> Round:
    round.created_by = audit.person(actor)
    if round.is_referral():
        round.addresses_municipalities = True
    round.save()
    if addressed is None and round.is_referral():
        addressed = referral_addressees()
    round.addressed_organisations.set(addressed or [])
    audit.record("round.created", round, actor=actor, changes=_round_changes({}, round))
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(round)
    return round


def _round_changes(before: dict, round: Round) -> dict:
    return audit.diff(before, audit.snapshot(round, Round.AUDITED_FIELDS))


@transaction.atomic
def save_round(
    *, round: Round, before: dict, addressed: list[Organisation] | None = None, actor
) -> Round:
    round.save()
    if addressed is not None:
        round.addressed_organisations.set(addressed)
    audit.record("round.changed", round, actor=actor, changes=_round_changes(before, round))
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(round)
    return round


@transaction.atomic
def add_document(*, round: Round, title: str, upload, actor) -> RoundDocument:
    uploads.check_document(upload)
    document = RoundDocument.objects.create(
        round=round,
        title=title,
        file=upload,
        content_type=upload.content_type_checked,
        size=upload.size,
    )
    audit.record(
        "round.document_added", round, actor=actor, details={"filename": document.file.name}
    )
    invalidate_public_pages_on_commit()
    return document


def _has_answers(round: Round) -> bool:
    """Someone has saved or submitted something: the questions are fixed from then on."""
    return round.responses.exclude(version=0).exists()


@transaction.atomic
def save_question(*, question: Question, actor) -> Question:
    if question.round.opens_at <= timezone.now() and _has_answers(question.round):
        raise RoundStarted
    question.save()
    audit.record(
        "round.question_saved",
        question.round,
        actor=actor,
        details={"question": question.text, "kind": question.kind},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(question)
    return question


@transaction.atomic
def delete_question(*, question: Question, actor) -> None:
    if _has_answers(question.round):
        raise RoundStarted
    audit.record(
        "round.question_deleted",
        question.round,
        actor=actor,
        details={"question": question.text},
    )
    question.delete()
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(question.round)
