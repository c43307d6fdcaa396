"""Issue 20, item 18: the change history says what changed in words, in the reader's
language: a field's name and a choice's label, never a code."""

import pytest
from django.utils import translation

from forums.models import ForumType, Invitation, Meeting
from kulturportal import audit
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_status_change_is_told_by_its_labels(official):
    """Defect: "Status: draft → scheduled" in the Swedish history."""
    meeting = MeetingFactory(organiser=official)
    entry = audit.record(
        "meeting.scheduled",
        meeting,
        actor=official,
        changes={"status": [Meeting.Status.DRAFT, Meeting.Status.SCHEDULED]},
    )
    assert entry.change_rows() == [("status", "Utkast", "Planerad")]


def test_a_forum_type_is_told_by_its_label(official):
    """Defect: "Överläggningsform: tematisk"."""
    meeting = MeetingFactory(organiser=official)
    entry = audit.record(
        "meeting.changed",
        meeting,
        actor=official,
        changes={"forum_type": [ForumType.ANNUAL, ForumType.THEMATIC]},
    )
    ((label, before, after),) = entry.change_rows()
    assert (label, before, after) == (
        "överläggningsform",
        "Årlig överläggning",
        "Tematisk överläggning",
    )


def test_a_reply_is_told_by_the_invitations_field_and_labels(official):
    """Defect: "Response: needs_action → accepted": the reply's fields are the invitation's,
    logged on the meeting."""
    meeting = MeetingFactory(organiser=official)
    entry = audit.record(
        "invitation.replied",
        meeting,
        actor=None,
        changes={"response": [Invitation.Response.NEEDS_ACTION, Invitation.Response.ACCEPTED]},
    )
    assert entry.change_rows() == [("svar", "Inte svarat", "Kommer")]
    with translation.override("en"):
        ((label, before, after),) = entry.change_rows()
    assert (label, before, after) == ("reply", "No reply yet", "Coming")
