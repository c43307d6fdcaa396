import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from kulturportal.models import OutgoingEmail, User

pytestmark = pytest.mark.django_db

NEWCOMER = {
    "first_name": "Nora",
    "last_name": "Nykomling",
    "email": "nora@example.se",
    "password1": "ett-langt-losenord-42",
    "password2": "ett-langt-losenord-42",
}


def _link(message):
    return re.search(r"http://\S+", message.body).group(0)


def test_sign_up_verify_e_mail_then_log_in(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), NEWCOMER)
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nora@example.se"]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT

    # Without verification the login stops at "check your e-mail".
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "nora@example.se", "password": NEWCOMER["password1"]}
    )
    assert SESSION_KEY not in client.session

    confirm_path = _link(mailoutbox[0]).replace("http://testserver", "")
    assert client.post(confirm_path).status_code == 302
    response = client.post(
        reverse("account_login"), {"login": "nora@example.se", "password": NEWCOMER["password1"]}
    )
    assert response.url == reverse("my_page")
    assert client.get(reverse("my_page")).status_code == 200


def test_sign_up_with_mismatched_passwords_keeps_what_was_typed(client):
    response = client.post(reverse("account_signup"), {**NEWCOMER, "password2": "något-annat-9"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Nora"' in html and 'value="nora@example.se"' in html
    assert 'aria-invalid="true"' in html
    assert "data-error-summary" in html


def test_log_in_by_code_sent_by_e_mail(
    client, lund_chief, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": lund_chief.email})
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mailoutbox[0].body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert int(client.session[SESSION_KEY]) == lund_chief.pk


def test_password_reset_sends_a_link(
    client, lund_chief, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": lund_chief.email})
    assert len(mailoutbox) == 1
    assert "/konto/password/reset/key/" in mailoutbox[0].body


def test_repeated_failed_logins_are_rate_limited(client, lund_chief, password):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": lund_chief.email, "password": "fel-losenord"}
        )
        assert "E-postadressen eller lösenordet är fel" in response.content.decode()
    # The sixth try is refused even with the right password.
    response = client.post(
        reverse("account_login"), {"login": lund_chief.email, "password": password}
    )
    assert "För många misslyckade inloggningsförsök" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_login_issues_a_new_session_key(client, lund_chief, password):
    client.get(reverse("account_login"))
    client.cookies["sessionid"] = "attacker-chosen-key"
    client.post(reverse("account_login"), {"login": lund_chief.email, "password": password})
    assert client.session.session_key != "attacker-chosen-key"
    assert int(client.session[SESSION_KEY]) == lund_chief.pk


def test_sessions_expire_when_idle_and_activity_keeps_them(client, lund_chief, settings):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    client.force_login(lund_chief)
    client.get(reverse("my_page"))
    key = client.session.session_key
    expiry = Session.objects.get(pk=key).expire_date
    # A request soon after writes nothing…
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("my_page"))
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    # …one after the refresh interval pushes the expiry forward.
    session = client.session
    session["last_refresh"] = 0
    session.save()
    Session.objects.filter(pk=key).update(expire_date=expiry)
    client.get(reverse("my_page"))
    assert Session.objects.get(pk=key).expire_date > expiry


def test_my_page_lists_roles_and_what_they_allow(client, lund_chief):
    client.force_login(lund_chief)
    html = client.get(reverse("my_page")).content.decode()
    assert "Kulturchef" in html and "Lund" in html
    assert "registrerar kommunens prioriteringar" in html


def test_export_my_data_is_json_with_roles(client, lund_chief):
    client.force_login(lund_chief)
    response = client.get(reverse("export_my_data"))
    assert response.json()["roles"][0]["role"] == "Kulturchef"


def test_delete_account_needs_the_password(client, nobody, password):
    client.force_login(nobody)
    response = client.post(reverse("delete_account"), {"password": "fel"})
    assert "Lösenordet stämmer inte" in response.content.decode()
    response = client.post(reverse("delete_account"), {"password": password})
    assert response.url == reverse("home")
    from kulturportal.models import User

    assert not User.objects.filter(pk=nobody.pk).exists()


def test_official_who_organises_meetings_gets_a_clear_page_not_a_500(client, official, password):
    """Audit item 7: deleting the account of a meeting's organiser raised ProtectedError."""
    from forums.demo import seed_forums

    seed_forums()
    client.force_login(official)
    page = client.get(reverse("delete_account")).content.decode()
    assert "Innan du kan ta bort kontot" in page and "Delregionala överläggningar" in page
    response = client.post(reverse("delete_account"), {"password": password})
    assert response.status_code == 409
    assert "Innan du kan ta bort kontot" in response.content.decode()
    assert User.objects.filter(pk=official.pk).exists()


def test_sign_up_names_lose_control_characters_escapes_quotes_and_carets(client):
    """Defect (issue 20, item 11): names with `"`, `^` or a literal `\\n` showed escapes or
    line breaks in some mail and calendar clients (RFC 6868 writes `"` as `^'` in a
    parameter). They are cleaned when they are entered."""
    response = client.post(
        reverse("account_signup"),
        {
            **NEWCOMER,
            "first_name": 'Nora\\nLisa "Nan"^',
            "last_name": "Ny\x07komling\u202e\\t",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email=NEWCOMER["email"])
    assert (user.first_name, user.last_name) == ("Nora Lisa ”Nan”", "Nykomling")
