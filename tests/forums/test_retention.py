"""Issue 20, item 22 (the forums' part): dietary and access needs are health data; they are
deleted a configurable time after the meeting (FORUMS_NEEDS_RETENTION_DAYS, 30 days), by a
service the retention task calls, and the reply form says so.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from forums import services
from forums.models import Invitation, Meeting
from kulturportal.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def replied(annual, send_now, lund_chief, malmo_chief):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    lund = annual.invitations.get(email=lund_chief.email)
    services.record_reply(
        invitation=lund,
        response="accepted",
        dietary_needs="Glutenfri",
        access_needs="Rullstolsplats",
        comment="Kommer med tåget",
        actor=None,
    )
    malmo = annual.invitations.get(email=malmo_chief.email)
    services.record_reply(invitation=malmo, response="declined", actor=None)
    return annual


def _ended(meeting, days_ago: float):
    end = timezone.now() - timedelta(days=days_ago)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=end - timedelta(hours=3), ends_at=end)


def test_needs_are_kept_until_30_days_after_the_meeting(replied):
    _ended(replied, 29)
    assert services.forget_needs() == 0
    assert Invitation.objects.filter(dietary_needs="Glutenfri").exists()


def test_needs_are_deleted_30_days_after_the_meeting_and_the_rest_kept(replied, lund_chief):
    _ended(replied, 31)
    assert services.forget_needs() == 1
    lund = replied.invitations.get(email=lund_chief.email)
    assert (lund.dietary_needs, lund.access_needs) == ("", "")
    # The note to the organiser goes too: people write their needs there in their own words.
    assert lund.response == "accepted" and lund.comment == ""
    (entry,) = AuditEntry.objects.about(replied).filter(action="invitation.needs_deleted")
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.details["invitations"] == 1


def test_running_again_deletes_and_records_nothing_more(replied):
    _ended(replied, 31)
    services.forget_needs()
    assert services.forget_needs() == 0
    assert AuditEntry.objects.filter(action="invitation.needs_deleted").count() == 1


def test_the_time_is_a_setting(replied, settings):
    settings.FORUMS_NEEDS_RETENTION_DAYS = 7
    _ended(replied, 8)
    assert services.forget_needs() == 1


def test_the_audit_log_never_holds_the_needs_themselves(replied):
    """The history says a need was given, not what it was: the log is kept for good."""
    for entry in AuditEntry.objects.about(replied).filter(action="invitation.replied"):
        assert "Glutenfri" not in str(entry.changes) and "Rullstol" not in str(entry.changes)


def test_needs_written_in_the_log_before_are_removed_from_it_too(replied):
    entry = AuditEntry.objects.about(replied).filter(action="invitation.replied").first()
    AuditEntry.objects.filter(pk=entry.pk).update(
        changes={"dietary_needs": ["", "Nötallergi"], "response": ["needs_action", "accepted"]}
    )
    _ended(replied, 31)
    services.forget_needs()
    entry.refresh_from_db()
    assert "Nötallergi" not in str(entry.changes)
    assert entry.changes["response"] == ["needs_action", "accepted"]


def test_the_reply_form_says_when_the_needs_are_deleted(client, replied, settings):
    invitation = replied.invitations.first()
    html = client.get(invitation.reply_path()).content.decode()
    assert "raderas 30 dagar efter mötet" in html
