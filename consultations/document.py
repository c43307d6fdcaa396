"""What the receipt and the consultation report say, for the web, the e-mail and the PDF."""

from collections import defaultdict

from django.utils import timezone

from consultations.models import Disposition, Question, Response, Round, Submission
from consultations.services.publication import published_contents
from kulturportal import pdf


def answer_rows(round: Round, content: dict) -> list[dict]:
    """The submitted answers beside their questions, in the round's order."""
    questions = {q.pk: q for q in round.questions.all()}
    files = defaultdict(list)
    for attachment in content.get("attachments", []):
        files[attachment.get("question")].append(attachment)
    rows = []
    for item in content.get("answers", []):
        question = questions.get(item["question"])
        if question is None:
            continue
        rows.append(
            {
                "question": question,
                "text": item.get("text", ""),
                "choices": question.choice_lines(item.get("choices", [])),
                "files": files.get(question.pk, []),
            }
        )
    return rows


def receipt_context(submission: Submission) -> dict:
    response = submission.response
    return {
        "round": response.round,
        "response": response,
        "respondent": response.respondent,
        "submission": submission,
        "registration_number": response.registration_number,
        "submitted_at": timezone.localtime(submission.submitted_at),
        "rows": answer_rows(response.round, submission.content),
        "attachments": submission.content.get("attachments", []),
        "consent": submission.content.get("consent_to_publish", True),
    }


def receipt_title(submission: Submission) -> str:
    return f"Kvitto {submission.response.registration_number} – {submission.response.round.title}"


def receipt_pdf(submission: Submission) -> tuple[bytes, str]:
    """The receipt as a tagged PDF, made in the task that queues the e-mails."""
    title = receipt_title(submission)
    html = pdf.render_html(
        "consultations/pdf/receipt.html", receipt_context(submission), title=title, lang="sv"
    )
    content, _pages = pdf.render_html_to_pdf(html, title=title, lang="sv")
    number = (submission.response.registration_number or "svar").replace(" ", "-")
    return content, f"kvitto-{number.replace('/', '-')}-v{submission.number}.pdf"


def report_context(round: Round) -> dict:
    """ "We asked, you said, we did": the respondents, and per theme each question's answers
    with what was done with them."""
    responses = list(
        Response.objects.submitted()
        .filter(round=round)
        .with_respondent()
        .select_related("current_submission")
        .order_by("organisation__name", "municipality__name")
    )
    dispositions: dict[int, dict[int | None, Disposition]] = defaultdict(dict)
    for disposition in Disposition.objects.filter(response__round=round).select_related(
        "section", "question"
    ):
        dispositions[disposition.response_id][disposition.question_id] = disposition
    questions = list(round.questions.select_related("development_area", "section"))
    by_question: dict[int, list[dict]] = defaultdict(list)
    # Before publication (the officials' preview) the same redaction, made now.
    # Only what may be published is quoted: consented to when submitted, not held back.
    quotable = [r for r in responses if r.publish_consent and not r.held_back]
    unpublished = [r for r in quotable if r.published_content is None]
    previews = published_contents(unpublished, round) if unpublished else {}
    for response in quotable:
        content = response.published_content or previews.get(response.pk, {})
        held = {part["question"] for part in content.get("answers", []) if part.get("held_back")}
        texts = {part["question"]: part.get("text", "") for part in content.get("answers", [])}
        for question in questions:
            text = texts.get(question.pk, "")
            if question.pk in held or not text.strip():
                continue
            by_question[question.pk].append(
                {
                    "response": response,
                    "text": text,
                    "disposition": dispositions[response.pk].get(question.pk),
                }
            )
    # A file question has nothing to quote: its files are not published.
    themes = _themes([q for q in questions if q.kind != Question.Kind.FILE], by_question)
    counts: dict[str, int] = defaultdict(int)
    for response in responses:
        overall = dispositions[response.pk].get(None)
        if overall:
            counts[overall.outcome] += 1
    return {
        "round": round,
        "responses": responses,
        "overall": [(response, dispositions[response.pk].get(None)) for response in responses],
        "themes": themes,
        "questions": questions,
        "outcome_counts": [(label, counts[value]) for value, label in Disposition.Outcome.choices],
        "published": round.responses_published_at is not None,
    }


def _themes(questions: list[Question], by_question: dict) -> list[dict]:
    """Questions grouped by development area, those with none last."""
    themes: dict[object, dict] = {}
    for question in questions:
        area = question.development_area
        key = area.pk if area else None
        theme = themes.setdefault(key, {"area": area, "questions": []})
        theme["questions"].append({"question": question, "answers": by_question[question.pk]})
    ordered = sorted(
        themes.values(), key=lambda t: (t["area"] is None, t["area"].position if t["area"] else 0)
    )
    return ordered


def report_document(round: Round):
    title = f"Samrådsredogörelse – {round.title}"
    return pdf.document_for(
        "consultations/pdf/report.html",
        report_context(round),
        title=title,
        lang="sv",
        filename=f"samradsredogorelse-{round.slug}.pdf",
    )
