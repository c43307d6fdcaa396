"""The consultations' pages make the same number of queries with ten times the responses."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from consultations import services
from consultations.models import Disposition, Note, Response, Round, Submission, Tag
from kulturportal.models import Organisation, OrganisationKind, Role, RoleAssignment, User

pytestmark = pytest.mark.django_db
_serial = itertools.count()


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


def _grow(round: Round, *, published: bool = False):
    """grow(k): k more organisations of varying kinds, each with a submitted response that
    is tagged, noted and disposed of, answer by answer, with a section of the plan."""
    questions = list(round.questions.all())
    section = round.plan.sections.first()
    kinds = [OrganisationKind.POPULAR_EDUCATION, OrganisationKind.INTEREST_ORGANISATION]
    tag, _created = Tag.objects.get_or_create(name="lokaler")

    def grow(count: int) -> None:
        for _ in range(count):
            n = next(_serial)
            organisation = Organisation.objects.create(
                name=f"Förening {n}", slug=f"forening-{n}", kind=kinds[n % 2]
            )
            person = User.objects.create_user(f"rep{n}@example.se", first_name=f"R{n}")
            RoleAssignment.objects.create(
                user=person, role=Role.ORGANISATION_REPRESENTATIVE, organisation=organisation
            )
            response = Response.objects.create(
                round=round,
                organisation=organisation,
                status=Response.Status.SUBMITTED,
                registration_number=f"KN 2030/{n:04d}",
                submitted_at=timezone.now(),
            )
            content = {
                "consent_to_publish": True,
                "answers": [
                    {"question": q.pk, "text": f"Svar {n} på {q.pk}", "choices": []}
                    for q in questions
                ],
                "attachments": [],
            }
            submission = Submission.objects.create(response=response, number=1, content=content)
            response.current_submission = submission
            if published:
                response.published_content = services.published_content(response)
            response.save()
            response.tags.add(tag)
            Note.objects.create(response=response, text="Anteckning")
            for question in [None, *questions[:2]]:
                Disposition.objects.create(
                    response=response,
                    question=question,
                    outcome=Disposition.Outcome.TAKEN,
                    reason="Med i planen.",
                    section=section,
                )

    return grow


@pytest.mark.parametrize(
    "page",
    [
        "hantera/svar/",
        "hantera/svar/?tag=lokaler&kind=folkbildning",
        "hantera/per-fraga/",
        "hantera/per-utvecklingsomrade/",
        "hantera/publicering/",
        "redogorelse/",
    ],
)
def test_the_officials_pages_are_flat(open_round, official, client, assert_flat_queries, page):
    client.force_login(official)
    assert_flat_queries(f"/samrad/{open_round.slug}/{page}", _grow(open_round))


def test_the_referral_board_is_flat(referral, official, client, assert_flat_queries):
    client.force_login(official)
    referral.addressed_organisations.add(*Organisation.objects.all()[:2])

    def grow(count):
        _grow(referral)(count)
        referral.addressed_organisations.add(*Organisation.objects.order_by("-pk")[:count])

    assert_flat_queries(f"/samrad/{referral.slug}/hantera/remissinstanser/", grow)


def test_the_published_responses_are_flat(open_round, client, assert_flat_queries):
    Round.objects.filter(pk=open_round.pk).update(responses_published_at=timezone.now())
    open_round.refresh_from_db()
    assert_flat_queries(f"/samrad/{open_round.slug}/svar/", _grow(open_round, published=True))


def test_the_public_lists_are_flat(rounds, client, assert_flat_queries):
    plan = Round.objects.first().plan

    def grow(count):
        for _ in range(count):
            n = next(_serial)
            Round.objects.create(
                kind=Round.Kind.CONSULTATION,
                title=f"Samråd {n}",
                slug=f"samrad-{n}",
                plan=plan,
                description="Text",
                opens_at=timezone.now() - timedelta(days=1),
                closes_at=timezone.now() + timedelta(days=n % 3 - 1, hours=1),
            )

    assert_flat_queries("/samrad/", grow)
    assert_flat_queries("/", grow)


def test_what_became_of_our_input_is_flat(
    reported_round, folk_high_schools, folk_high_school_rep, client, assert_flat_queries
):
    """Min sida lists every response of the organisation, across many rounds."""
    client.force_login(folk_high_school_rep)
    template = Round.objects.get(pk=reported_round.pk)

    def grow(count):
        for _ in range(count):
            n = next(_serial)
            round = Round.objects.create(
                kind=Round.Kind.CONSULTATION,
                title=f"Samråd {n}",
                slug=f"gammalt-{n}",
                plan=template.plan,
                description="Text",
                opens_at=template.opens_at,
                closes_at=template.closes_at,
                report_published_at=timezone.now(),
            )
            response = Response.objects.create(
                round=round,
                organisation=folk_high_schools,
                status=Response.Status.SUBMITTED,
                registration_number=f"KN 2031/{n:04d}",
            )
            Disposition.objects.create(
                response=response,
                outcome=Disposition.Outcome.PARTLY,
                reason="Delvis.",
                section=template.plan.sections.first(),
            )

    assert_flat_queries("/min-sida/", grow)


# --- Issue 23: one submission, few queries -------------------------------------------------------


# serialized_rollback: the database as the migrations left it (the municipalities), whatever
# transactional test ran before on this worker and flushed it. The budget is production's,
# PostgreSQL's: SQLite spends other statements on the same work (31 there).
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query budget is PostgreSQL's")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issue_23_a_submission_with_a_file_runs_at_most_25_queries(
    rounds, questions, folk_client, folk_response, monkeypatch, django_assert_max_num_queries
):
    """A representative types an answer, attaches a file and presses Skicka in, as the bench
    does: committed as in production (no test transaction, so no savepoints to count, and
    the search index written after the commit). The receipt and the search index are the
    worker's: each handed on once, after the commit.
    """
    from consultations.services import receipts
    from kulturportal.search import indexing
    from tests.consultations.conftest import form_data, pdf_upload

    handed_on, indexed = [], []
    monkeypatch.setattr(receipts.send_receipts, "_hand_on", lambda *args: handed_on.append(args))
    monkeypatch.setattr(indexing.reindex_later, "_hand_on", lambda *args: indexed.append(args))
    data = form_data(folk_response, {questions["text"].pk: "Lokaler behövs."}, submit="1")
    data["attachment"] = pdf_upload()
    folk_client.get(folk_response.form_url())  # the session and the CSRF cookie, as a browser
    with django_assert_max_num_queries(25):
        response = folk_client.post(folk_response.form_url(), data)
    assert response.status_code == 302
    folk_response.refresh_from_db()
    assert folk_response.status == Response.Status.SUBMITTED
    assert folk_response.current_submission.number == 1
    assert [a["filename"] for a in folk_response.current_submission.content["attachments"]] == [
        "yttrande.pdf"
    ]
    assert len(handed_on) == 1
    assert sorted(args[0][0] for args in indexed) == ["eget-svar", "svar"]
