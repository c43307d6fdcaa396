"""Sample contexts for the consultations' e-mails, for `manage.py render_emails`; no database."""

from django.conf import settings

from consultations.models import Question, Response, Round, Submission
from kulturportal.email_samples import register, sample_time, sample_user
from kulturportal.models import Organisation


def _round() -> Round:
    return Round(
        pk=1,
        kind=Round.Kind.CONSULTATION,
        title="Samråd om kulturplan 2029–2032",
        slug="kulturplan-2029",
        opens_at=sample_time(1, 8),
        closes_at=sample_time(28, 16),
    )


def _receipt() -> dict:
    round = _round()
    organisation = Organisation(pk=1, name="Folkhögskolorna i Skåne", slug="folkhogskolorna")
    response = Response(round=round, organisation=organisation, registration_number="KN 2026/0042")
    submission = Submission(
        response=response,
        number=1,
        submitted_at=sample_time(20, 14, 5),
        submitted_by_label="Folke Föreningsson",
        content={},
    )
    question = Question(pk=1, text="Vad är viktigast för folkbildningen de kommande åren?")
    return {
        "round": round,
        "response": response,
        "respondent": organisation,
        "submission": submission,
        "registration_number": response.registration_number,
        "submitted_at": submission.submitted_at,
        "rows": [
            {
                "question": question,
                "text": "Lokaler och <b>tillgänglighet</b>.",
                "choices": [],
                "files": [],
            }
        ],
        "attachments": [{"filename": "yttrande.pdf", "size": 182_000}],
        "consent": True,
        "recipient": sample_user(pk=7, email="forening@example.se", first_name="Folke"),
        "form_url": (
            f"{settings.SITE_URL}/samrad/kulturplan-2029/svara/organisation/folkhogskolorna/"
        ),
    }


def _reminder() -> dict:
    round = _round()
    round.kind = Round.Kind.REFERRAL
    return {
        "round": round,
        "respondent": Organisation(pk=2, name="Skånes Kommuner", slug="skanes-kommuner"),
        "form_url": f"{settings.SITE_URL}/samrad/kulturplan-2029/",
    }


def _invitation() -> dict:
    from consultations.services import Invitee

    return {
        "round": _round(),
        "invitee": Invitee("forening@example.se", "Folke Föreningsson", "Folkhögskolorna i Skåne"),
        "round_url": f"{settings.SITE_URL}/samrad/kulturplan-2029/",
    }


register("consultations/emails/receipt", _receipt)
register("consultations/emails/invitation", _invitation)
register("consultations/emails/reminder", _reminder)
