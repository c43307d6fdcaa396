"""The official schedules a sub-regional round, previews and sends it; an invitee answers
through the personal link, choosing a session; the official sees the answer."""

import re
from urllib.parse import urlsplit

import pytest

from forums.demo import seed_forums
from forums.models import Meeting
from kulturportal.models import OutgoingEmail
from tests.browser.journey import has_focus, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUND = "Delregionala överläggningar, våren"


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


@pytest.fixture
def meetings(site):
    seed_forums()  # a draft round with four sessions, and a scheduled annual deliberation


def test_official_sends_a_round_and_sees_the_invitees_answer(journey, meetings):
    page = journey.page
    log_in(journey, "handlaggare@example.se")
    journey.click(page.get_by_role("link", name="Överläggningar", exact=True))
    journey.click(page.get_by_role("link", name=ROUND))
    journey.click(page.get_by_role("link", name="Hantera mötet"))
    journey.click(page.get_by_role("link", name="Målgrupp"))

    # A pasted list with a bad line: the good address is kept, the bad line is named.
    form = page.locator(".rule-form").filter(
        has=page.get_by_role("heading", name="Inklistrade e-postadresser")
    )
    form.get_by_label("E-postadresser").fill("extern.gast@example.se\ninte-en-adress")
    journey.click(form.get_by_role("button", name=re.compile("^Lägg till")))
    assert has_focus(page, "[data-error-summary]")
    # The box keeps only the bad line; the message numbers it as pasted (issue 20).
    assert "Rad 2" in page.locator("[data-error-summary]").inner_text()

    journey.click(page.get_by_role("link", name="Förhandsgranska och skicka"))
    assert "4 mottagare" in page.locator("#recipients-heading").inner_text()
    assert "BEGIN:VCALENDAR" in page.locator("details pre.email-calendar").text_content()
    journey.click(page.get_by_role("button", name=re.compile("Skicka inbjudan till 4")))
    assert "Inbjudan skickas till 4 mottagare" in page.get_by_role("status").inner_text()
    assert Meeting.objects.get(title=ROUND).status == Meeting.Status.SCHEDULED
    journey.click(page.get_by_role("button", name="Logga ut"))

    answer_as_ystad(journey)

    log_in(journey, "handlaggare@example.se")
    meeting = Meeting.objects.get(title=ROUND)
    journey.visit(f"/overlaggningar/{meeting.pk}/svar/")
    main = page.locator("main").inner_text()
    assert "Ystad: 1 kommer" in main
    assert "av 33 kommuner representerade" in main
    assert "Vegetarisk" in main


def answer_as_ystad(journey):
    page = journey.page
    email = OutgoingEmail.objects.get(to="politiker.ystad@example.se")
    assert "METHOD:REQUEST" in email.calendar
    link = re.search(r"https?://\S+/svar/\S+/", email.body_text).group()
    journey.visit(urlsplit(link).path)
    form = page.locator("main form")
    form.get_by_label("Kommer", exact=True).check()
    form.get_by_label("Tillgänglighet").fill("Hörslinga")
    journey.click(form.get_by_role("button", name="Skicka svar"))
    # Coming to a round needs a session: said beside the field, the rest kept.
    assert has_focus(page, "[data-error-summary]")
    assert form.get_by_label("Tillgänglighet").input_value() == "Hörslinga"

    form.get_by_label(re.compile(r"^\s*Ystad:")).check()
    form.get_by_label("Kost").fill("Vegetarisk")
    journey.click(form.get_by_role("button", name="Skicka svar"))
    assert "Tack för ditt svar" in page.locator("h1").inner_text()
    assert "delmötet i Ystad" in page.locator("main").inner_text()


def test_public_meeting_pages_and_feed(journey, meetings):
    page = journey.page
    Meeting.objects.filter(title=ROUND).update(status=Meeting.Status.SCHEDULED)
    journey.visit("/")
    journey.click(page.get_by_role("link", name="Årlig kulturpolitisk överläggning").first)
    assert "Kulturplanen 2025–2028" in page.locator("main").inner_text()
    journey.visit("/overlaggningar/?typ=delregional")
    journey.click(page.get_by_role("link", name=ROUND))
    assert "Varje kommun väljer" in page.locator("main").inner_text()
    response = page.request.get(journey.base_url + "/overlaggningar/kalender/delregional.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.text()
