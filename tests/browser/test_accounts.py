"""Logging in, signing up and the account pages, through the browser."""

import pytest

from tests.browser.journey import has_focus, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PERSONAS = {
    # persona: (e-mail, role, scope) as Min sida shows them
    "official": ("handlaggare@example.se", "Regional tjänsteperson", "Region Skåne"),
    "lund_chief": ("kulturchef.lund@example.se", "Kulturchef", "Lund"),
    "malmo_chief": ("kulturchef.malmo@example.se", "Kulturchef", "Malmö"),
    "ystad_politician": ("politiker.ystad@example.se", "Kommunal kulturpolitiker", "Ystad"),
    "folk_high_school_rep": (
        "forening@example.se",
        "Företrädare för organisation",
        "Folkhögskolorna i Skåne",
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_logs_in_and_sees_their_role(journey, persona):
    email, role, scope = PERSONAS[persona]
    log_in(journey, email)

    assert journey.path == "/min-sida/"
    roles = journey.page.get_by_role("region", name="Mina roller")
    assert role in roles.inner_text()
    assert scope in roles.inner_text()


def test_signup_with_nothing_filled_in_announces_the_errors(journey):
    page = journey.page
    journey.visit("/konto/signup/")
    journey.click(page.locator("main form button[type=submit]"))

    summary = page.locator("[data-error-summary]")
    assert has_focus(page, "[data-error-summary]")
    assert summary.get_by_role("link").count() >= 3  # first name, last name, e-mail, …
    for name in ("first_name", "last_name", "email", "password1"):
        field = page.locator(f"main form [name={name}]")
        assert field.get_attribute("aria-invalid") == "true", name
        assert field.get_attribute("aria-describedby"), name


def test_login_with_the_wrong_password_is_refused(journey):
    page = journey.page
    log_in(journey, "kulturchef.lund@example.se", "fel-losenord")

    assert journey.path == "/konto/login/"
    assert has_focus(page, "[data-error-summary]")
    assert "lösenordet är fel" in page.locator("[data-error-summary]").inner_text()
    assert page.locator("main form [name=login]").input_value() == "kulturchef.lund@example.se"


def test_account_pages(journey):
    """The pages no journey above passes through, anonymous and then logged in."""
    for path in ("/konto/login/code/", "/konto/password/reset/"):
        journey.visit(path)
    journey.visit("/finns-inte/", status=404)
    log_in(journey, "kulturchef.lund@example.se")
    for path in (
        "/konto/email/",
        "/konto/password/change/",
        "/konto/2fa/",
        "/konto/radera/",
        "/en/min-sida/",
    ):
        journey.visit(path)
