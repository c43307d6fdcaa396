"""Every URL of the project, for every persona, → the answer each must get, for GET and POST.

A new URL without a row fails `test_every_url_has_a_row`. The vocabulary (personas,
answers) is in tests/matrix.py; each app's rows and URL arguments in tests/<app>/matrix.py.
The README's security section says the same in words.

The matrix runs as production does, with MFA required of officials: the official has TOTP;
the official without it reaches only the account pages and those marked open before MFA.
The demo world is built once for the module and rolled back at its end.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from kulturportal.demo import DEMO_PASSWORD, seed_demo_people, seed_reference_data
from kulturportal.models import Role, RoleAssignment, User
from tests.conftest import make_nobody, make_other_org_rep
from tests.consultations import matrix as consultations_matrix
from tests.followup import matrix as followup_matrix
from tests.forums import matrix as forums_matrix
from tests.kulturplan import matrix as kulturplan_matrix
from tests.matrix import (
    ENTRANCE,
    LOGGED_IN,
    LOGGED_IN_NOT_FOUND,
    LOGGED_IN_READ_ONLY,
    LOGGED_IN_REDIRECT,
    NOT_FOUND,
    OFFICIALS,
    PERSONAS,
    PUBLIC,
    READ_ONLY,
    answers,
    before_mfa,
)

APPS = [forums_matrix, kulturplan_matrix, consultations_matrix, followup_matrix]

CORE_KWARGS = {
    "municipality_detail": {"slug": "lund"},
    "accept_invitation": {"key": "not-a-real-key"},
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "1", "key": "not-a-real-key"},
    "export_progress": {"token": "not-a-real-token"},
    "export_download": {"token": "not-a-real-token"},
    "organisation_join": {"slug": "folkhogskolorna-i-skane"},
    "organisation_requests": {"slug": "folkhogskolorna-i-skane"},
    "organisation_detail": {"slug": "folkhogskolorna-i-skane"},
    "api:sub_region_detail": {"slug": "sydvast"},
    "api:municipality_detail": {"code": "1281"},
    "api:organisation_detail": {"slug": "folkhogskolorna-i-skane"},
    "organisation_review": {"pk": 1},
}
# Registering or joining needs a verified e-mail address, which the matrix's nobody and
# other representative lack (403); the folk high schools' representative is one already.
VERIFIED_ONLY = answers(
    "200", anonymous="L", nobody="403", other_org_rep="403", official_without_mfa="M"
)
# Deciding a request: the organisation's representatives and the officials; others 404.
DECIDERS = answers(
    "404", anonymous="L", official="R", folk_high_school_rep="R", official_without_mfa="M"
)

#        url name                      GET                 POST
CORE_ROWS = {
    "home": (PUBLIC, READ_ONLY),
    "municipality_list": (PUBLIC, READ_ONLY),
    "municipality_detail": (PUBLIC, READ_ONLY),
    "accessibility": before_mfa(PUBLIC, READ_ONLY),
    "privacy": before_mfa(PUBLIC, READ_ONLY),
    "healthz": before_mfa(PUBLIC, READ_ONLY),
    "search": (PUBLIC, READ_ONLY),
    "open_data": (PUBLIC, READ_ONLY),
    "organisation_detail": (PUBLIC, READ_ONLY),
    # The open data reads no session: the same for everyone, before MFA too.
    "dcat": before_mfa(PUBLIC, READ_ONLY),
    **{
        f"api:{name}": before_mfa(PUBLIC, READ_ONLY)
        for name in (
            "index",
            "api-root",  # django-ninja's own name for the same address as the index
            "openapi-json",
            "sub_region_list",
            "sub_region_detail",
            "municipality_list",
            "municipality_detail",
            "organisation_list",
            "organisation_detail",
            "activity_area_list",
        )
    },
    "my_page": (LOGGED_IN, LOGGED_IN_READ_ONLY),
    "export_my_data": (LOGGED_IN, LOGGED_IN_READ_ONLY),
    # The official organises the demo's meetings: told to hand them over first (409).
    "delete_account": (LOGGED_IN, {**LOGGED_IN, "official": "409"}),
    "invite_person": (OFFICIALS, OFFICIALS),
    # Only the person who asked for an export sees it; a made-up token is no one's.
    "export_progress": (LOGGED_IN_NOT_FOUND, LOGGED_IN_NOT_FOUND),
    "export_download": (LOGGED_IN_NOT_FOUND, LOGGED_IN_READ_ONLY),
    "organisation_register": (VERIFIED_ONLY, VERIFIED_ONLY),
    "organisation_join": (
        VERIFIED_ONLY,
        {
            **VERIFIED_ONLY,
            "folk_high_school_rep": "409",
            **{p: "R" for p in ("official", "lund_chief", "malmo_chief", "ystad_politician")},
        },
    ),
    "organisation_requests": (
        answers(
            "404",
            anonymous="L",
            official="200",
            folk_high_school_rep="200",
            official_without_mfa="M",
        ),
        LOGGED_IN_READ_ONLY,
    ),
    # New organisations wait for an official (issue 20); others are refused (403).
    "organisation_review_list": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "organisation_review": (LOGGED_IN_READ_ONLY, {**OFFICIALS, "official": "400"}),
    "membership_approve": (LOGGED_IN_READ_ONLY, DECIDERS),
    "membership_decline": (LOGGED_IN_READ_ONLY, DECIDERS),
    "accept_invitation": (NOT_FOUND, NOT_FOUND),
    "account_login": before_mfa(ENTRANCE, ENTRANCE),
    "account_signup": before_mfa(ENTRANCE, ENTRANCE),
    "account_request_login_code": before_mfa(ENTRANCE, ENTRANCE),
    "account_confirm_login_code": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "account_logout": before_mfa({**LOGGED_IN, "anonymous": "R"}, answers("R")),
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
    "mfa_reauthenticate": (answers("R", anonymous="L", official="200"),) * 2,
    "mfa_activate_totp": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "mfa_deactivate_totp": (answers("404", anonymous="L", official="R"),) * 2,
    "mfa_view_recovery_codes": before_mfa(LOGGED_IN_NOT_FOUND, LOGGED_IN_READ_ONLY),
    "mfa_generate_recovery_codes": before_mfa(LOGGED_IN_REDIRECT, LOGGED_IN_REDIRECT),
    "mfa_download_recovery_codes": before_mfa(LOGGED_IN_NOT_FOUND, LOGGED_IN_NOT_FOUND),
}
MATRIX = {**CORE_ROWS, **{k: v for app in APPS for k, v in app.ROWS.items()}}

# Django's admin has a URL per model and action; these stand for all of them. Officials are
# staff and may change reference data and networks; they may see people, the outbox and
# meetings but not add or change them (people come through invitations, meetings are
# planned in the portal).
CORE_ADMIN_ROWS = {
    "admin:index": OFFICIALS,
    "admin:kulturportal_municipality_changelist": OFFICIALS,
    "admin:kulturportal_organisation_changelist": OFFICIALS,
    "admin:kulturportal_user_changelist": OFFICIALS,
    "admin:kulturportal_user_add": answers("403", anonymous="L", official_without_mfa="M"),
    "admin:kulturportal_outgoingemail_changelist": OFFICIALS,
    "admin:kulturportal_auditentry_changelist": OFFICIALS,
}
ADMIN_MATRIX = {**CORE_ADMIN_ROWS, **{k: v for app in APPS for k, v in app.ADMIN_ROWS.items()}}


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
    assert project_names == set(MATRIX), "add a row for each new URL (tests/<app>/matrix.py)"
    assert set(ADMIN_MATRIX) <= names


def test_every_row_names_every_persona():
    for name, rows in {**MATRIX, **{k: (v,) for k, v in ADMIN_MATRIX.items()}}.items():
        for row in rows:
            assert list(row) == PERSONAS, name


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Everyone and everything the matrix asks about, made once; rolled back at the end."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        seed_reference_data()
        seed_demo_people()
        people = {p: _person(p) for p in PERSONAS if p != "anonymous"}
        TOTP.activate(people["official"], generate_totp_secret())
        built = {"people": people, "membership_request": _pending_request(people["nobody"])}
        for app in APPS:
            part = app.build_world()
            # Defect: the consultations' "document" silently replaced the forums' one, and
            # the forums' download was asked for a consultation document's id.
            shared = set(part) & set(built)
            assert not shared, f"{app.__name__} reuses world keys {shared}"
            built.update(part)
        yield built
        transaction.set_rollback(True)


def _pending_request(person: User):
    from kulturportal.models import MembershipRequest, Organisation

    return MembershipRequest.objects.create(
        user=person, organisation=Organisation.objects.get(slug="folkhogskolorna-i-skane")
    )


def _person(persona: str) -> User:
    emails = {
        "official": "handlaggare@example.se",
        "lund_chief": "kulturchef.lund@example.se",
        "malmo_chief": "kulturchef.malmo@example.se",
        "ystad_politician": "politiker.ystad@example.se",
        "folk_high_school_rep": "forening@example.se",
    }
    if persona in emails:
        return User.objects.get(email=emails[persona])
    if persona == "nobody":
        return make_nobody()
    if persona == "other_org_rep":
        return make_other_org_rep()
    if persona == "official_without_mfa":
        user = User.objects.create_user("ny.handlaggare@example.se", DEMO_PASSWORD, is_staff=True)
        user.groups.set(User.objects.get(email="handlaggare@example.se").groups.all())
        RoleAssignment.objects.create(user=user, role=Role.REGIONAL_OFFICIAL)
        return user
    raise ValueError(persona)


@pytest.fixture
def log_in_as(client, world, db, settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = True

    def log_in(persona):
        client.logout()
        if persona != "anonymous":
            client.force_login(world["people"][persona])
        return client

    return log_in


def _url(name: str, world: dict) -> str:
    kwargs = CORE_KWARGS.get(name)
    if name in ("membership_approve", "membership_decline"):
        kwargs = {"pk": world["membership_request"].pk}
    if name == "organisation_review":
        # An organisation of this world: pk 1 is only there when no test before this one
        # (in the same database, whose sequences never roll back) made an organisation.
        from kulturportal.models import Organisation

        kwargs = {"pk": Organisation.objects.order_by("pk").first().pk}
    for app in APPS:
        kwargs = kwargs if kwargs is not None else app.url_kwargs(name, world)
    return reverse(name, kwargs=kwargs or {})


def _answer(response) -> str:
    if response.status_code == 302:
        if response.url.startswith(reverse("account_login")):
            return "L"
        return "M" if response.url == reverse("mfa_activate_totp") else "R"
    return str(response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_answer_for_each_persona(name, persona, log_in_as, world):
    url = _url(name, world)
    get_row, post_row = MATRIX[name]
    client = log_in_as(persona)
    assert _answer(client.get(url)) == get_row[persona], f"GET {url} as {persona}"
    client = log_in_as(persona)
    assert _answer(client.post(url)) == post_row[persona], f"POST {url} as {persona}"


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
    assert _final_answer(response) == ADMIN_MATRIX[name][persona]
