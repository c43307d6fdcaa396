"""Writing a response together: drafts that never overwrite another representative's text,
attachments, the submission before the deadline with every required answer, and withdrawal."""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consultations.models import (
    Answer,
    Attachment,
    Question,
    Response,
    Submission,
    text_hash,
)
from consultations.services.numbering import take_registration_number
from consultations.services.receipts import send_receipts
from consultations.services.rounds import RoundClosed, RoundNotOpen
from kulturportal import audit, search, uploads
from kulturportal.caching import invalidate_public_pages_on_commit

audit.register_actions(
    {
        "response.saved": gettext_lazy("Svaret sparat som utkast"),
        "response.submitted": gettext_lazy("Svaret inskickat"),
        "response.withdrawn": gettext_lazy("Svaret återkallat"),
        "response.attachment_added": gettext_lazy("Bilaga tillagd"),
        "response.attachment_removed": gettext_lazy("Bilaga borttagen"),
    },
    details={
        "registration_number": gettext_lazy("Diarienummer"),
        "files": gettext_lazy("Bilagor"),
        "version_number": gettext_lazy("Version"),
        "questions": gettext_lazy("Frågor"),
        "filename": gettext_lazy("Fil"),
    },
)

MAX_ATTACHMENTS = 10
TOO_MANY = gettext_lazy("Ett svar kan ha högst %(count)s bilagor.")


MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024


class ResponseWithdrawn(Exception):
    """A withdrawn response is not edited or submitted again."""


class NotSubmitted(Exception):
    """Only a submitted response is withdrawn; a draft is simply not sent."""


class OrganisationPending(Exception):
    """The organisation waits for Region Skåne's approval: drafts yes, submissions not yet."""


class NothingNewToSubmit(Exception):
    """The response stands submitted and nothing has changed since: no second version."""

    def __init__(self, submission):
        super().__init__(submission.number if submission else 0)
        self.submission = submission


class TooManyAttachments(ValidationError):
    """The response holds MAX_ATTACHMENTS already: said beside the file field, as any
    refused file is."""

    def __init__(self):
        super().__init__(TOO_MANY % {"count": MAX_ATTACHMENTS})


@dataclass
class Conflict:
    """Someone else changed this answer after the form was opened."""

    question: Question
    mine: str
    theirs: str
    theirs_by: str
    theirs_at: datetime | None


class AnswersConflict(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(len(conflicts))
        self.conflicts = conflicts


class RequiredMissing(Exception):
    def __init__(self, questions: list[Question]):
        super().__init__(len(questions))
        self.questions = questions


@dataclass
class Posted:
    """One answer as posted: its value and the hash of the value the form was opened with."""

    question: Question
    value: str
    choices: list[str] = field(default_factory=list)
    base_hash: str = ""


def _require_editable(response: Response) -> None:
    if response.is_withdrawn():
        raise ResponseWithdrawn


@transaction.atomic
def save_answers(
    *,
    response: Response,
    posted: list[Posted],
    consent: bool | None = None,
    consent_shown: bool | None = None,
    actor,
) -> Response:
    """Store what this person changed and nothing else.

    Each answer is compared with the text the form was opened with: an answer this person
    did not touch is left as it is now (another representative may have written it); an
    answer both changed is refused with both texts (AnswersConflict), never overwritten.
    A draft may be saved after the deadline: the text is kept, it is only not submitted.
    Consent is changed only when this person changed it (`consent_shown` is what the form
    showed). The log names the questions changed, never the text: a draft is the
    organisation's own until it is submitted.
    """
    response = _locked(response.pk)
    _require_editable(response)
    stored = {a.question_id: a for a in response.answers.select_related("updated_by")}
    if _save_locked(response, stored, posted, consent, consent_shown, actor):
        _touch(response, audit.person(actor))
    search.reindex_on_commit(response)
    return response


def _locked(pk: int) -> Response:
    """The response row locked, with what its log entries and a submission read."""
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("round", "organisation", "municipality", "current_submission")
        .get(pk=pk)
    )


def _save_locked(
    response: Response,
    stored: dict,
    posted: list[Posted],
    consent: bool | None,
    consent_shown: bool | None,
    actor,
) -> bool:
    """save_answers' work on the locked row; `stored` (answers by question) is kept
    current. True if anything changed."""
    changes, conflicts = [], []
    for item in posted:
        answer = stored.get(item.question.pk)
        now_value = answer.value() if answer else ""
        if text_hash(item.value) == item.base_hash or item.value == now_value:
            continue  # Untouched by this person, or the same text already.
        if text_hash(now_value) != item.base_hash:
            conflicts.append(_conflict(item, answer))
            continue
        changes.append((item, answer))
    if conflicts:
        raise AnswersConflict(conflicts)
    user = audit.person(actor)
    questions_changed = []
    for item, answer in changes:
        answer = answer or Answer(response=response, question=item.question)
        answer.text = "" if item.question.has_choices() else item.value
        answer.choices = item.choices if item.question.has_choices() else []
        answer.updated_by = user
        answer.save()
        stored[item.question.pk] = answer
        questions_changed.append(item.question.text[:120])
    consent_changes = {}
    touched_consent = consent is not None and (consent_shown is None or consent != consent_shown)
    if touched_consent and consent != response.consent_to_publish:
        consent_changes["consent_to_publish"] = [response.consent_to_publish, consent]
        response.consent_to_publish = bool(consent)
    if not (questions_changed or consent_changes):
        return False
    audit.record(
        "response.saved",
        response,
        actor=actor,
        changes=consent_changes,
        details={"questions": questions_changed},
    )
    return True


