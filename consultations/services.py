"""Workflows of the consultations: rounds and their questions, responses written together,
submitted with a registration number and a receipt, published with personal data redacted,
analysed and reported. Each owns its transaction and writes the audit log."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consultations.models import (
    GROUP_KINDS,
    Answer,
    Attachment,
    Disposition,
    Note,
    Question,
    RegistrationSequence,
    Response,
    Round,
    RoundDocument,
    RoundReminder,
    Submission,
    Tag,
    text_hash,
)
from kulturportal import audit, redaction, uploads
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import queue_emails, templated_email
from kulturportal.models import (
    BodyMembership,
    Municipality,
    Organisation,
    OrganisationKind,
    OutgoingEmail,
    Role,
    RoleAssignment,
    User,
)
from kulturportal.threads import run_in_thread

audit.register_actions(
    {
        "round.created": gettext_lazy("Omgången skapad"),
        "round.changed": gettext_lazy("Omgången ändrad"),
        "round.document_added": gettext_lazy("Underlag tillagt"),
        "round.question_saved": gettext_lazy("Fråga sparad"),
        "round.question_deleted": gettext_lazy("Fråga borttagen"),
        "round.responses_published": gettext_lazy("Svaren publicerade"),
        "round.report_published": gettext_lazy("Samrådsredogörelsen publicerad"),
        "round.reminded": gettext_lazy("Påminnelse skickad"),
        "round.invited": gettext_lazy("Inbjudan skickad"),
        "response.saved": gettext_lazy("Svaret sparat som utkast"),
        "response.submitted": gettext_lazy("Svaret inskickat"),
        "response.withdrawn": gettext_lazy("Svaret återkallat"),
        "response.attachment_added": gettext_lazy("Bilaga tillagd"),
        "response.attachment_removed": gettext_lazy("Bilaga borttagen"),
        "response.tagged": gettext_lazy("Etiketter ändrade"),
        "response.noted": gettext_lazy("Anteckning skriven"),
        "response.disposed": gettext_lazy("Ställningstagande sparat"),
        "response.publication_reviewed": gettext_lazy("Publiceringen granskad"),
    },
    details={
        "registration_number": gettext_lazy("Diarienummer"),
        "version_number": gettext_lazy("Version"),
        "questions": gettext_lazy("Frågor"),
        "filename": gettext_lazy("Fil"),
        "tags": gettext_lazy("Etiketter"),
        "question": gettext_lazy("Fråga"),
        "recipients": gettext_lazy("Mottagare"),
        "responses": gettext_lazy("Svar"),
        "redactions": gettext_lazy("Borttagna personuppgifter"),
    },
)

MAX_ATTACHMENTS = 10
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024


class RoundClosed(Exception):
    """The deadline has passed (or the round has not opened): nothing is submitted."""


class RoundNotOpen(Exception):
    """The round has not opened yet: a draft may be written, nothing submitted."""


class ResponsesNotPublished(Exception):
    """The report quotes the published responses: they are published first."""


class RoundStarted(Exception):
    """Questions are fixed once the round has opened: answers refer to them."""


class ResponseWithdrawn(Exception):
    """A withdrawn response is not edited or submitted again."""


class NotSubmitted(Exception):
    """Only a submitted response is withdrawn; a draft is simply not sent."""


class RoundStillOpen(Exception):
    """Responses are published only after the deadline."""


class AlreadyReminded(Exception):
    """The missing addressees of this referral were reminded today already."""


class NoOneToRemind(Exception):
    """Every addressee has answered, or none of the missing has anyone to write to."""


class TooManyAttachments(Exception):
    pass


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


def _actor():
    return audit.current_user()


# --- Rounds ----------------------------------------------------------------------------------


ROUND_FIELDS = [
    "kind",
    "title",
    "slug",
    "plan",
    "theme",
    "description",
    "opens_at",
    "closes_at",
    "groups",
    "addresses_municipalities",
    "registration_prefix",
    "contact_name",
    "contact_email",
    "report_summary",
]


def referral_addressees() -> list[Organisation]:
    """Besides the 33 municipalities: Skånes Kommuner and the County Administrative Board."""
    return list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.MUNICIPAL_ASSOCIATION, OrganisationKind.STATE_AGENCY]
        )
    )


@transaction.atomic
def create_round(*, round: Round, addressed: list[Organisation] | None = None) -> Round:
    round.created_by = _actor()
    if round.is_referral():
        round.addresses_municipalities = True
    round.save()
    if addressed is None and round.is_referral():
        addressed = referral_addressees()
    round.addressed_organisations.set(addressed or [])
    audit.record("round.created", round, changes=_round_changes({}, round))
    invalidate_public_pages_on_commit()
    return round


def _round_changes(before: dict, round: Round) -> dict:
    return audit.diff(before, audit.snapshot(round, ROUND_FIELDS))


@transaction.atomic
def save_round(*, round: Round, before: dict, addressed: list[Organisation] | None = None) -> Round:
    round.save()
    if addressed is not None:
        round.addressed_organisations.set(addressed)
    audit.record("round.changed", round, changes=_round_changes(before, round))
    invalidate_public_pages_on_commit()
    return round


@transaction.atomic
def add_document(*, round: Round, title: str, upload) -> RoundDocument:
    uploads.check_document(upload)
    document = RoundDocument.objects.create(
        round=round,
        title=title,
        file=upload,
        content_type=upload.content_type_checked,
        size=upload.size,
    )
    audit.record("round.document_added", round, details={"filename": document.file.name})
    invalidate_public_pages_on_commit()
    return document


def _has_answers(round: Round) -> bool:
    """Someone has saved or submitted something: the questions are fixed from then on."""
    return round.responses.exclude(version=0).exists()


@transaction.atomic
def save_question(*, question: Question) -> Question:
    if question.round.opens_at <= timezone.now() and _has_answers(question.round):
        raise RoundStarted
    question.save()
    audit.record(
        "round.question_saved",
        question.round,
        details={"question": question.text, "kind": question.kind},
    )
    invalidate_public_pages_on_commit()
    return question


@transaction.atomic
def delete_question(*, question: Question) -> None:
    if _has_answers(question.round):
        raise RoundStarted
    audit.record("round.question_deleted", question.round, details={"question": question.text})
    question.delete()
    invalidate_public_pages_on_commit()


# --- Who answers for whom ----------------------------------------------------------------------

# Anyone with one of these roles in a municipality may answer for it (the culture chief,
# usually); the regional roles answer for no one.
ANSWERS_FOR_MUNICIPALITY = {Role.CULTURE_CHIEF, Role.MUNICIPAL_OFFICIAL}


def respondents_for(user) -> list[Organisation | Municipality]:
    """The organisations and municipalities this person may answer for."""
    if not user.is_authenticated:
        return []
    found: dict[tuple[str, int], Organisation | Municipality] = {}
    for assignment in user.active_roles:
        if assignment.role == Role.ORGANISATION_REPRESENTATIVE and assignment.organisation_id:
            found[("o", assignment.organisation_id)] = assignment.organisation
        elif assignment.role in ANSWERS_FOR_MUNICIPALITY and assignment.municipality_id:
            found[("m", assignment.municipality_id)] = assignment.municipality
    return sorted(found.values(), key=lambda r: r.name)


def may_answer_for(user, respondent) -> bool:
    return any(r == respondent and type(r) is type(respondent) for r in respondents_for(user))


def form_url(round: Round, respondent) -> str:
    kind = "kommun" if isinstance(respondent, Municipality) else "organisation"
    return reverse("consultations:respond", args=[round.slug, kind, respondent.slug])


def existing_or_new(round: Round, respondent) -> Response:
    """The respondent's response, or an unsaved one to show an empty form: looking at the
    form stores nothing."""
    key = (
        {"municipality": respondent}
        if isinstance(respondent, Municipality)
        else {"organisation": respondent}
    )
    return Response.objects.filter(round=round, **key).first() or Response(round=round, **key)


def response_for(round: Round, respondent) -> Response:
    """The respondent's response to the round, a new empty draft if it has none."""
    key = (
        {"municipality": respondent}
        if isinstance(respondent, Municipality)
        else {"organisation": respondent}
    )
    try:
        with transaction.atomic():
            response, _created = Response.objects.get_or_create(round=round, **key)
    except IntegrityError:  # Two representatives opened the form at the same moment.
        response = Response.objects.get(round=round, **key)
    return response


