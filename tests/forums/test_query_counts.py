"""Forum pages keep their query count with ten times the data."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse

from forums import services
from forums.models import AgendaItem, ForumType, Invitation, Meeting, MeetingDocument
from kulturportal.models import Municipality, OutgoingEmail

pytestmark = pytest.mark.django_db
_serial = itertools.count()


def _invitations(meeting, k):
    municipalities = itertools.cycle(Municipality.objects.all())
    sessions = itertools.cycle(list(meeting.sessions.all()) or [None])
    for _ in range(k):
        n = next(_serial)
        email = OutgoingEmail.objects.create(
            to=f"inbjuden{n}@example.se", subject="S", body_text="B"
        )
        invitation = Invitation.objects.create(
            meeting=meeting,
            email=f"inbjuden{n}@example.se",
            name=f"Inbjuden {n}",
            municipality=next(municipalities),
            last_email=email,
        )
        services.record_reply(
            invitation=invitation,
            response="accepted",
            session=next(sessions),
            dietary_needs="Vegetarisk",
        )


@pytest.fixture
def scheduled(sub_regional_round):
    Meeting.objects.filter(pk=sub_regional_round.pk).update(status=Meeting.Status.SCHEDULED)
    sub_regional_round.refresh_from_db()
    return sub_regional_round


def test_meeting_list(client, assert_flat_queries, official, in_a_month):
    def grow(k):
        for _ in range(k):
            n = next(_serial)
            Meeting.objects.create(
                title=f"Möte {n}",
                forum_type=ForumType.THEMATIC,
                organiser=official,
                starts_at=in_a_month + timedelta(days=n),
                ends_at=in_a_month + timedelta(days=n, hours=2),
                status=Meeting.Status.SCHEDULED,
                host_municipality=Municipality.objects.first(),
            )

    assert_flat_queries(reverse("forums:meeting_list"), grow)


def test_meeting_page(client, assert_flat_queries, scheduled, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            AgendaItem.objects.create(meeting=scheduled, title=f"Punkt {n}", position=n)
            document = MeetingDocument(
                meeting=scheduled, title=f"Handling {n}", content_type="application/pdf", size=10
            )
            document.file.save(f"h{n}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    assert_flat_queries(scheduled.get_absolute_url(), grow)


@pytest.mark.parametrize(
    "page",
    [
        "forums:meeting_replies",
        "forums:meeting_badges",
        "forums:meeting_attendance",
        "forums:replies_csv",
    ],
)
def test_officials_reply_pages(client, official, assert_flat_queries, scheduled, page):
    client.force_login(official)
    assert_flat_queries(reverse(page, args=[scheduled.pk]), lambda k: _invitations(scheduled, k))


def test_reply_page(client, assert_flat_queries, scheduled):
    invitation = Invitation.objects.create(meeting=scheduled, email="svarar@example.se")

    def grow(k):
        _invitations(scheduled, k)
        for _ in range(k):
            AgendaItem.objects.create(meeting=scheduled, title="Punkt", position=next(_serial))

    assert_flat_queries(invitation.reply_path(), grow)


def test_my_page_with_invitations(client, assert_flat_queries, lund_chief, official, in_a_month):
    client.force_login(lund_chief)

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            meeting = Meeting.objects.create(
                title=f"Möte {n}",
                forum_type=ForumType.ANNUAL,
                organiser=official,
                starts_at=in_a_month,
                ends_at=in_a_month + timedelta(hours=2),
                status=Meeting.Status.SCHEDULED,
            )
            Invitation.objects.create(meeting=meeting, email=lund_chief.email, user=lund_chief)

    assert_flat_queries(reverse("my_page"), grow)


def test_network_page(client, assert_flat_queries, lund_chief, official, in_a_month):
    from forums.demo import seed_forums
    from kulturportal.models import Role, RoleAssignment, User

    seed_forums()
    client.force_login(lund_chief)
    municipalities = itertools.cycle(Municipality.objects.all())

    def grow(k):
        for _ in range(k):
            n = next(_serial)
            user = User.objects.create(email=f"chef{n}@example.se", first_name="Chef")
            RoleAssignment.objects.create(
                user=user, role=Role.CULTURE_CHIEF, municipality=next(municipalities)
            )

    assert_flat_queries(reverse("forums:network_detail", args=["kulturchefsnatverk-skane"]), grow)
