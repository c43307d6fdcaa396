import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = True


@pytest.mark.parametrize("path", ["/hantera/inbjudningar/", "/admin/"])
def test_official_without_mfa_is_sent_to_set_it_up(client, official, mfa_required, path):
    client.force_login(official)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


@pytest.mark.parametrize("path", ["/hantera/inbjudningar/", "/admin/"])
def test_official_with_mfa_reaches_management_pages(client, official, mfa_required, path):
    TOTP.activate(official, generate_totp_secret())
    client.force_login(official)
    assert client.get(path).status_code == 200


def test_public_pages_and_my_page_need_no_mfa(client, official, mfa_required):
    client.force_login(official)
    assert client.get(reverse("my_page")).status_code == 200


def test_demo_setting_turns_the_requirement_off(client, official, settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    client.force_login(official)
    assert client.get("/hantera/inbjudningar/").status_code == 200
