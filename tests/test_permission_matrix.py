"""Every URL of the project, for every persona, → the answer each must get, for GET and POST.

A new URL without a row here fails `test_every_url_has_a_row`. Answers: a status code,
L (redirect to the login page), M (redirect to set up two-step verification) or R (another
redirect, e.g. a logged-in person sent on from the login page). Columns follow PERSONAS.

The matrix runs as production does, with MFA required of officials: the official has TOTP;
the official without it reaches only the account pages and those marked open before MFA.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kulturportal.demo import DEMO_PASSWORD
from kulturportal.models import Role, RoleAssignment, User

PERSONAS = [
    "anonymous",
    "nobody",  # logged in, no role
    "official",  # regional official
    "lund_chief",
    "malmo_chief",  # the same role, another municipality
    "ystad_politician",
    "folk_high_school_rep",
    "other_org_rep",  # the same role, another organisation
    "official_without_mfa",  # a regional official who has not set up TOTP yet
]

KWARGS = {
    "municipality_detail": {"slug": "lund"},
    "accept_invitation": {"key": "not-a-real-key"},
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
    "forums:forum_feed": {"forum_type": "arlig"},
    "forums:network_detail": {"slug": "kulturchefsnatverk-skane"},
    "forums:network_feed": {"slug": "kulturchefsnatverk-skane"},
    "forums:meeting_list": {},
    "forums:meeting_create": {},
    "forums:network_list": {},
}


def _forum_kwargs(name: str, world: dict) -> dict:
    """Arguments for the forum URLs: the demo's scheduled, public annual deliberation."""
    meeting = world["meeting"]
    by_name = {
        "forums:audience_rule_delete": {"pk": meeting.pk, "rule_pk": world["rule"].pk},
        "forums:document_download": {"pk": meeting.pk, "document_pk": world["document"].pk},
        "forums:invitation_resend": {"pk": meeting.pk, "invitation_pk": world["invitation"].pk},
        "forums:reply": {"signed_token": world["invitation"].reply_path().split("/")[-2]},
    }
    if name in by_name:
        return by_name[name]
    return {"pk": meeting.pk}


PUBLIC = "200 200 200 200 200 200 200 200 M"
READ_ONLY = "405 405 405 405 405 405 405 405 M"
LOGGED_IN = "L   200 200 200 200 200 200 200 M"
LOGGED_IN_READ_ONLY = "L   405 405 405 405 405 405 405 M"
OFFICIALS = "L   403 200 403 403 403 403 403 M"
ENTRANCE = "200 R   R   R   R   R   R   R   M"  # pages for the logged-out; the logged-in move on
LOGGED_IN_REDIRECT = "L   R   R   R   R   R   R   R   M"
NOT_FOUND = "404 404 404 404 404 404 404 404 M"
LOGGED_IN_NOT_FOUND = "L   404 404 404 404 404 404 404 M"


def open_before_mfa(row: str) -> str:
    """The official without TOTP gets what the official gets."""
    answers = row.split()
    answers[PERSONAS.index("official_without_mfa")] = answers[PERSONAS.index("official")]
    return " ".join(answers)


def before_mfa(get_row: str, post_row: str) -> tuple[str, str]:
    """A row of a page open before MFA: account pages, the statement, the health check."""
    return open_before_mfa(get_row), open_before_mfa(post_row)


