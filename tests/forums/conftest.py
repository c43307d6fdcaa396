from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from forums.models import Audience, ForumType
from tests import factories
from tests.factories import AudienceRuleFactory, MeetingFactory

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def in_a_month():
    """13.00 local time, thirty days from now: the factories' default start."""
    return factories.in_a_month()


@pytest.fixture
def annual(official, in_a_month):
    """A draft annual deliberation (three hours, at Malmö Live) for all culture chiefs."""
    meeting = MeetingFactory(
        title="Årlig överläggning",
        forum_type=ForumType.ANNUAL,
        starts_at=in_a_month,
        duration=timedelta(hours=3),
        place="Malmö Live",
        organiser=official,
    )
    AudienceRuleFactory(meeting=meeting, kind=Audience.CULTURE_CHIEFS)
    return meeting


@pytest.fixture
def sub_regional_round(official, in_a_month):
    return factories.sub_regional_round(organiser=official, starts_at=in_a_month)


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    """Run the after-commit work (queueing and sending e-mail) at once."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client