def people_of(response: Response) -> list[User]:
    """The representatives (or the municipality's people) who get the receipt."""
    if response.municipality_id:
        roles = RoleAssignment.objects.active().filter(
            municipality_id=response.municipality_id, role__in=ANSWERS_FOR_MUNICIPALITY
        )
    else:
        roles = RoleAssignment.objects.active().filter(
            organisation_id=response.organisation_id, role=Role.ORGANISATION_REPRESENTATIVE
        )
    return list(User.objects.filter(is_active=True, pk__in=roles.values("user")).order_by("email"))


# --- Writing a response together ---------------------------------------------------------------


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
    response = Response.objects.select_for_update().get(pk=response.pk)
    _require_editable(response)
    stored = {a.question_id: a for a in response.answers.select_related("updated_by")}
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
    user = _actor()
    questions_changed = []
    for item, answer in changes:
        answer = answer or Answer(response=response, question=item.question)
        answer.text = "" if item.question.has_choices() else item.value
        answer.choices = item.choices if item.question.has_choices() else []
        answer.updated_by = user
        answer.save()
        questions_changed.append(item.question.text[:120])
    consent_changes = {}
    touched_consent = consent is not None and (consent_shown is None or consent != consent_shown)
    if touched_consent and consent != response.consent_to_publish:
        consent_changes["consent_to_publish"] = [response.consent_to_publish, consent]
        response.consent_to_publish = bool(consent)
    if questions_changed or consent_changes:
        _touch(response, user)
        audit.record(
            "response.saved",
            response,
            changes=consent_changes,
            details={"questions": questions_changed},
        )
    return response


