"""Issue 20, item 16: the minutes.

Defects:
- published minutes showed raw Markdown ("## Närvarande") to the public;
- adjusters could only approve, not ask for changes;
- minutes waiting for an adjuster did not appear on their Min sida;
- published minutes did not say who adjusted them, nor when.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from forums import services
from forums.models import Adjustment, Meeting, Minutes
from kulturportal.models import AuditEntry, OutgoingEmail

pytestmark = pytest.mark.django_db

TEXT = "## Närvarande\n\n- Lund\n- Malmö\n\n**Beslut:** vi ses i mars.\n\n<script>alert(1)</script>"


@pytest.fixture
def held(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    Meeting.objects.filter(pk=annual.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    annual.refresh_from_db()
    return annual


@pytest.fixture
def in_review(held, official, lund_chief, malmo_chief, send_now):
    minutes = Minutes.objects.create(meeting=held, text=TEXT)
    send_now(
        services.send_minutes_for_review,
        minutes=minutes,
        adjusters=[lund_chief, malmo_chief],
        actor=official,
    )
    return minutes


def _review(held):
    return reverse("forums:minutes_review", args=[held.pk])


def test_published_minutes_render_their_markdown_like_plan_sections(client, held, official):
    minutes = Minutes.objects.create(meeting=held, text=TEXT)
    services.publish_minutes(minutes=minutes, actor=official)
    html = client.get(held.get_absolute_url()).content.decode()
    section = html.split('id="minutes-heading"')[1]
    assert "<h3>Närvarande</h3>" in section and "<li>Lund</li>" in section
    assert "<strong>Beslut:</strong>" in section
    assert "## Närvarande" not in section and "<script>" not in section


def test_the_adjuster_reads_the_markdown_rendered_too(client, in_review, held, lund_chief):
    client.force_login(lund_chief)
    html = client.get(_review(held)).content.decode()
    assert "<h3>Närvarande</h3>" in html and "## Närvarande" not in html


def test_an_adjuster_can_ask_for_changes_with_a_comment(
    client, in_review, held, lund_chief, official, send_now, django_capture_on_commit_callbacks
):
    client.force_login(lund_chief)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _review(held), {"andringar": "ja", "comment": "Malmö saknas bland beslutsfattarna."}
        )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Minutes.Status.DRAFT
    adjustment = in_review.adjustments.get(adjuster=lund_chief)
    assert adjustment.comment == "Malmö saknas bland beslutsfattarna."
    assert adjustment.changes_requested_at and adjustment.approved_at is None
    email = OutgoingEmail.objects.get(to=official.email, subject__contains="ändringar")
    assert "Malmö saknas bland beslutsfattarna." in email.body_text
    assert AuditEntry.objects.about(held).filter(action="minutes.changes_requested").exists()
    client.force_login(official)
    page = client.get(reverse("forums:minutes_edit", args=[held.pk])).content.decode()
    assert "Malmö saknas bland beslutsfattarna." in page


def test_asking_for_changes_needs_a_comment_beside_the_field(client, in_review, held, lund_chief):
    client.force_login(lund_chief)
    response = client.post(_review(held), {"andringar": "ja", "comment": ""})
    assert response.status_code == 400
    assert 'id="id_comment_error"' in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == Minutes.Status.IN_REVIEW


def test_a_post_that_neither_approves_nor_asks_changes_nothing(client, in_review, held, lund_chief):
    client.force_login(lund_chief)
    assert client.post(_review(held)).status_code == 400
    assert not in_review.adjustments.filter(approved_at__isnull=False).exists()


def test_sending_again_asks_every_adjuster_afresh(
    client, in_review, held, lund_chief, malmo_chief, official
):
    services.approve_minutes(minutes=in_review, actor=malmo_chief)
    services.request_minutes_changes(minutes=in_review, comment="Rätta datumet.", actor=lund_chief)
    in_review.text = TEXT + "\n\nRättat."
    in_review.save()
    services.send_minutes_for_review(
        minutes=in_review, adjusters=[lund_chief, malmo_chief], actor=official
    )
    fresh = Adjustment.objects.filter(minutes=in_review)
    assert not fresh.filter(approved_at__isnull=False).exists()
    assert not fresh.exclude(comment="").exists()


def test_minutes_waiting_for_an_adjuster_are_on_their_min_sida(
    client, in_review, held, lund_chief, ystad_politician
):
    client.force_login(lund_chief)
    html = client.get(reverse("my_page")).content.decode()
    assert _review(held) in html and held.title in html
    services.approve_minutes(minutes=in_review, actor=lund_chief)
    assert _review(held) not in client.get(reverse("my_page")).content.decode()
    client.force_login(ystad_politician)
    assert _review(held) not in client.get(reverse("my_page")).content.decode()


def test_published_minutes_say_who_adjusted_them_and_when(
    client, in_review, held, lund_chief, malmo_chief
):
    services.approve_minutes(minutes=in_review, actor=lund_chief)
    services.approve_minutes(minutes=in_review, actor=malmo_chief)
    in_review.refresh_from_db()
    assert in_review.status == Minutes.Status.PUBLISHED
    html = client.get(held.get_absolute_url()).content.decode()
    section = html.split('id="minutes-heading"')[1]
    approved = in_review.adjustments.get(adjuster=lund_chief).approved_at
    assert lund_chief.get_full_name() in section and malmo_chief.get_full_name() in section
    assert date_format(timezone.localtime(approved), "j F Y") in section
    assert "Justerade av" in section
