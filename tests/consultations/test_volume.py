"""The consultations' volume builder (consultations/volume.py), as seed_volume runs it."""

import re
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from consultations import exporting, services
from consultations import volume as consultation_volume
from consultations.filters import filtered_responses
from consultations.models import (
    Answer,
    Disposition,
    Note,
    Question,
    RegistrationSequence,
    Response,
    Round,
    Submission,
    Tag,
)
from kulturplan import volume as plan_volume
from kulturportal import volume
from kulturportal.models import Municipality, Organisation

pytestmark = pytest.mark.django_db
PREFIX = consultation_volume.PREFIX
# A twentieth of scale 1: 25 organisations and 33 municipalities, 200 responses in 8 rounds.
FRACTION = 0.05
RESPONSES = 200


def _seed(**options):
    call_command(
        "seed_volume", scale=1, fraction=FRACTION, force=True, stdout=StringIO(), **options
    )


def _volume_rounds():
    return Round.objects.filter(slug__startswith=PREFIX)


def _volume_responses():
    return Response.objects.filter(round__slug__startswith=PREFIX)


def _snapshot():
    """What the volume made, by slug and code rather than key."""
    responses = _volume_responses().values_list(
        "round__slug",
        "organisation__slug",
        "municipality__code",
        "status",
        "registration_number",
        "submitted_at",
        "consent_to_publish",
    )
    questions = Question.objects.filter(round__slug__startswith=PREFIX).values_list(
        "round__slug", "position", "kind", "text"
    )
    answers = Answer.objects.filter(response__round__slug__startswith=PREFIX).values_list(
        "response__round__slug",
        "response__organisation__slug",
        "response__municipality__code",
        "question__position",
        "text",
    )
    return sorted(responses, key=str), sorted(questions), sorted(answers, key=str)


def test_the_builder_runs_with_seed_volume_after_the_plans():
    names = [builder.name for builder in volume.builders()]
    assert consultation_volume.CONSULTATIONS in volume.builders()
    assert names.index("consultations") > names.index("culture plans")
    assert names.index("consultations") > names.index("organisations")


def test_share_out_gives_the_total_within_the_caps():
    assert consultation_volume.share_out(10, [1, 1, 1], [10, 10, 10]) == [4, 3, 3]
    assert consultation_volume.share_out(4000, [1, 3], [533, 533]) == [533, 533]
    assert sum(consultation_volume.share_out(4000, [1] * 5 + [3] + [1] * 2, [533] * 8)) == 4000
    assert consultation_volume.share_out(2, [1, 1, 1], [5, 5, 5]) == [1, 1, 0]


def test_seed_volume_makes_rounds_with_questions_and_responses(demo):
    _seed()
    rounds = list(_volume_rounds().annotate(n=Count("responses")))
    assert len(rounds) == 8
    assert Round.objects.count() == 8  # everything it made has the prefix
    kinds = Counter(r.kind for r in rounds)
    assert kinds[Round.Kind.REFERRAL] and kinds[Round.Kind.CONSULTATION]
    statuses = Counter(r.status() for r in rounds)
    assert statuses == {"open": 3, "closed": 4, "reported": 1}
    assert sum(1 for r in rounds if r.responses_published_at) == 3
    for round in rounds:
        assert 4 <= round.questions.count() <= 6
        first = round.questions.order_by("position").first()
        assert first.kind == Question.Kind.TEXT and first.required
        if round.is_referral():
            assert round.addresses_municipalities
    used = set(Question.objects.filter(round__in=rounds).values_list("kind", flat=True))
    assert used == {"text", "single", "multiple", "ranking"}
    # Tied to the volume plan's development areas where the round is about the plan.
    assert Question.objects.filter(
        round__in=rounds, development_area__plan__slug__startswith=plan_volume.PREFIX
    ).exists()

    responses = _volume_responses()
    assert responses.count() == RESPONSES
    biggest = max(rounds, key=lambda r: r.n)
    respondents = Organisation.objects.filter(email__endswith="@" + volume.VOLUME_DOMAIN).count()
    assert biggest.n == respondents + Municipality.objects.count()  # everyone answered it
    statuses = Counter(responses.values_list("status", flat=True))
    assert set(statuses) == set(Response.Status.values)
    assert statuses[Response.Status.SUBMITTED] > RESPONSES / 2
    # Only the volume's organisations answer, besides the municipalities.
    assert (
        not responses.filter(organisation__isnull=False)
        .exclude(organisation__email__endswith="@" + volume.VOLUME_DOMAIN)
        .exists()
    )
    assert responses.filter(municipality__isnull=False).exists()
    assert Tag.objects.filter(responses__in=responses).exists()
    assert Note.objects.filter(response__in=responses).exists()
    assert Disposition.objects.filter(response__in=responses, question=None).exists()
    assert Disposition.objects.filter(response__in=responses, question__isnull=False).exists()


