"""Every list of the API makes the same number of queries with ten times the rows."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from forums.models import AgendaItem, Meeting, MeetingSession
from kulturplan.models import CulturePlan
from kulturportal.models import Municipality, Organisation, OrganisationKind
from tests.factories import OfficialFactory

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def test_organisations(demo, assert_flat_queries):
    municipalities = list(Municipality.objects.all()[:3])

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            organisation = Organisation.objects.create(
                name=f"Förening {n}",
                slug=f"forening-{n}",
                kind=OrganisationKind.CIVIL_SOCIETY,
                host_municipality=municipalities[n % 3],
            )
            organisation.co_financing_municipalities.set(municipalities)

    assert_flat_queries("/api/v1/organisations/?limit=200", grow)


def test_meetings(demo, assert_flat_queries):
    organiser = OfficialFactory()
    start = timezone.now() + timedelta(days=3)

    def grow(k):
        for _ in range(k):
            meeting = Meeting.objects.create(
                title=f"Möte {next(_serial)}",
                forum_type="delregional",
                organiser=organiser,
                status=Meeting.Status.SCHEDULED,
                starts_at=start,
                ends_at=start + timedelta(hours=2),
            )
            MeetingSession.objects.create(
                meeting=meeting, town="Ystad", starts_at=start, ends_at=start + timedelta(hours=2)
            )
            AgendaItem.objects.create(meeting=meeting, title="Punkt")

    assert_flat_queries("/api/v1/meetings/?limit=200", grow)


def test_plans(demo, assert_flat_queries):
    def grow(k):
        for _ in range(k):
            n = next(_serial)
            CulturePlan.objects.create(
                title=f"Plan {n}", slug=f"plan-{n}", starts_year=2100 + n, ends_year=2103 + n
            )

    assert_flat_queries("/api/v1/plans/?limit=200", grow)


def test_published_responses(demo, assert_flat_queries):
    from consultations.models import Response, Round

    now = timezone.now()
    round = Round.objects.create(
        kind=Round.Kind.CONSULTATION,
        title="Samråd",
        slug="samrad-matt",
        description="Om något.",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        responses_published_at=now,
    )

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            organisation = Organisation.objects.create(
                name=f"Svarande {n}", slug=f"svarande-{n}", kind=OrganisationKind.CIVIL_SOCIETY
            )
            Response.objects.create(
                round=round,
                organisation=organisation,
                status=Response.Status.SUBMITTED,
                publish_consent=True,
                registration_number=f"KN 2026/{n:05d}",
                submitted_at=now,
                published_content={"answers": [{"question": 1, "text": "Svar"}]},
            )

    assert_flat_queries(f"/api/v1/consultations/{round.slug}/responses/?limit=200", grow)
