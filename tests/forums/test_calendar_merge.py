"""The invitations' merge against their unmerged rendering, with random invitee names: each
invitee's e-mail is the templates rendered for that person alone, and each calendar is
icalendar's rendering of that person's event built whole (kulturportal/merging.py)."""

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forums import ical, services
from forums.services import delivery
from kulturportal.emails import render_email
from tests.core.test_merging import ANY_NAME

pytestmark = pytest.mark.django_db

STAMP = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def invitations(sub_regional_round, send_now, monkeypatch):
    """A sent round's invitees, with one holding a session; DTSTAMP held still, so a
    rendering a second later is the same rendering."""
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    monkeypatch.setattr(ical.timezone, "now", lambda: STAMP)
    invitations = list(sub_regional_round.invitations.select_related("user", "session"))
    invitations[1].session = sub_regional_round.sessions.get(town="Ystad")
    return invitations


def _alone(invitation, context, method) -> tuple[str, str, str]:
    language = services.language_of(invitation)
    return render_email(
        delivery._invitation_template(invitation, method),
        {
            **context,
            "invitation": invitation,
            "session": ical.chosen_session(invitation),
            "changes": [],
            "cover_note": context["meeting"].cover_note,
            "reply_url": services.reply_url(invitation, language),
        },
        language,
    )


@EXAMPLES
@given(
    names=st.lists(ANY_NAME, min_size=3, max_size=3), method=st.sampled_from(["REQUEST", "CANCEL"])
)
def test_each_merged_invitation_is_its_own_rendering(invitations, names, method):
    for invitation, name in zip(invitations, names, strict=False):
        invitation.name = name
    context = services.meeting_context(invitations[0].meeting)
    merged = delivery._invitation_emails(invitations, context, method)
    for invitation, email in zip(invitations, merged, strict=True):
        assert (email.subject, email.body_text, email.body_html) == _alone(
            invitation, context, method
        )
        whole = ical.unmerged_calendar(
            invitation, method=method, language=services.language_of(invitation)
        )
        assert email.calendar == whole