def test_submissions_are_frozen_as_the_services_freeze_them(demo):
    _seed()
    responses = _volume_responses().select_related("current_submission", "round")
    for response in responses:
        if response.status == Response.Status.DRAFT:
            assert response.current_submission is None
            assert response.registration_number is None
            assert not response.submissions.exists()
            continue
        submission = response.current_submission
        assert submission.number == response.submissions.count()
        assert submission.receipts_queued_at is not None  # nothing is mailed later
        assert submission.submitted_at <= response.round.closes_at
        if not response.has_draft_changes:
            # The working answers are what was submitted last, in the services' own shape.
            assert submission.content == services.frozen_content(response)
    assert not services.submissions_missing_receipts(older_than_seconds=0)
    assert Submission.objects.filter(number=2, response__in=responses).exists()
    # Nothing is missing a required answer, as services.submit would have refused.
    for response in responses.filter(status=Response.Status.SUBMITTED)[:50]:
        assert services.missing_required(response) == []


def test_published_rounds_have_the_published_text(demo):
    _seed()
    published = _volume_responses().submitted().filter(round__responses_published_at__isnull=False)
    assert published.exists()
    for response in published.select_related("current_submission", "round"):
        assert response.published_content == services.published_content(response)
    # The consent as submitted decides what the public sees.
    shown = _volume_responses().published()
    assert shown.exists()
    assert not shown.filter(publish_consent=False).exists()
    assert set(shown.values_list("pk", flat=True)) == set(
        published.filter(publish_consent=True, held_back=False).values_list("pk", flat=True)
    )
    assert (
        not _volume_responses().filter(status=Response.Status.DRAFT, publish_consent=True).exists()
    )
    for response in _volume_responses().exclude(status=Response.Status.DRAFT)[:200]:
        assert response.publish_consent == response.current_submission.content["consent_to_publish"]
    unpublished = _volume_responses().filter(round__responses_published_at__isnull=True)
    assert not unpublished.filter(published_content__isnull=False).exists()


def test_the_seeder_numbers_its_responses_as_the_service_does(demo):
    """seed_volume writes registration numbers in bulk, not through submit(): they are
    unique and gap-free per year, its counters say so, and the service's next number
    follows them. (The service's own numbering: tests/consultations/test_responding.py, and
    under concurrent submissions tests/integration/test_consultation_worker.py.)"""
    _seed()
    numbers = list(
        _volume_responses()
        .exclude(registration_number=None)
        .values_list("registration_number", flat=True)
    )
    assert len(numbers) == len(set(numbers))
    by_year = defaultdict(list)
    for number in numbers:
        prefix, year, serial = re.fullmatch(r"(\w+) (\d{4})/(\d{4,})", number).groups()
        assert prefix == consultation_volume.REGISTRATION_PREFIX
        by_year[int(year)].append(int(serial))
    sequences = RegistrationSequence.objects.filter(prefix=consultation_volume.REGISTRATION_PREFIX)
    assert {s.year: s.last for s in sequences} == {y: len(n) for y, n in by_year.items()}
    for serials in by_year.values():
        assert sorted(serials) == list(range(1, len(serials) + 1))
    # The next submission in a volume round continues the series.
    year = max(by_year)
    taken = services.take_registration_number(consultation_volume.REGISTRATION_PREFIX, year)
    assert taken == f"{consultation_volume.REGISTRATION_PREFIX} {year}/{len(by_year[year]) + 1:04d}"


def test_one_response_per_respondent_and_round(demo):
    _seed()
    pairs = _volume_responses().values_list("round", "organisation", "municipality")
    assert len(pairs) == len(set(pairs))


def test_the_same_seed_gives_the_same_responses_and_another_seed_others(demo):
    _seed()
    first = _snapshot()
    _seed(replace=True)
    assert _snapshot() == first
    _seed(replace=True, seed=7)
    again = _snapshot()
    assert again != first


def test_clearing_removes_the_volume_and_keeps_the_demo_rounds(rounds):
    demo_counts = _counts()
    demo_sequences = set(RegistrationSequence.objects.values_list("prefix", "year", "last"))
    _seed()
    assert _volume_rounds().count() == 8
    volume.clear_volume()
    assert not _volume_rounds().exists()
    assert _counts() == demo_counts
    assert set(RegistrationSequence.objects.values_list("prefix", "year", "last")) == (
        demo_sequences
    )
    assert not Tag.objects.filter(responses__isnull=True).exists()


def _counts() -> Counter:
    return Counter(
        {
            model.__name__: model.objects.count()
            for model in (Round, Question, Response, Answer, Submission, Note, Disposition)
        }
    )


def test_the_list_and_the_export_hold_every_response_of_the_biggest_round(official, client):
    _seed()
    round = _volume_rounds().annotate(n=Count("responses")).order_by("-n").first()
    # Every response the officials may see: those ever submitted, not the drafts (issue 20).
    round.n = Response.objects.seen_by_officials().filter(round=round).count()
    client.force_login(official)
    page = client.get(f"/samrad/{round.slug}/hantera/svar/")
    assert page.status_code == 200
    assert f"{round.n} svar matchar" in page.content.decode()
    # The export gets the filters as the view passes them: the form's cleaned data.
    form, _responses = filtered_responses(round, {"csrfmiddlewaretoken": "x"})
    assert form.is_valid()
    table = exporting.build({"round": round.pk, "filters": form.cleaned_data})
    assert table.total == round.n
    assert sum(1 for _row in table.rows) == round.n