def _conflict(item: Posted, answer: Answer | None) -> Conflict:
    return Conflict(
        question=item.question,
        mine=item.value,
        theirs=answer.value() if answer else "",
        theirs_by=str(answer.updated_by) if answer and answer.updated_by else "",
        theirs_at=answer.updated_at if answer else None,
    )


def _touch(response: Response, user) -> None:
    response.version = F("version") + 1
    # A submitted response edited again has changes that are not yet submitted.
    response.has_draft_changes = response.is_submitted()
    response.updated_by = user
    response.save()
    response.refresh_from_db()


@transaction.atomic
def add_attachment(*, response: Response, upload, question: Question | None = None) -> Attachment:
    response = Response.objects.select_for_update().get(pk=response.pk)
    _require_editable(response)
    if response.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
        raise TooManyAttachments
    uploads.check_document(upload, max_bytes=MAX_ATTACHMENT_BYTES)
    user = _actor()
    attachment = Attachment.objects.create(
        response=response,
        question=question,
        file=upload,
        filename=upload.name,
        content_type=upload.content_type_checked,
        size=upload.size,
        uploaded_by=user,
    )
    _touch(response, user)
    audit.record("response.attachment_added", response, details={"filename": upload.name})
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment) -> None:
    response = Response.objects.select_for_update().get(pk=attachment.response_id)
    _require_editable(response)
    Attachment.objects.filter(pk=attachment.pk).update(removed_at=timezone.now())
    _touch(response, _actor())
    audit.record("response.attachment_removed", response, details={"filename": attachment.filename})


def missing_required(response: Response) -> list[Question]:
    answers = {a.question_id: a for a in response.answers.all()}
    files = set(
        response.attachments.filter(removed_at__isnull=True).values_list("question_id", flat=True)
    )
    missing = []
    for question in response.round.questions.all():
        if not question.required:
            continue
        if question.kind == Question.Kind.FILE:
            if question.pk not in files:
                missing.append(question)
        elif question.pk not in answers or answers[question.pk].is_empty():
            missing.append(question)
    return missing


@transaction.atomic
def submit(*, response: Response, moment: datetime | None = None) -> Submission:
    """Submit the response as it now stands, before the deadline, with every required
    answer given. The first submission takes the registration number; each one is kept."""
    moment = moment or timezone.now()
    response = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    _require_editable(response)
    if moment < response.round.opens_at:
        raise RoundNotOpen
    if not response.round.is_open(moment):
        raise RoundClosed
    missing = missing_required(response)
    if missing:
        raise RequiredMissing(missing)
    user = _actor()
    number = response.submissions.count() + 1
    submission = Submission.objects.create(
        response=response,
        number=number,
        submitted_at=moment,
        submitted_by=user,
        submitted_by_label=str(user) if user else audit.SYSTEM,
        content=frozen_content(response),
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
    response.version = F("version") + 1
    response.save()
    audit.record(
        "response.submitted",
        response,
        details={
            "registration_number": response.registration_number,
            "version_number": number,
        },
    )
    _queue_receipts_on_commit(submission.pk)
    invalidate_public_pages_on_commit()
    return submission


def take_registration_number(prefix: str, year: int) -> str:
    """The next number of the year, e.g. "KN 2029/0042": gap-free, because the counter's
    row stays locked until the submission commits, and a rollback gives the number back."""
    RegistrationSequence.objects.bulk_create(
        [RegistrationSequence(prefix=prefix, year=year)], ignore_conflicts=True
    )
    sequence = RegistrationSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix} {year}/{sequence.last:04d}"


