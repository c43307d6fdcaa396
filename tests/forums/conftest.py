from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from forums.models import Audience, AudienceRule, ForumType, Meeting, MeetingSession

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def in_a_month():
    start = timezone.localtime() + timedelta(days=30)
    return start.replace(hour=13, minute=0, second=0, microsecond=0)


@pytest.fixture
def annual(official, in_a_month):
    """A draft annual deliberation for all culture chiefs."""
    meeting = Meeting.objects.create(
        title="Årlig överläggning",
        forum_type=ForumType.ANNUAL,
        starts_at=in_a_month,
        ends_at=in_a_month + timedelta(hours=3),
        place="Malmö Live",
        organiser=official,
    )
    AudienceRule.objects.create(meeting=meeting, kind=Audience.CULTURE_CHIEFS)
    return meeting


@pytest.fixture
def sub_regional_round(official, in_a_month):
    meeting = Meeting.objects.create(
        title="Delregionala överläggningar",
        forum_type=ForumType.SUB_REGIONAL,
        starts_at=in_a_month,
        ends_at=in_a_month + timedelta(days=7),
        organiser=official,
    )
    for position, town in enumerate(["Helsingborg", "Kristianstad", "Ystad", "Malmö"]):
        start = in_a_month + timedelta(days=2 * position)
        MeetingSession.objects.create(
            meeting=meeting,
            town=town,
            position=position,
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
    AudienceRule.objects.create(meeting=meeting, kind=Audience.CULTURE_CHIEFS)
    AudienceRule.objects.create(meeting=meeting, kind=Audience.MUNICIPAL_POLITICIANS)
    return meeting


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run the after-commit work (queueing and sending e-mail) at once."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run
