"""A logged-in person's pages come from memory while the database is unchanged (issue 11:
the logged-in pages at 0.02-0.07 x the baseline), and never once anything has been written.

The cache is keyed by PostgreSQL's snapshot, which only moves when a transaction commits:
these tests commit, so they run on PostgreSQL outside a test transaction."""

import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from forums import services
from forums.models import Invitation
from kulturportal import caching
from kulturportal.models import Role, RoleAssignment
from tests.factories import InvitationFactory, MeetingFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the page cache is keyed by PostgreSQL's snapshot"
)
# A hit reads the session (with the snapshot) and the user, and nothing else.
QUERIES_OF_A_HIT = 2


def _get(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response, len(captured)


def _warm(client, path):
    """The first request sets the CSRF cookie (no key without it), the second is stored."""
    for _ in range(2):
        assert client.get(path).status_code == 200


def committing(test):
    """On PostgreSQL, with each write committed as in production."""
    return on_postgresql(pytest.mark.django_db(transaction=True, serialized_rollback=True)(test))


@pytest.fixture
def replies(official):
    meeting = MeetingFactory(organiser=official, scheduled=True)
    InvitationFactory(meeting=meeting, name="Alva Åberg")
    return meeting


@pytest.fixture
def replies_page(client, official, replies):
    """The official's replies page, once stored in the cache."""
    path = f"/overlaggningar/{replies.pk}/svar/"
    client.force_login(official)
    _warm(client, path)
    return path


@committing
def test_a_persons_page_is_served_from_memory_while_nothing_is_written(client, replies_page):
    path = replies_page
    first, _ = _get(client, path)
    again, queries = _get(client, path)
    assert queries == QUERIES_OF_A_HIT
    assert again.content == first.content


@committing
def test_any_write_shows_at_once_even_one_no_service_announces(client, replies, replies_page):
    path = replies_page
    assert "Alva Åberg" in client.get(path).content.decode()
    # A bare UPDATE, which no invalidation call follows: the snapshot moves all the same.
    Invitation.objects.filter(meeting=replies).update(name="Bo Östberg")
    response, queries = _get(client, path)
    assert "Bo Östberg" in response.content.decode()
    assert queries > QUERIES_OF_A_HIT


@committing
def test_a_reply_through_the_service_shows_at_once(client, replies, replies_page):
    path = replies_page
    assert "Glutenfritt" not in client.get(path).content.decode()
    with transaction.atomic():
        services.record_reply(
            invitation=replies.invitations.get(),
            response=Invitation.Response.ACCEPTED,
            dietary_needs="Glutenfritt",
            actor=None,
        )
    assert "Glutenfritt" in client.get(path).content.decode()
    assert _get(client, path)[1] == QUERIES_OF_A_HIT  # and cached again from then on


@committing
def test_one_persons_page_is_never_served_to_another(lund_chief, malmo_chief):
    lund, malmo = Client(), Client()
    lund.force_login(lund_chief)
    malmo.force_login(malmo_chief)
    _warm(lund, "/min-sida/")
    _warm(malmo, "/min-sida/")
    assert lund_chief.get_full_name() in lund.get("/min-sida/").content.decode()
    page = malmo.get("/min-sida/").content.decode()
    assert malmo_chief.get_full_name() in page and lund_chief.get_full_name() not in page


@committing
def test_a_role_taken_away_is_refused_at_once(client, official, replies_page):
    path = replies_page
    RoleAssignment.objects.filter(user=official, role=Role.REGIONAL_OFFICIAL).delete()
    assert client.get(path).status_code == 403


@committing
def test_the_form_token_on_a_cached_page_works_in_each_browser_of_the_person(official):
    """Two browsers of one official: each gets a page whose token its own cookie accepts."""
    for browser in [Client(enforce_csrf_checks=True) for _ in range(2)]:
        browser.force_login(official)
        _warm(browser, "/hantera/inbjudningar/")
        page, queries = _get(browser, "/hantera/inbjudningar/")
        assert queries == QUERIES_OF_A_HIT
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
        # Nothing filled in: the form refuses it (400), CSRF would have answered 403.
        response = browser.post("/hantera/inbjudningar/", {"csrfmiddlewaretoken": token[1]})
        assert response.status_code in (200, 400)


@committing
def test_a_page_with_a_message_for_the_person_is_not_kept(client, official, lund):
    path = "/hantera/inbjudningar/"
    client.force_login(official)
    _warm(client, path)
    invited = {"email": "ny.chef@example.se", "role": Role.CULTURE_CHIEF, "municipality": lund.pk}
    client.post(path, invited)
    page = client.get(path).content.decode()
    assert "Inbjudan har skickats till ny.chef@example.se" in page
    assert "Inbjudan har skickats" not in client.get(path).content.decode()


@pytest.mark.django_db
def test_inside_a_transaction_the_snapshot_stands_for_nothing():
    """A transaction's own writes leave its snapshot as it was: no key, no cache."""
    with transaction.atomic():
        assert caching.database_snapshot() is None