def frozen_content(response: Response) -> dict:
    answers = {a.question_id: a for a in response.answers.all()}
    return {
        "consent_to_publish": response.consent_to_publish,
        "answers": [
            {
                "question": q.pk,
                "text": answers[q.pk].text if q.pk in answers else "",
                "choices": answers[q.pk].choices if q.pk in answers else [],
            }
            for q in response.round.questions.all()
        ],
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "size": a.size,
                "question": a.question_id,
            }
            for a in response.attachments.filter(removed_at__isnull=True)
        ],
    }


def _queue_receipts_on_commit(submission_id: int) -> None:
    from consultations.tasks import send_receipts

    if settings.PDF_RENDER_IN_THREAD:
        # The embedded default has no worker: the receipt's PDF is made in a thread, so
        # the submitting request does not wait for it.
        transaction.on_commit(
            lambda: run_in_thread(queue_receipts, submission_id, name=f"receipts-{submission_id}"),
            robust=True,
        )
        return
    transaction.on_commit(lambda: send_receipts.delay(submission_id), robust=True)


@transaction.atomic
def withdraw(*, response: Response, moment: datetime | None = None) -> Response:
    response = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    _require_editable(response)
    if not response.is_submitted():
        raise NotSubmitted
    if response.round.has_closed(moment):
        raise RoundClosed
    response.status = Response.Status.WITHDRAWN
    response.withdrawn_at = moment or timezone.now()
    response.version = F("version") + 1
    response.save()
    response.refresh_from_db()
    audit.record(
        "response.withdrawn",
        response,
        details={"registration_number": response.registration_number or ""},
    )
    invalidate_public_pages_on_commit()
    return response


# --- Receipts --------------------------------------------------------------------------------


