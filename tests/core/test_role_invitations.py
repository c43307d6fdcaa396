import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from kulturportal.models import Role, RoleInvitation, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(client, official, lund, mailoutbox, django_capture_on_commit_callbacks):
    """The official invites a new culture chief for Lund; returns the link's path."""

    def send(email="ny.kulturchef@example.se"):
        client.force_login(official)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("invite_person"),
                {
                    "email": email,
                    "role": Role.CULTURE_CHIEF,
                    "municipality": lund.pk,
                },
            )
        assert response.status_code == 302
        client.logout()
        url = re.search(r"http://\S+/konto/inbjudan/\S+/", mailoutbox[-1].body).group(0)
        return url.split("8000", 1)[-1]

    return send


NEW_PERSON = {
    "first_name": "Karin",
    "last_name": "Kulturchef",
    "password1": "ett-eget-losenord-7",
    "password2": "ett-eget-losenord-7",
}


def test_invitee_sets_a_password_and_lands_on_my_page_with_the_role(client, invite, lund):
    path = invite()
    assert client.get(path).status_code == 200
    response = client.post(path, NEW_PERSON)
    assert response.url == reverse("my_page")
    user = User.objects.get(email="ny.kulturchef@example.se")
    assert int(client.session[SESSION_KEY]) == user.pk
    assert user.has_perm("kulturportal.act_for_municipality", lund)
    html = client.get(reverse("my_page")).content.decode()
    assert "Kulturchef" in html and "Lund" in html


def test_a_used_link_cannot_be_used_again(client, invite):
    path = invite()
    client.post(path, NEW_PERSON)
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    assert "redan använts" in response.content.decode()


def test_an_expired_link_gets_a_clear_page(client, invite):
    path = invite()
    RoleInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(path, NEW_PERSON)
    assert response.status_code == 410
    assert "gått ut" in response.content.decode()
    assert not User.objects.filter(email="ny.kulturchef@example.se").exists()


@pytest.mark.parametrize("tamper", [lambda p: p[:-5] + "XXXX/", lambda p: "/konto/inbjudan/x/"])
def test_a_tampered_link_gets_a_clear_page(client, invite, tamper):
    response = client.get(tamper(invite()))
    assert response.status_code == 404
    assert "Länken fungerar inte" in response.content.decode()


def test_mismatched_passwords_keep_the_name_and_create_nobody(client, invite):
    path = invite()
    response = client.post(path, {**NEW_PERSON, "password2": "något-annat-8"})
    html = response.content.decode()
    assert "Lösenorden är inte likadana" in html
    assert 'value="Karin"' in html
    assert not User.objects.filter(email="ny.kulturchef@example.se").exists()


def test_too_short_password_is_refused_beside_the_field(client, invite):
    response = client.post(invite(), {**NEW_PERSON, "password1": "kort", "password2": "kort"})
    assert 'id="id_password1_error"' in response.content.decode()


def test_existing_person_logs_in_then_accepts(client, invite, malmo_chief, password, lund):
    path = invite(email=malmo_chief.email)
    response = client.get(path)
    assert "Logga in" in response.content.decode()
    client.force_login(malmo_chief)
    response = client.post(path)
    assert response.url == reverse("my_page")
    malmo_chief.__dict__.pop("active_roles", None)
    assert malmo_chief.has_perm("kulturportal.act_for_municipality", lund)


def test_invitation_for_someone_else_cannot_be_taken_by_a_logged_in_person(
    client, invite, malmo_chief, lund_chief, lund
):
    path = invite(email=malmo_chief.email)
    client.force_login(lund_chief)
    client.post(path)
    assert not malmo_chief.role_assignments.filter(municipality=lund).exists()
    assert RoleInvitation.objects.get().accepted_at is None


def test_municipal_role_without_municipality_is_refused_and_email_kept(client, official):
    client.force_login(official)
    response = client.post(
        reverse("invite_person"),
        {
            "email": "ny@example.se",
            "role": Role.CULTURE_CHIEF,
        },
    )
    html = response.content.decode()
    assert "Välj vilken kommun rollen gäller" in html
    assert 'value="ny@example.se"' in html
    assert not RoleInvitation.objects.exists()


@pytest.mark.parametrize("persona", ["lund_chief", "folk_high_school_rep", "nobody"])
def test_only_officials_may_invite(client, request, persona, lund):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("invite_person")).status_code == 403
    response = client.post(
        reverse("invite_person"),
        {
            "email": "x@example.se",
            "role": Role.CULTURE_CHIEF,
            "municipality": lund.pk,
        },
    )
    assert response.status_code == 403
    assert not RoleInvitation.objects.exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("invite_person"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("Folkhögskolorna i Skåne", None),
        ("folkhögskolorna", None),
        ("802400-1235", None),
        ("8024001235", None),
        ("Finns inte AB", "Ingen organisation heter"),
        ("kollegi", "Flera organisationer matchar"),
    ],
)
def test_organisation_is_found_by_name_or_number(client, official, typed, problem):
    client.force_login(official)
    response = client.post(
        reverse("invite_person"),
        {
            "email": "foretradare@example.se",
            "role": Role.ORGANISATION_REPRESENTATIVE,
            "organisation": typed,
        },
    )
    if problem is None:
        assert response.status_code == 302
        assert RoleInvitation.objects.get().organisation.name == "Folkhögskolorna i Skåne"
    else:
        html = response.content.decode()
        assert problem in html and f'value="{typed}"' in html
        assert not RoleInvitation.objects.exists()


def test_the_problem_page_speaks_english_on_the_english_site(client):
    response = client.get("/en/konto/inbjudan/not-a-real-key/")
    assert response.status_code == 404
    assert "The link does not work" in response.content.decode()
