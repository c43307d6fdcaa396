"""Issue 20, item 14: what an invitee (and an official) reads about a meeting is true.

Defects:
- a cancelled meeting still showed "Ditt svar: Kommer" on Min sida with no "Inställt",
  and its page offered "Lägg till i kalender" (past meetings too);
- a round read as a nine-day meeting ("1 februari 2027, 13.00 – 9 februari 2027") on the
  reply page, the manage page and Min sida; each person sees their chosen session's date
  and place, and lists show each session's times.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from forums import services
from forums.models import Meeting

pytestmark = pytest.mark.django_db


def _when(moment, fmt="j F Y, H.i") -> str:
    return date_format(timezone.localtime(moment), fmt)


def _span(meeting) -> str:
    """How the nine-day span read: the start, then "– <the end's date>"."""
    return f"– {_when(meeting.ends_at, 'j F Y')}"


@pytest.fixture
def sent_annual(annual, send_now):
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    annual.refresh_from_db()
    return annual


@pytest.fixture
def sent_round(sub_regional_round, send_now):
    sub_regional_round.sessions.filter(town="Ystad").update(place="Ystads teater")
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    sub_regional_round.refresh_from_db()
    return sub_regional_round


# --- Cancelled and past meetings ----------------------------------------------------------


def test_a_cancelled_meeting_says_installt_on_min_sida_not_your_answer(
    client, sent_annual, lund_chief, send_now
):
    invitation = sent_annual.invitations.get(email=lund_chief.email)
    services.record_reply(invitation=invitation, response="accepted", actor=None)
    send_now(services.cancel_meeting, meeting=sent_annual, actor=None)
    client.force_login(lund_chief)
    html = client.get(reverse("my_page")).content.decode()
    assert sent_annual.title in html and "Inställt" in html
    assert "Ditt svar: Kommer" not in html


def test_a_cancelled_meetings_page_offers_no_add_to_calendar(
    client, sent_annual, send_now, lund_chief
):
    send_now(services.cancel_meeting, meeting=sent_annual, actor=None)
    client.force_login(lund_chief)  # the invitee, from Min sida; the public gets 404
    html = client.get(sent_annual.get_absolute_url()).content.decode()
    assert "inställt" in html
    assert "Lägg till i kalender" not in html


def test_a_past_meetings_page_offers_no_add_to_calendar(client, sent_annual):
    Meeting.objects.filter(pk=sent_annual.pk).update(
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=3),
    )
    html = client.get(sent_annual.get_absolute_url()).content.decode()
    assert "Lägg till i kalender" not in html


def test_an_upcoming_meetings_page_still_offers_add_to_calendar(client, sent_annual):
    assert "Lägg till i kalender" in client.get(sent_annual.get_absolute_url()).content.decode()


# --- A round: each person's session, each session's times ---------------------------------


def _choose_ystad(meeting, person):
    invitation = meeting.invitations.get(email=person.email)
    ystad = meeting.sessions.get(town="Ystad")
    services.record_reply(invitation=invitation, response="accepted", session=ystad, actor=None)
    invitation.refresh_from_db()
    return invitation, ystad


def test_the_reply_page_shows_the_chosen_sessions_date_and_place(client, sent_round, lund_chief):
    invitation, ystad = _choose_ystad(sent_round, lund_chief)
    html = client.get(invitation.reply_path()).content.decode()
    facts = html.split('class="facts"')[1].split("</dl>")[0]
    assert _when(ystad.starts_at) in facts and "Ystads teater" in facts
    assert _span(sent_round) not in html


def test_the_reply_page_before_a_choice_lists_each_sessions_times(client, sent_round, lund_chief):
    invitation = sent_round.invitations.get(email=lund_chief.email)
    html = client.get(invitation.reply_path()).content.decode()
    facts = html.split('class="facts"')[1].split("</dl>")[0]
    for session in sent_round.sessions.all():
        assert _when(session.starts_at) in facts
    assert _span(sent_round) not in html


def test_min_sida_shows_the_chosen_sessions_date_and_place(client, sent_round, lund_chief):
    _invitation, ystad = _choose_ystad(sent_round, lund_chief)
    client.force_login(lund_chief)
    html = client.get(reverse("my_page")).content.decode()
    assert _when(ystad.starts_at) in html and "Ystads teater" in html
    assert _span(sent_round) not in html


def test_min_sida_before_a_choice_shows_each_sessions_times(client, sent_round, lund_chief):
    client.force_login(lund_chief)
    html = client.get(reverse("my_page")).content.decode()
    for session in sent_round.sessions.all():
        assert _when(session.starts_at) in html
    assert _span(sent_round) not in html


def test_the_manage_page_shows_each_sessions_times(official_client, sent_round):
    html = official_client.get(reverse("forums:meeting_manage", args=[sent_round.pk]))
    html = html.content.decode()
    for session in sent_round.sessions.all():
        assert _when(session.starts_at) in html
    assert _span(sent_round) not in html


@pytest.mark.parametrize("path", ["/overlaggningar/", "/", "/kommuner/lund/"])
def test_lists_show_each_sessions_times_never_the_span(client, sent_round, path):
    html = client.get(path).content.decode()
    assert sent_round.title in html
    for session in sent_round.sessions.all():
        assert _when(session.starts_at) in html, session.town
    assert _span(sent_round) not in html
