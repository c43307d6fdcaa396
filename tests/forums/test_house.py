"""The house: side effects after commit, one write path with a version check, the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forums import services
from forums.models import Audience, AudienceRule, Meeting
from kulturportal import audit
from kulturportal.models import AuditEntry
from tests.factories import meeting_edit_post

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_invite_more_shows_on_the_cached_municipality_page(
    client, annual, send_now, ystad_politician
):
    """Defect: invite_more adds invitations with bulk_create, which fired no signal, so the
    cached /kommuner/ystad/ kept lacking the meeting."""
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    assert annual.title not in client.get("/kommuner/ystad/").content.decode()  # now cached
    rule = AudienceRule(kind=Audience.MUNICIPAL_POLITICIANS)
    send_now(services.add_audience_rule, meeting=annual, rule=rule, actor=None)
    send_now(services.invite_more, meeting=annual, actor=None)
    assert annual.title in client.get("/kommuner/ystad/").content.decode()


@pytest.fixture
def colleague(official):
    from kulturportal.models import Role, RoleAssignment, User

    user = User.objects.create_user("kollega@example.se", "x", first_name="Karin", last_name="K")
    RoleAssignment.objects.create(user=user, role=Role.REGIONAL_OFFICIAL)
    return user


def test_a_save_based_on_an_older_version_is_refused_and_keeps_both(
    client, official, colleague, annual
):
    url = reverse("forums:meeting_edit", args=[annual.pk])
    opened = meeting_edit_post(annual)  # both open the form at the same version
    client.force_login(colleague)
    assert client.post(url, {**opened, "place": "Lunds stadshall"}).status_code == 302
    client.force_login(official)
    response = client.post(url, {**opened, "description": "Min text som inte får försvinna"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "Karin K" in html and "Lunds stadshall" in html  # what the other person changed
    assert "Min text som inte får försvinna" in html  # what I typed is still in the form
    annual.refresh_from_db()
    assert annual.place == "Lunds stadshall" and annual.description == ""
    # Saving again from the refused page is a deliberate choice, and goes through.
    version = response.context["form"]["version"].value()
    again = client.post(url, {**opened, "description": "Min text", "version": version})
    assert again.status_code == 302
    annual.refresh_from_db()
    assert annual.description == "Min text"


def test_the_manage_page_shows_the_meetings_history(client, official, annual, send_now):
    client.force_login(official)
    url = reverse("forums:meeting_edit", args=[annual.pk])
    client.post(
        url, meeting_edit_post(annual, place="Kristianstad & Ystad"), REMOTE_ADDR="192.0.2.7"
    )
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    html = client.get(reverse("forums:meeting_manage", args=[annual.pk])).content.decode()
    assert "Historik" in html and "Mötet ändrat" in html and "Inbjudan skickad" in html
    assert "Malmö Live" in html and "Kristianstad &amp; Ystad" in html
    changed = AuditEntry.objects.about(annual).get(action="meeting.changed")
    assert changed.actor == official and changed.ip_address == "192.0.2.7"
    assert changed.changes["place"] == ["Malmö Live", "Kristianstad & Ystad"]


def test_audit_entries_are_append_only(annual, official):
    entry = audit.record("meeting.changed", annual, actor=official)
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_minutes_page_writes_nothing_on_get(client, official, annual):
    client.force_login(official)
    Meeting.objects.filter(pk=annual.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    assert client.get(reverse("forums:minutes_edit", args=[annual.pk])).status_code == 200
    assert not annual.__class__.objects.get(pk=annual.pk).__dict__.get("minutes")
    from forums.models import Minutes

    assert not Minutes.objects.filter(meeting=annual).exists()


def test_saving_an_unchanged_time_records_no_time_change(client, official, annual):
    """Found in the real run: the time read from the database (UTC) and from the form
    (Stockholm) differed as text, so every save looked like a change of time."""
    client.force_login(official)
    url = reverse("forums:meeting_edit", args=[annual.pk])
    client.post(url, meeting_edit_post(annual, description="Bara texten"))
    changed = AuditEntry.objects.about(annual).get(action="meeting.changed")
    assert set(changed.changes) == {"description"}


def test_history_shows_empty_and_yes_no_values_in_words(annual, official):
    entry = audit.record(
        "meeting.changed",
        annual,
        actor=official,
        changes={"place": ["", "Lund"], "is_public": [True, False]},
    )
    assert [(before, after) for _label, before, after in entry.change_rows()] == [
        ("–", "Lund"),
        ("ja", "nej"),
    ]