#        url name                              GET                   POST
MATRIX = {
    "home": (PUBLIC, READ_ONLY),
    "municipality_list": (PUBLIC, READ_ONLY),
    "municipality_detail": (PUBLIC, READ_ONLY),
    "accessibility": before_mfa(PUBLIC, READ_ONLY),
    "privacy": before_mfa(PUBLIC, READ_ONLY),
    "healthz": before_mfa(PUBLIC, READ_ONLY),
    "my_page": (LOGGED_IN, LOGGED_IN_READ_ONLY),
    "export_my_data": (LOGGED_IN, LOGGED_IN_READ_ONLY),
    # The official organises the demo's meetings: told to hand them over first (409).
    "delete_account": (LOGGED_IN, "L   200 409 200 200 200 200 200 M"),
    "invite_person": (OFFICIALS, OFFICIALS),
    "accept_invitation": (NOT_FOUND, NOT_FOUND),
    "account_login": before_mfa(ENTRANCE, ENTRANCE),
    "account_signup": before_mfa(ENTRANCE, ENTRANCE),
    "account_request_login_code": before_mfa(ENTRANCE, ENTRANCE),
    "account_confirm_login_code": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "account_logout": before_mfa(
        "R   200 200 200 200 200 200 200 M", "R   R   R   R   R   R   R   R   M"
    ),
    "account_inactive": before_mfa(PUBLIC, READ_ONLY),
    "account_reauthenticate": before_mfa(LOGGED_IN, LOGGED_IN),
    "account_email": before_mfa(LOGGED_IN, LOGGED_IN_REDIRECT),
    "account_email_verification_sent": before_mfa(PUBLIC, READ_ONLY),
    "account_confirm_email": before_mfa(PUBLIC, NOT_FOUND),
    "account_change_password": before_mfa(LOGGED_IN, LOGGED_IN),
    "account_set_password": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "account_reset_password": before_mfa(PUBLIC, PUBLIC),
    "account_reset_password_done": before_mfa(PUBLIC, READ_ONLY),
    "account_reset_password_from_key": before_mfa(PUBLIC, PUBLIC),
    "account_reset_password_from_key_done": before_mfa(PUBLIC, READ_ONLY),
    "mfa_index": before_mfa(LOGGED_IN, LOGGED_IN_READ_ONLY),
    "mfa_authenticate": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    # The official has TOTP to reauthenticate with or to turn off; the others have none.
    "mfa_reauthenticate": (
        "L   R   200 R   R   R   R   R   R",
        "L   R   200 R   R   R   R   R   R",
    ),
    "mfa_activate_totp": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "mfa_deactivate_totp": (
        "L   404 R   404 404 404 404 404 404",
        "L   404 R   404 404 404 404 404 404",
    ),
    "mfa_view_recovery_codes": before_mfa(LOGGED_IN_NOT_FOUND, LOGGED_IN_READ_ONLY),
    "mfa_generate_recovery_codes": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "mfa_download_recovery_codes": before_mfa(LOGGED_IN_NOT_FOUND, LOGGED_IN_NOT_FOUND),
    # Forums: the public side
    "forums:meeting_list": (PUBLIC, READ_ONLY),
    "forums:meeting_detail": (PUBLIC, READ_ONLY),
    "forums:forum_feed": (PUBLIC, READ_ONLY),
    "forums:network_feed": (PUBLIC, READ_ONLY),
    "forums:document_download": (PUBLIC, READ_ONLY),
    "forums:minutes_file": (NOT_FOUND, READ_ONLY),  # nothing published yet
    "forums:reply": (PUBLIC, PUBLIC),  # the personal link works for whoever holds it
    # Forums: networks are for their members and officials
    "forums:network_list": (LOGGED_IN, LOGGED_IN_READ_ONLY),
    "forums:network_detail": ("L   404 200 200 200 404 404 404 M", LOGGED_IN_READ_ONLY),
    # Forums: management is for regional officials
    "forums:meeting_create": (OFFICIALS, OFFICIALS),
    "forums:meeting_manage": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:meeting_edit": (OFFICIALS, OFFICIALS),
    "forums:meeting_audience": (OFFICIALS, OFFICIALS),
    "forums:audience_rule_delete": (LOGGED_IN_READ_ONLY, "L   403 R   403 403 403 403 403 M"),
    "forums:meeting_send": (OFFICIALS, "L   403 R   403 403 403 403 403 M"),
    "forums:meeting_cancel": (OFFICIALS, "L   403 R   403 403 403 403 403 M"),
    "forums:document_upload": (LOGGED_IN_READ_ONLY, "L   403 400 403 403 403 403 403 M"),
    "forums:meeting_replies": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:replies_csv": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:replies_xlsx": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:invitation_resend": (LOGGED_IN_READ_ONLY, "L   403 R   403 403 403 403 403 M"),
    "forums:meeting_badges": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:meeting_attendance": (OFFICIALS, "L   403 R   403 403 403 403 403 M"),
    "forums:minutes_edit": (OFFICIALS, OFFICIALS),
    # Only the appointed adjuster (Lund's culture chief) reviews the minutes.
    "forums:minutes_review": (
        "L   404 404 200 404 404 404 404 M",
        "L   404 404 R   404 404 404 404 M",
    ),
}

