"""A regional official invites a new culture chief, who accepts through the e-mailed link."""

import re
from urllib.parse import urlsplit

import pytest

from kulturportal.models import OutgoingEmail
from tests.browser.journey import has_focus, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

INVITEE = "ny.kulturchef@example.se"
NEW_PASSWORD = "Kulturchef-i-Lund-2025"


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings):
    # Production asks officials for two-step verification before management pages.
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


def test_official_invites_a_culture_chief_who_accepts(journey):
    invite_culture_chief(journey)
    journey.click(journey.page.get_by_role("button", name="Logga ut"))
    link = invitation_link()
    assert link.startswith(journey.base_url + "/konto/inbjudan/"), link
    accept_invitation(journey, urlsplit(link).path)

    page = journey.page
    assert journey.path == "/min-sida/"
    roles = page.get_by_role("region", name="Mina roller")
    assert "Kulturchef" in roles.inner_text()
    assert "Lund" in roles.inner_text()
    assert "Nora Nyberg" in page.locator("main").inner_text()


def invite_culture_chief(journey):
    page = journey.page
    log_in(journey, "handlaggare@example.se")
    journey.click(page.get_by_role("link", name="Bjud in en person till en roll"))
    assert journey.path == "/hantera/inbjudningar/"

    form = page.locator("main form")
    form.get_by_label("E-postadress").fill(INVITEE)
    form.get_by_label("Roll").select_option(label="Kulturchef")
    journey.click(form.get_by_role("button", name="Skicka inbjudan"))

    # A culture chief belongs to a municipality: the form says so and keeps what was typed.
    assert has_focus(page, "[data-error-summary]")
    summary = page.locator("[data-error-summary]")
    assert "Välj vilken kommun" in summary.inner_text()
    assert summary.get_by_role("link").get_attribute("href") == "#id_municipality"
    municipality = form.get_by_label("Kommun")
    assert municipality.get_attribute("aria-invalid") == "true"
    assert form.get_by_label("E-postadress").input_value() == INVITEE

    municipality.select_option(label="Lund")
    journey.click(form.get_by_role("button", name="Skicka inbjudan"))
    assert f"Inbjudan har skickats till {INVITEE}" in page.get_by_role("status").inner_text()


def invitation_link() -> str:
    email = OutgoingEmail.objects.get(to=INVITEE)
    return re.search(r"https?://\S+/konto/inbjudan/\S+/", email.body_text).group()


def accept_invitation(journey, path):
    page = journey.page
    journey.visit(path)
    form = page.locator("main form")
    form.get_by_label("Förnamn").fill("Nora")
    form.get_by_label("Efternamn").fill("Nyberg")
    form.locator("[name=password1]").fill(NEW_PASSWORD)
    form.locator("[name=password2]").fill(NEW_PASSWORD + "x")
    journey.click(form.get_by_role("button", name="Skapa konto"))

    assert has_focus(page, "[data-error-summary]")
    assert "inte likadana" in page.locator("[data-error-summary]").inner_text()
    assert form.locator("[name=password2]").get_attribute("aria-invalid") == "true"
    assert form.get_by_label("Förnamn").input_value() == "Nora"
    assert form.get_by_label("Efternamn").input_value() == "Nyberg"

    form.locator("[name=password1]").fill(NEW_PASSWORD)
    form.locator("[name=password2]").fill(NEW_PASSWORD)
    journey.click(form.get_by_role("button", name="Skapa konto"))
