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


def test_demo_setting_turns_the_requirement_off(client, official, settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False
    client.force_login(official)
    assert client.get("/hantera/inbjudningar/").status_code == 200


# --- Audit items 3 and 4: decided by the resolved view, covering every official page ------


@pytest.mark.parametrize("path", ["/en/admin/", "/en/admin/kulturportal/user/", "/admin/"])
def test_english_admin_also_requires_mfa(client, official, mfa_required, path):
    client.force_login(official)
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.endswith(reverse("mfa_activate_totp"))


def test_official_only_reads_require_mfa(client, official, mfa_required):
    """A draft meeting, the meeting list with drafts, networks with members' addresses."""
    from forums.demo import seed_forums
    from forums.models import Meeting

    seed_forums()
    draft = Meeting.objects.filter(status=Meeting.Status.DRAFT).first()
    client.force_login(official)
    for path in [
        reverse("forums:meeting_detail", args=[draft.pk]),
        reverse("forums:meeting_list"),
        reverse("forums:network_list"),
        reverse("forums:network_detail", args=["kulturchefsnatverk-skane"]),
        reverse("my_page"),
    ]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == reverse("mfa_activate_totp"), path


def test_setting_up_mfa_and_logging_out_stay_open(client, official, mfa_required):
    client.force_login(official)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_people_without_an_official_role_are_unaffected(client, lund_chief, mfa_required):
    client.force_login(lund_chief)
    assert client.get(reverse("my_page")).status_code == 200
    assert client.get(reverse("forums:network_list")).status_code == 200


def test_the_warning_is_shown_once_however_many_pages_redirect(client, official, mfa_required):
    client.force_login(official)
    for path in ["/min-sida/", "/natverk/", "/overlaggningar/"]:
        client.get(path)
    page = client.get(reverse("mfa_index"), follow=True).content.decode()
    assert page.count("behöver du slå på tvåstegsverifiering") == 1
