"""The consultations' world: the demo plans and rounds (an open consultation on the draft
plan, an open referral, an earlier consultation that is reported), the folk high schools'
representative logged in, and the response form as a browser would post it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from consultations import demo as consultations_demo
from consultations import services
from consultations.models import Question, Response, Round, text_hash
from kulturplan import demo as plan_demo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year, month, day, hour=0, minute=0, second=0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


def pdf_bytes(size: int = 2000) -> bytes:
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    return head + b"0" * max(0, size - len(head) - 6) + b"\n%%EOF"


def pdf_upload(name="yttrande.pdf", size=2000) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(size), "application/pdf")


@pytest.fixture
def rounds(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    plan_demo.seed_demo()
    consultations_demo.seed_demo()
    return {round.slug: round for round in Round.objects.all()}


@pytest.fixture
def open_round(rounds) -> Round:
    round = rounds["kulturplan-2029-2032"]
    assert round.is_open()
    return round


@pytest.fixture
def referral(rounds) -> Round:
    return rounds["remiss-kulturplan-2029-2032"]


@pytest.fixture
def reported_round(rounds) -> Round:
    return rounds["kulturplan-2025-2028"]


@pytest.fixture
def questions(open_round) -> dict[str, Question]:
    """The open round's questions by kind: text (required), area, single, ranking, file."""
    qs = list(open_round.questions.all())
    return {"text": qs[0], "area": qs[1], "single": qs[2], "ranking": qs[3], "file": qs[4]}


@pytest.fixture
def folk_client(folk_high_school_rep) -> Client:
    client = Client()
    client.force_login(folk_high_school_rep)
    return client


@pytest.fixture
def official_client(official) -> Client:
    client = Client()
    client.force_login(official)
    return client


@pytest.fixture
def folk_response(open_round, folk_high_schools) -> Response:
    return services.response_for(open_round, folk_high_schools)


def form_url(response: Response) -> str:
    return response.form_url()


def form_data(response: Response, values: dict, *, bases: dict | None = None, **extra) -> dict:
    """The form as a browser posts it: every question's value (as stored now unless given)
    and the hash of what the form was opened with (`bases` overrides: an older page)."""
    stored = {a.question_id: a.value() for a in response.answers.all()}
    # As the page holds it: the consent box ticked, and what it showed when opened.
    data = {
        "consent_to_publish": "on",
        "consent_shown": "1" if response.consent_to_publish else "0",
    }
    for question in response.round.questions.all():
        if question.kind == Question.Kind.FILE:
            continue
        shown = (bases or {}).get(question.pk, stored.get(question.pk, ""))
        data[f"base{question.pk}"] = text_hash(shown)
        value = values.get(question.pk, stored.get(question.pk, ""))
        if question.kind == Question.Kind.RANKING:
            order = value if isinstance(value, list) else [v for v in value.split("\n") if v]
            for index, option in enumerate(question.choices):
                data[f"q{question.pk}_{index}"] = (
                    str(order.index(option) + 1) if option in order else ""
                )
        elif question.kind == Question.Kind.MULTIPLE:
            data[f"q{question.pk}"] = value if isinstance(value, list) else value.split("\n")
        else:
            data[f"q{question.pk}"] = value
    data.update(extra)
    return data


@pytest.fixture
def close_round():
    def close(round: Round, seconds_ago: int = 1) -> Round:
        now = timezone.now()
        Round.objects.filter(pk=round.pk).update(
            opens_at=now - timedelta(days=20), closes_at=now - timedelta(seconds=seconds_ago)
        )
        round.refresh_from_db()
        return round

    return close


@pytest.fixture
def submitted(folk_response, questions, folk_high_school_rep):
    """The folk high schools' response, answered and submitted once."""
    services.save_answers(
        response=folk_response,
        posted=[
            services.Posted(
                question=questions["text"],
                value="Folkbildningen behöver lokaler i hela Skåne.",
                base_hash=text_hash(""),
            )
        ],
        actor=folk_high_school_rep,
    )
    services.submit(response=folk_response, actor=folk_high_school_rep)
    folk_response.refresh_from_db()
    return folk_response