def queue_receipts(submission_id: int) -> int:
    """The receipt, with the full submitted content and a PDF copy, to each representative.
    Safe to run twice: each e-mail has a dedupe key, and the submission remembers."""
    from consultations import document

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
    from consultations import document
    from kulturportal.emails import Attachment as EmailAttachment
    from kulturportal.emails import attach

    response = submission.response
    email = templated_email(
        to=person.email,
        name="consultation_receipt",
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


# --- Publication -------------------------------------------------------------------------------


FINDING_LABELS = {
    "personnummer": gettext_lazy("personnummer"),
    "email": gettext_lazy("e-postadress"),
    "phone": gettext_lazy("telefonnummer"),
    "name": gettext_lazy("namn"),
}


def known_names(response: Response) -> list[str]:
    """The private persons the portal knows in connection with the response: its
    organisation's representatives or its municipality's people."""
    return names_by_respondent([response])[_respondent_key(response)]


def _respondent_key(response: Response) -> tuple[str, int]:
    if response.municipality_id:
        return ("m", response.municipality_id)
    return ("o", response.organisation_id or 0)


def names_by_respondent(responses) -> dict[tuple[str, int], list[str]]:
    """known_names() for many responses in one query."""
    municipality_ids = [r.municipality_id for r in responses if r.municipality_id]
    organisation_ids = [r.organisation_id for r in responses if r.organisation_id]
    roles = (
        RoleAssignment.objects.active()
        .filter(
            Q(municipality_id__in=municipality_ids, role__in=ANSWERS_FOR_MUNICIPALITY)
            | Q(organisation_id__in=organisation_ids, role=Role.ORGANISATION_REPRESENTATIVE)
        )
        .select_related("user")
    )
    names: dict[tuple[str, int], set[str]] = {_respondent_key(r): set() for r in responses}
    for role in roles:
        key = ("m", role.municipality_id) if role.municipality_id else ("o", role.organisation_id)
        if role.user.get_full_name():
            names.setdefault(key, set()).add(role.user.get_full_name())
    return {key: sorted(found) for key, found in names.items()}


def publication_preview(
    response: Response, *, names: list[str] | None = None, questions: dict | None = None
) -> list[dict]:
    """Per answer of the current submission: the redacted text and what was found. Callers
    with many responses pass the names and the round's questions, read once."""
    submission = response.current_submission
    if submission is None:
        return []
    names = known_names(response) if names is None else names
    if questions is None:
        questions = {q.pk: q for q in response.round.questions.all()}
    keep = response.kept_findings
    parts = []
    for item in submission.content["answers"]:
        text = item["text"] or "\n".join(item["choices"])
        findings = redaction.find_personal_data(text, known_names=names)
        parts.append(
            {
                "question": questions.get(item["question"]),
                "question_id": item["question"],
                "original": text,
                "text": redaction.redact(text, known_names=names, keep=keep).text,
                "findings": [(f, FINDING_LABELS.get(f.kind, f.kind)) for f in findings],
                "kept": keep,
                "held_back": response.held_back_parts.get(str(item["question"]), ""),
            }
        )
    return parts


def published_content(
    response: Response, *, names: list[str] | None = None, questions: dict | None = None
) -> dict:
    parts = []
    redactions = 0
    for part in publication_preview(response, names=names, questions=questions):
        if part["held_back"]:
            parts.append({"question": part["question_id"], "held_back": part["held_back"]})
            continue
        redactions += len([f for f, _label in part["findings"] if f.text not in part["kept"]])
        parts.append({"question": part["question_id"], "text": part["text"]})
    return {"answers": parts, "redactions": redactions}


def published_contents(responses: list[Response], round: Round) -> dict[int, dict]:
    """published_content() of many responses of one round, in two queries."""
    names = names_by_respondent(responses)
    questions = {q.pk: q for q in round.questions.all()}
    return {
        r.pk: published_content(r, names=names[_respondent_key(r)], questions=questions)
        for r in responses
    }


@transaction.atomic
def review_publication(
    *,
    response: Response,
    keep: list[str],
    held_back: bool,
    reason: str,
    held_back_parts: dict[str, str],
) -> Response:
    before = audit.snapshot(response, ["kept_findings", "held_back", "held_back_reason"])
    before["held_back_parts"] = response.held_back_parts
    response.kept_findings = sorted(set(keep))
    response.held_back = held_back
    response.held_back_reason = reason if held_back else ""
    response.held_back_parts = {k: v for k, v in held_back_parts.items() if v}
    if response.round.responses_published_at:
        response.published_content = published_content(response)
    response.save()
    after = audit.snapshot(response, ["kept_findings", "held_back", "held_back_reason"])
    after["held_back_parts"] = response.held_back_parts
    audit.record("response.publication_reviewed", response, changes=audit.diff(before, after))
    invalidate_public_pages_on_commit()
    return response


@transaction.atomic
def publish_responses(*, round: Round) -> int:
    if not round.has_closed():
        raise RoundStillOpen
    responses = list(
        Response.objects.submitted()
        .filter(round=round)
        .select_related("current_submission", "round")
    )
    redactions = 0
    contents = published_contents(responses, round)
    for response in responses:
        response.published_content = contents[response.pk]
        redactions += response.published_content["redactions"]
    Response.objects.bulk_update(responses, ["published_content"], batch_size=500)
    round.responses_published_at = round.responses_published_at or timezone.now()
    round.save(update_fields=["responses_published_at", "updated_at"])
    audit.record(
        "round.responses_published",
        round,
        details={"responses": len(responses), "redactions": redactions},
    )
    invalidate_public_pages_on_commit()
    return len(responses)


@transaction.atomic
def publish_report(*, round: Round, summary: str) -> Round:
    if not round.has_closed():
        raise RoundStillOpen
    if round.responses_published_at is None:
        raise ResponsesNotPublished
    before = audit.snapshot(round, ["report_summary", "report_published_at"])
    round.report_summary = summary
    round.report_published_at = round.report_published_at or timezone.now()
    round.save(update_fields=["report_summary", "report_published_at", "updated_at"])
    audit.record(
        "round.report_published",
        round,
        changes=audit.diff(
            before, audit.snapshot(round, ["report_summary", "report_published_at"])
        ),
    )
    invalidate_public_pages_on_commit()
    return round


# --- Analysis --------------------------------------------------------------------------------


@transaction.atomic
def set_tags(*, response: Response, names: list[str]) -> Response:
    before = sorted(t.name for t in response.tags.all())
    tags = []
    for name in {n.strip()[:60] for n in names if n.strip()}:
        tag, _created = Tag.objects.get_or_create(name=name)
        tags.append(tag)
    response.tags.set(tags)
    after = sorted(t.name for t in tags)
    if before != after:
        audit.record("response.tagged", response, changes={"tags": [before, after]})
    return response


@transaction.atomic
def add_note(*, response: Response, text: str) -> Note:
    note = Note.objects.create(response=response, author=_actor(), text=text)
    audit.record("response.noted", response, details={"note": text[:300]})
    return note


@transaction.atomic
def set_disposition(
    *, response: Response, question: Question | None, outcome: str, reason: str, section
) -> Disposition:
    disposition = Disposition.objects.filter(response=response, question=question).first()
    before = audit.snapshot(disposition, ["outcome", "reason", "section"]) if disposition else {}
    disposition = disposition or Disposition(response=response, question=question)
    disposition.outcome = outcome
    disposition.reason = reason
    disposition.section = section
    disposition.decided_by = _actor()
    disposition.save()
    audit.record(
        "response.disposed",
        response,
        changes=audit.diff(before, audit.snapshot(disposition, ["outcome", "reason", "section"])),
        details={"question": question.text if question else ""},
    )
    invalidate_public_pages_on_commit()
    return disposition


# --- The audience, and the referral board --------------------------------------------------------


def audience_organisations(round: Round):
    """The organisations a round is addressed to: by its groups (a body's member
    organisations with it) and by name."""
    kinds = [kind for group in round.groups for kind in GROUP_KINDS.get(group, [])]
    condition = Q(pk__in=round.addressed_organisations.values("pk")) | Q(kind__in=kinds)
    if OrganisationKind.CONSULTATION_BODY in kinds:
        condition |= Q(pk__in=BodyMembership.objects.values("organisation"))
    return Organisation.objects.filter(condition)


@dataclass(frozen=True)
class Invitee:
    email: str
    name: str
    on_behalf_of: str
    language: str = "sv"


def invitees(round: Round) -> list[Invitee]:
    """Who the invitation reaches, as the official sees it before sending: the
    representatives of the audience's organisations (the organisation's own address when it
    has none in the portal) and, for a referral, the municipalities' culture chiefs."""
    organisations = list(audience_organisations(round).order_by("name"))
    condition = Q(organisation__in=organisations, role=Role.ORGANISATION_REPRESENTATIVE)
    if round.addresses_municipalities:
        condition |= Q(role=Role.CULTURE_CHIEF, municipality__isnull=False)
    roles = (
        RoleAssignment.objects.active()
        .filter(condition, user__is_active=True)
        .select_related("user", "organisation", "municipality")
    )
    found: dict[str, Invitee] = {}
    represented = set()
    for role in roles:
        if role.organisation_id:
            represented.add(role.organisation_id)
        found.setdefault(
            role.user.email,
            Invitee(
                role.user.email,
                str(role.user),
                str(role.organisation or role.municipality),
                role.user.preferred_language or "sv",
            ),
        )
    if round.addresses_municipalities:
        with_chief = {r.municipality_id for r in roles if r.role == Role.CULTURE_CHIEF}
        for municipality in Municipality.objects.exclude(pk__in=with_chief):
            if municipality.culture_email:
                found.setdefault(
                    municipality.culture_email,
                    Invitee(municipality.culture_email, municipality.name, municipality.name),
                )
    for organisation in organisations:
        if organisation.pk not in represented and organisation.email:
            found.setdefault(
                organisation.email,
                Invitee(organisation.email, organisation.name, organisation.name),
            )
    return sorted(found.values(), key=lambda i: (i.on_behalf_of, i.email))


def unreachable(round: Round) -> list[str]:
    """The audience no invitation reaches: no one in the portal and no address of its own."""
    reached = {invitee.on_behalf_of for invitee in invitees(round)}
    names = [o.name for o in audience_organisations(round).order_by("name")]
    if round.addresses_municipalities:
        names += [m.name for m in Municipality.objects.order_by("name")]
    return sorted({name for name in names if name not in reached})


@transaction.atomic
def invite(*, round: Round) -> int:
    """Send the round's invitation; each address gets it once, whenever it is sent again
    (those added to the audience later get theirs then). Returns how many were queued."""
    if round.has_closed():
        raise RoundClosed
    people = invitees(round)
    emails = [
        templated_email(
            to=invitee.email,
            name="consultation_invitation",
            context={
                "round": round,
                "invitee": invitee,
                "round_url": settings.SITE_URL + round.get_absolute_url(),
            },
            language=invitee.language,
            dedupe_key=f"consultation-invitation:{round.pk}:{invitee.email}",
        )
        for invitee in people
    ]
    already = OutgoingEmail.objects.filter(
        dedupe_key__startswith=f"consultation-invitation:{round.pk}:"
    )
    before = already.count()
    queue_emails(emails)
    sent = already.count() - before
    audit.record("round.invited", round, details={"recipients": sent})
    return sent


@dataclass
class Addressee:
    respondent: Organisation | Municipality
    response: Response | None
    sub_region: str

    @property
    def has_answered(self) -> bool:
        return self.response is not None and self.response.is_submitted()

    @property
    def has_withdrawn(self) -> bool:
        return self.response is not None and self.response.is_withdrawn()


def referral_board(round: Round) -> list[Addressee]:
    """Every addressee of the round and its response, municipalities by sub-region first."""
    responses = {
        (r.organisation_id, r.municipality_id): r
        for r in Response.objects.filter(round=round).only(
            "pk", "status", "organisation_id", "municipality_id", "submitted_at"
        )
    }
    rows = []
    if round.addresses_municipalities:
        for municipality in Municipality.objects.for_listing():
            rows.append(
                Addressee(
                    municipality,
                    responses.get((None, municipality.pk)),
                    municipality.sub_region.name,
                )
            )
    for organisation in round.addressed_organisations.all():
        rows.append(Addressee(organisation, responses.get((organisation.pk, None)), ""))
    return rows


def _reminder_recipients(missing: list[Addressee]) -> list[tuple[Addressee, str, str]]:
    """(addressee, e-mail, language) for each missing addressee's people, or its own
    address when it has no one in the portal."""
    municipality_ids = [a.respondent.pk for a in missing if isinstance(a.respondent, Municipality)]
    organisation_ids = [a.respondent.pk for a in missing if isinstance(a.respondent, Organisation)]
    roles = (
        RoleAssignment.objects.active()
        .filter(
            Q(municipality_id__in=municipality_ids, role=Role.CULTURE_CHIEF)
            | Q(organisation_id__in=organisation_ids, role=Role.ORGANISATION_REPRESENTATIVE)
        )
        .filter(user__is_active=True)
        .select_related("user")
    )
    people: dict[tuple[str, int], list[User]] = {}
    for role in roles:
        key = ("m", role.municipality_id) if role.municipality_id else ("o", role.organisation_id)
        people.setdefault(key, []).append(role.user)
    recipients = []
    for addressee in missing:
        is_municipality = isinstance(addressee.respondent, Municipality)
        key = ("m" if is_municipality else "o", addressee.respondent.pk)
        found = people.get(key, [])
        if found:
            recipients += [(addressee, p.email, p.preferred_language or "sv") for p in found]
        else:
            respondent = addressee.respondent
            fallback = (
                respondent.culture_email
                if isinstance(respondent, Municipality)
                else respondent.email
            )
            if fallback:
                recipients.append((addressee, fallback, "sv"))
    return recipients


@transaction.atomic
def remind_missing(*, round: Round, today: date | None = None) -> int:
    """Remind only the addressees that have not answered; once a day per round."""
    today = today or timezone.localdate()
    if not round.is_open():
        raise RoundClosed
    # A withdrawn response cannot be sent again: its addressee is not reminded to.
    missing = [a for a in referral_board(round) if not a.has_answered and not a.has_withdrawn]
    recipients = _reminder_recipients(missing)
    if not recipients:
        raise NoOneToRemind
    try:
        with transaction.atomic():
            reminder = RoundReminder.objects.create(
                round=round, sent_on=today, recipients=len(recipients)
            )
    except IntegrityError:
        raise AlreadyReminded from None
    queue_emails(
        [
            templated_email(
                to=email,
                name="consultation_reminder",
                context={
                    "round": round,
                    "respondent": addressee.respondent,
                    "form_url": settings.SITE_URL + round.get_absolute_url(),
                },
                language=language,
                dedupe_key=f"consultation-reminder:{round.pk}:{reminder.sent_on}:{email}",
            )
            for addressee, email, language in recipients
        ]
    )
    audit.record(
        "round.reminded",
        round,
        details={
            "recipients": len(recipients),
            "respondents": sorted({str(a.respondent) for a, _e, _l in recipients}),
        },
    )
    return len(recipients)
