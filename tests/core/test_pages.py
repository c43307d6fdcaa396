import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/kommuner/",
    "/kommuner/lund/",
    "/tillganglighet/",
    "/personuppgifter/",
    "/konto/login/",
    "/konto/signup/",
]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_one_h1_a_skip_link_and_landmarks(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert '<html lang="sv">' in html


def test_security_headers_on_every_response(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_english_switch_is_a_link_to_the_same_page_in_english(client):
    assert 'href="/en/kommuner/" lang="en"' in client.get("/kommuner/").content.decode()
    html = client.get("/en/kommuner/").content.decode()
    assert '<html lang="en">' in html
    assert "Municipalities of Skåne" in html
    assert 'href="/kommuner/" lang="sv"' in html


def test_404_page_is_in_swedish(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_my_page_needs_login(client):
    response = client.get(reverse("my_page"))
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


def test_500_page_is_in_swedish_and_needs_nothing_from_the_database(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Ett fel har uppstått" in response.content.decode()


@pytest.mark.django_db
def test_my_page_says_what_each_role_does_with_the_consultations(client, demo):
    """Defect (issue 11): Min sida promised consultations before they were built; now that
    they are (issue 10), each role is told what it does with them, in the present tense."""
    from kulturportal.models import User

    for email, says in [
        ("forening@example.se", "Du lämnar samrådssvar för din organisation och ser vad"),
        ("kulturchef.lund@example.se", "besvarar remisser för kommunen"),
        ("handlaggare@example.se", "hanterar kulturplanen och samråden och remisserna"),
    ]:
        client.force_login(User.objects.get(email=email))
        html = client.get("/min-sida/").content.decode()
        assert says in html
        assert "när samråden öppnar" not in html and "kommer till portalen senare" not in html