def _conflict(item: Posted, answer: Answer | None) -> Conflict:
    return Conflict(
        question=item.question,
        mine=item.value,
        theirs=answer.value() if answer else "",
        theirs_by=str(answer.updated_by) if answer and answer.updated_by else "",
        theirs_at=answer.updated_at if answer else None,
    )


def _touch(response: Response, user) -> None:
    """A new version of the locked row (the lock makes + 1 exact: no read back)."""
    response.version += 1
    # A submitted response edited again has changes that are not yet submitted.
    response.has_draft_changes = response.is_submitted()
    response.updated_by = user
    response.save()


@transaction.atomic
def add_attachment(
    *, response: Response, upload, question: Question | None = None, actor
) -> Attachment:
    response = _locked(response.pk)
    _require_editable(response)
    live = response.attachments.filter(removed_at__isnull=True).count()
    attachment = _attach_locked(response, upload, question, actor, live)
    _touch(response, audit.person(actor))
    return attachment


def _attach_locked(response: Response, upload, question, actor, live: int) -> Attachment:
    """add_attachment's work on the locked row that has `live` attachments already."""
    if live >= MAX_ATTACHMENTS:
        raise TooManyAttachments
    uploads.check_document(upload, max_bytes=MAX_ATTACHMENT_BYTES)
    attachment = Attachment.objects.create(
        response=response,
        question=question,
        file=upload,
        filename=upload.name,
        content_type=upload.content_type_checked,
        size=upload.size,
        uploaded_by=audit.person(actor),
    )
    # The file's name is the organisation's own until it is submitted (it may hold a
    # personnummer): the log keeps which attachment, not what it is called.
    audit.record(
        "response.attachment_added", response, actor=actor, details={"attachment": attachment.pk}
    )
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor) -> None:
    """Gone for everyone: the file is deleted once the removal commits; the row stays, so
    a submitted version can still say it had a file, and the log says it was removed."""
    response = _locked(attachment.response_id)
    _require_editable(response)
    stored = Attachment.objects.get(pk=attachment.pk)
    Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now(), file="")
    if stored.file.name:
        storage, name = stored.file.storage, stored.file.name

        def delete_file():
            storage.delete(name)

        transaction.on_commit(delete_file, robust=True)
    _touch(response, audit.person(actor))
    audit.record(
        "response.attachment_removed", response, actor=actor, details={"attachment": stored.pk}
    )


def missing_required(
    response: Response,
    *,
    answers: dict | None = None,
    attachments: list[Attachment] | None = None,
    questions: list[Question] | None = None,
) -> list[Question]:
    """The required questions left empty. The answers (by question), live attachments and
    questions may be given when the caller has them already."""
    if answers is None:
        answers = {a.question_id: a for a in response.answers.all()}
    if attachments is None:
        attachments = list(response.attachments.filter(removed_at__isnull=True))
    files = {a.question_id for a in attachments}
    missing = []
    for question in response.round.questions.all() if questions is None else questions:
        if not question.required:
            continue
        if question.kind == Question.Kind.FILE:
            if question.pk not in files:
                missing.append(question)
        elif question.pk not in answers or answers[question.pk].is_empty():
            missing.append(question)
    return missing


SUBMIT_REFUSALS = (
    OrganisationPending,
    NothingNewToSubmit,
    RoundNotOpen,
    RoundClosed,
    RequiredMissing,
)