# Django's admin has a URL per model and action; these stand for all of them. Officials are
# staff and may change reference data and networks; they may see people but not add or
# change them (that goes through invitations), and meetings are planned in the portal.
ADMIN_MATRIX = {
    "admin:index": "L   403 200 403 403 403 403 403 M",
    "admin:kulturportal_municipality_changelist": "L   403 200 403 403 403 403 403 M",
    "admin:kulturportal_organisation_changelist": "L   403 200 403 403 403 403 403 M",
    "admin:kulturportal_user_changelist": "L   403 200 403 403 403 403 403 M",
    "admin:kulturportal_user_add": "L   403 403 403 403 403 403 403 M",
    "admin:forums_network_changelist": "L   403 200 403 403 403 403 403 M",
    "admin:forums_meeting_add": "L   403 403 403 403 403 403 403 M",
    "admin:forums_meeting_changelist": "L   403 200 403 403 403 403 403 M",
    "admin:kulturportal_outgoingemail_changelist": "L   403 200 403 403 403 403 403 M",
}


def _url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _url_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_a_row():
    names = set(_url_names(get_resolver().url_patterns))
    assert None not in names and "None" not in names, "every URL pattern needs a name"
    project_names = {n for n in names if not n.startswith("admin:")}
    assert project_names == set(MATRIX), "add a row to MATRIX for each new URL"
    assert set(ADMIN_MATRIX) <= names


def _answer(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return "L"
        return "M" if response.url == reverse("mfa_activate_totp") else "R"
    return str(response.status_code)


def _expected(row: str) -> dict:
    return dict(zip(PERSONAS, row.split(), strict=True))


@pytest.fixture
def world(demo, lund_chief, settings, tmp_path):
    """The demo's meetings, with a document, an audience rule and minutes to review."""
    from django.core.files.base import ContentFile

    from forums.demo import seed_forums
    from forums.models import Adjustment, Meeting, MeetingDocument, Minutes

    settings.MEDIA_ROOT = tmp_path
    seed_forums()
    meeting = Meeting.objects.get(title="Årlig kulturpolitisk överläggning")
    document = MeetingDocument(
        meeting=meeting, title="Underlag", content_type="application/pdf", size=9
    )
    document.file.save("underlag.pdf", ContentFile(b"%PDF-1.4\n"))
    minutes = Minutes.objects.create(meeting=meeting, text="Anteckningar")
    Adjustment.objects.create(minutes=minutes, adjuster=lund_chief)
    return {
        "meeting": meeting,
        "rule": meeting.audience_rules.first(),
        "document": document,
        "invitation": meeting.invitations.get(email=lund_chief.email),
    }


@pytest.fixture
def official_without_mfa(official):
    user = User.objects.create_user("ny.handlaggare@example.se", DEMO_PASSWORD, is_staff=True)
    user.groups.set(official.groups.all())
    RoleAssignment.objects.create(user=user, role=Role.REGIONAL_OFFICIAL)
    return user


@pytest.fixture
def log_in_as(client, request, demo, official, settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = True
    TOTP.activate(official, generate_totp_secret())

    def log_in(persona):
        client.logout()
        if persona != "anonymous":
            client.force_login(request.getfixturevalue(persona))
        return client

    return log_in


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_answer_for_each_persona(name, persona, log_in_as, world):
    kwargs = KWARGS.get(name)
    if kwargs is None and name.startswith("forums:"):
        kwargs = _forum_kwargs(name, world)
    url = reverse(name, kwargs=kwargs or {})
    get_row, post_row = MATRIX[name]
    client = log_in_as(persona)
    assert _answer(client.get(url)) == _expected(get_row)[persona], f"GET {url} as {persona}"
    client = log_in_as(persona)
    assert _answer(client.post(url)) == _expected(post_row)[persona], f"POST {url} as {persona}"


def _final_answer(response) -> str:
    """The admin sends people through its own login page first; judge where they end up."""
    if response.redirect_chain and response.request["PATH_INFO"] == reverse("account_login"):
        return "L"
    if response.redirect_chain and response.redirect_chain[0][0] == reverse("mfa_activate_totp"):
        return "M"
    return str(response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ADMIN_MATRIX))
def test_admin_answer_for_each_persona(name, persona, log_in_as):
    response = log_in_as(persona).get(reverse(name), follow=True)
    assert _final_answer(response) == _expected(ADMIN_MATRIX[name])[persona]
