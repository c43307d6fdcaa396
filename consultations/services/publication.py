"""Publishing the responses after the deadline, with personal data redacted and what the
official holds back; and the consultation report."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consultations.models import (
    Response,
    Round,
)
from consultations.services.respondents import ANSWERS_FOR_MUNICIPALITY
from consultations.services.rounds import RoundStillOpen
from kulturportal import audit, redaction, search
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.models import (
    Role,
    RoleAssignment,
)

audit.register_actions(
    {
        "round.responses_published": gettext_lazy("Svaren publicerade"),
        "round.report_published": gettext_lazy("Samrådsredogörelsen publicerad"),
        "response.publication_reviewed": gettext_lazy("Publiceringen granskad"),
    },
    details={
        "responses": gettext_lazy("Svar"),
        "redactions": gettext_lazy("Borttagna personuppgifter"),
    },
)


class ResponsesNotPublished(Exception):
    """The report quotes the published responses: they are published first."""


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
        question = questions.get(item["question"])
        text = (
            question.answer_text(item["text"], item["choices"])
            if question
            else item["text"] or "\n".join(item["choices"])
        )
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
    actor,
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
    audit.record(
        "response.publication_reviewed",
        response,
        actor=actor,
        changes=audit.diff(before, after),
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(response)
    return response


@transaction.atomic
def publish_responses(*, round: Round, actor) -> int:
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
        actor=actor,
        details={"responses": len(responses), "redactions": redactions},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(round)
    return len(responses)


@transaction.atomic
def publish_report(*, round: Round, summary: str, actor) -> Round:
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
        actor=actor,
        changes=audit.diff(
            before, audit.snapshot(round, ["report_summary", "report_published_at"])
        ),
    )
    invalidate_public_pages_on_commit()
    return round