class FilesRefused(Exception):
    """A chosen file was refused (its kind, its size, one too many): the rest is saved as
    a draft, nothing is submitted. `errors` holds the messages by the caller's key."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(len(errors))
        self.errors = errors


def save_and_submit(
    *,
    response: Response,
    posted: list[Posted],
    consent: bool | None = None,
    consent_shown: bool | None = None,
    files: list[tuple[str, object, Question | None]] = (),  # type: ignore[assignment]
    actor,
    moment: datetime | None = None,
) -> Submission:
    """The form's "Skicka in": what this person changed (as save_answers), the files they
    chose (key, upload, question) and the submission, in one transaction with one row lock.
    A conflict or a withdrawn response saves nothing. A refused file (FilesRefused) or a
    refused submission (SUBMIT_REFUSALS: the deadline, a required answer, nothing new) is
    raised once the rest has committed as a draft, as when it was saved alone."""
    refusal: Exception | None = None
    with transaction.atomic():
        response = _locked(response.pk)
        _require_editable(response)
        stored = {a.question_id: a for a in response.answers.select_related("updated_by")}
        attachments = list(response.attachments.filter(removed_at__isnull=True))
        changed = _save_locked(response, stored, posted, consent, consent_shown, actor)
        refused_files: dict[str, list[str]] = {}
        for key, upload, question in files:
            try:
                attachment = _attach_locked(response, upload, question, actor, len(attachments))
            except ValidationError as error:  # TooManyAttachments too
                refused_files[key] = error.messages
            else:
                attachments.append(attachment)
                changed = True
        if changed and response.is_submitted():
            response.has_draft_changes = True  # what the submission below looks for
        submission = None
        if refused_files:
            refusal = FilesRefused(refused_files)
        else:
            try:
                submission = _submit_locked(
                    response, actor=actor, moment=moment, answers=stored, attachments=attachments
                )
            except SUBMIT_REFUSALS as refused:
                refusal = refused
        if submission is None and changed:
            _touch(response, audit.person(actor))
        search.reindex_in_worker(response)
    if refusal is not None:
        raise refusal
    assert submission is not None
    return submission


@transaction.atomic
def submit(*, response: Response, actor, moment: datetime | None = None) -> Submission:
    """Submit the response as it now stands, before the deadline, with every required
    answer given. The first submission takes the registration number; each one is kept."""
    response = _locked(response.pk)
    _require_editable(response)
    submission = _submit_locked(
        response,
        actor=actor,
        moment=moment,
        answers={a.question_id: a for a in response.answers.all()},
        attachments=list(response.attachments.filter(removed_at__isnull=True)),
    )
    search.reindex_on_commit(response)
    return submission


def _submit_locked(
    response: Response, *, actor, moment: datetime | None, answers: dict, attachments: list
) -> Submission:
    """submit's work on the locked row, with its answers (by question) and live
    attachments as they stand now."""
    moment = moment or timezone.now()
    if response.organisation and not response.organisation.is_approved():
        raise OrganisationPending
    if response.is_submitted() and not response.has_draft_changes:
        # A double click, or two representatives pressing at once: the second finds the
        # first's submission standing and nothing new since (the row lock orders them).
        raise NothingNewToSubmit(response.current_submission)
    if moment < response.round.opens_at:
        raise RoundNotOpen
    if not response.round.is_open(moment):
        raise RoundClosed
    questions = list(response.round.questions.all())
    missing = missing_required(
        response, answers=answers, attachments=attachments, questions=questions
    )
    if missing:
        raise RequiredMissing(missing)
    user = audit.person(actor)
    number = response.submissions.count() + 1
    submission = Submission.objects.create(
        response=response,
        number=number,
        submitted_at=moment,
        submitted_by=user,
        submitted_by_label=str(user) if user else audit.SYSTEM,
        content=frozen_content(
            response, answers=answers, attachments=attachments, questions=questions
        ),
    )
    if not response.registration_number:
        # Taken last: the counter's row stays locked until the commit, and every other
        # submission of the year waits for it.
        response.registration_number = take_registration_number(
            response.round.registration_prefix, timezone.localtime(moment).year
        )
    response.status = Response.Status.SUBMITTED
    response.publish_consent = response.consent_to_publish
    response.submitted_at = moment
    response.current_submission = submission
    response.has_draft_changes = False
    response.version += 1  # exact: the row is locked
    response.save()
    audit.record(
        "response.submitted",
        response,
        actor=actor,
        details={
            "registration_number": response.registration_number,
            "version_number": number,
            "files": [item["filename"] for item in submission.content["attachments"]],
        },
    )
    send_receipts.delay(submission.pk)  # after the commit (kulturportal/tasks.py)
    invalidate_public_pages_on_commit()
    return submission


def frozen_content(
    response: Response,
    *,
    answers: dict | None = None,
    attachments: list[Attachment] | None = None,
    questions: list[Question] | None = None,
) -> dict:
    if answers is None:
        answers = {a.question_id: a for a in response.answers.all()}
    if attachments is None:
        attachments = list(response.attachments.filter(removed_at__isnull=True))
    if questions is None:
        questions = list(response.round.questions.all())
    return {
        "consent_to_publish": response.consent_to_publish,
        "answers": [
            {
                "question": q.pk,
                "text": answers[q.pk].text if q.pk in answers else "",
                "choices": answers[q.pk].choices if q.pk in answers else [],
            }
            for q in questions
        ],
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "size": a.size,
                "question": a.question_id,
            }
            for a in attachments
        ],
    }


@transaction.atomic
def withdraw(*, response: Response, actor, moment: datetime | None = None) -> Response:
    response = _locked(response.pk)
    _require_editable(response)
    if not response.is_submitted():
        raise NotSubmitted
    if response.round.has_closed(moment):
        raise RoundClosed
    response.status = Response.Status.WITHDRAWN
    response.withdrawn_at = moment or timezone.now()
    response.version += 1  # under the row's lock
    response.save()
    audit.record(
        "response.withdrawn",
        response,
        actor=actor,
        details={"registration_number": response.registration_number or ""},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(response)
    return response
