"""The consultations' part of a person's data export (kulturportal/personal_data.py): the
responses they helped write, with the answers they wrote, the versions they submitted and
the files they attached, and the rounds they created or are the contact for."""

from django.db.models import Q

from consultations.models import Answer, Attachment, Response, Round, Submission
from kulturportal.personal_data import when


def export(user) -> dict:
    return {
        "consultation_responses": _responses(user),
        "consultation_rounds": _rounds(user),
    }


def _responses(user) -> list[dict]:
    wrote = (
        Q(updated_by=user)
        | Q(answers__updated_by=user)
        | Q(submissions__submitted_by=user)
        | Q(attachments__uploaded_by=user)
    )
    responses = (
        Response.objects.filter(pk__in=Response.objects.filter(wrote).values("pk"))
        .select_related("round", "organisation", "municipality")
        .order_by("created_at")
    )
    answers = _by_response(
        Answer.objects.filter(updated_by=user, response__in=responses).select_related("question")
    )
    submissions = _by_response(Submission.objects.filter(submitted_by=user, response__in=responses))
    files = _by_response(Attachment.objects.filter(uploaded_by=user, response__in=responses))
    return [
        {
            "round": r.round.title,
            "on_behalf_of": str(r.organisation or r.municipality),
            "status": r.get_status_display(),
            "registration_number": r.registration_number,
            "answers_you_wrote_last": [
                {"question": a.question.text, "answer": a.question.answer_text(a.text, a.choices)}
                for a in answers.get(r.pk, [])
            ],
            "versions_you_submitted": [
                {"version": s.number, "submitted": when(s.submitted_at), "content": s.content}
                for s in submissions.get(r.pk, [])
            ],
            "files_you_attached": [
                {"file": f.filename, "uploaded": when(f.uploaded_at), "removed": when(f.removed_at)}
                for f in files.get(r.pk, [])
            ],
        }
        for r in responses
    ]


def _by_response(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.response_id, []).append(row)
    return grouped


def _rounds(user) -> list[dict]:
    rounds = Round.objects.filter(Q(created_by=user) | Q(contact_email__iexact=user.email))
    return [
        {"round": r.title, "contact": r.contact_name, "created_by_you": r.created_by_id == user.pk}
        for r in rounds.order_by("created_at")
    ]
