"""Two officials edit one meeting at once: the second is told what the first changed, keeps
what they typed, and the meeting's history shows both saves."""

import pytest
from django.test import Client

from forums.demo import seed_forums
from forums.models import Meeting
from kulturportal.models import Role, RoleAssignment, User
from tests.browser.journey import log_in
from tests.factories import meeting_edit_post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ANNUAL = "Årlig kulturpolitisk överläggning"


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


def _colleague_moves(meeting: Meeting, place: str) -> None:
    """The colleague saves the same form through the portal, in a browser of their own."""
    colleague = User.objects.create_user("kollega@example.se", first_name="Karin", last_name="K")
    RoleAssignment.objects.create(user=colleague, role=Role.REGIONAL_OFFICIAL)
    client = Client()
    client.force_login(colleague)
    response = client.post(
        f"/overlaggningar/{meeting.pk}/andra/",
        meeting_edit_post(meeting, place=place, notify="yes"),
    )
    assert response.status_code == 302


def test_a_stale_save_is_refused_with_both_versions_and_the_history_shows_it(journey, site):
    seed_forums()
    meeting = Meeting.objects.get(title=ANNUAL)
    page = journey.page
    log_in(journey, "handlaggare@example.se")
    journey.visit(f"/overlaggningar/{meeting.pk}/andra/")
    page.get_by_label("Beskrivning").fill("Fika från 09.00 & en kort presentation.")
    _colleague_moves(meeting, "Kulturhuset, Lund")

    journey.click(page.get_by_role("button", name="Spara"), status=409)
    notice = page.get_by_role("alert").first
    assert "Någon annan har sparat mötet" in notice.inner_text()
    assert "Karin K" in notice.inner_text() and "Kulturhuset, Lund" in notice.inner_text()
    assert page.get_by_label("Beskrivning").input_value() == (
        "Fika från 09.00 & en kort presentation."
    )
    page.locator("#id_place").fill("Kulturhuset, Lund")  # keep the colleague's place
    journey.click(page.get_by_role("button", name="Spara"))

    journey.visit(f"/overlaggningar/{meeting.pk}/hantera/")
    history = page.locator(".history").inner_text()
    assert history.count("Mötet ändrat") == 2 and "Karin K" in history
    meeting.refresh_from_db()
    assert meeting.place == "Kulturhuset, Lund"
    assert meeting.description == "Fika från 09.00 & en kort presentation."
