"""Shared fixtures: the demo personas, a clean cache, tasks in-process unless a test says so."""

import os

import pytest
from django.core.cache import cache

from kulturportal import caching
from kulturportal.celery import app as celery_app
from kulturportal.demo import DEMO_PASSWORD, seed_demo_people, seed_reference_data
from kulturportal.models import (
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    RoleAssignment,
    User,
)

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}


def pytest_configure(config):
    """Each xdist worker gets a Redis database of its own for the cache: tests clear the
    cache (FLUSHDB), and one worker must not wipe the rate limits another is counting."""
    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    location = settings.CACHES["default"].get("LOCATION", "")
    if worker.startswith("gw") and str(location).startswith("redis://"):
        base = location.rsplit("/", 1)[0]
        settings.CACHES["default"]["LOCATION"] = f"{base}/{10 + int(worker[2:])}"


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in-process unless an integration test starts a real worker."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture(autouse=True)
def _clean_cache(request):
    """The cache may be a Redis shared between tests: rate limits must not leak across them."""
    names = set(request.fixturenames)
    if not (
        request.node.get_closest_marker("django_db") or names & ({"db"} | TRANSACTIONAL_FIXTURES)
    ):
        yield
        return
    if not request.node.get_closest_marker("django_db"):
        # The cache may live in the database: make sure it is set up first.
        request.getfixturevalue("transactional_db" if names & TRANSACTIONAL_FIXTURES else "db")
    _forget_cache()
    yield
    _forget_cache()


def _forget_cache() -> None:
    # The process remembers the public pages' generation for a second: a test must not
    # start with the previous test's, or a slow first request stores its page under a
    # generation the emptied cache no longer has, and the next request misses it.
    cache.clear()
    caching.forget_generation()


@pytest.fixture
def demo(db):
    seed_reference_data()
    seed_demo_people()


@pytest.fixture
def password():
    return DEMO_PASSWORD


def _person(email):
    return User.objects.get(email=email)


@pytest.fixture
def official(demo):
    return _person("handlaggare@example.se")


@pytest.fixture
def lund_chief(demo):
    return _person("kulturchef.lund@example.se")


@pytest.fixture
def malmo_chief(demo):
    return _person("kulturchef.malmo@example.se")


@pytest.fixture
def ystad_politician(demo):
    return _person("politiker.ystad@example.se")


@pytest.fixture
def folk_high_school_rep(demo):
    return _person("forening@example.se")


@pytest.fixture
def folk_high_schools(demo):
    return Organisation.objects.get(name="Folkhögskolorna i Skåne")


@pytest.fixture
def other_org_rep(demo):
    return make_other_org_rep()


def make_other_org_rep() -> User:
    """The same role as the folk-high-school representative, for another organisation."""
    other = Organisation.objects.create(
        name="Studieförbundet Skåne",
        slug="studieforbundet-skane",
        kind=OrganisationKind.POPULAR_EDUCATION,
    )
    user = User.objects.create_user("studieforbund@example.se", DEMO_PASSWORD)
    RoleAssignment.objects.create(
        user=user, role=Role.ORGANISATION_REPRESENTATIVE, organisation=other
    )
    return user


@pytest.fixture
def nobody(demo):
    return make_nobody()


def make_nobody() -> User:
    """Logged in, but holds no role."""
    return User.objects.create_user("privatperson@example.se", DEMO_PASSWORD)


@pytest.fixture
def lund(db):
    return Municipality.objects.get(code="1281")


@pytest.fixture
def malmo(db):
    return Municipality.objects.get(code="1280")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server, with Django's SMTP backend pointed at it."""
    from tests.smtp import SmtpServer

    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


@pytest.fixture
def count_queries(client):
    """Database queries one GET makes, uncached; the cache's own table doesn't count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(path: str) -> int:
        client.get(path)  # Warm up: the session refresh and first-use work are not the page's.
        cache.clear()
        # Every measured request reads the public pages' generation, whether or not a
        # second has passed since the last (a slow first render made the count differ).
        caching.forget_generation()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        return len([q for q in captured if "kulturportal_cache" not in q["sql"]])

    return count


@pytest.fixture
def assert_flat_queries(count_queries):
    """Render a page with N rows of its data, then with 10×N: the query count must not move.

    `grow(k)` adds k more rows of whatever the page lists.
    """

    def check(path: str, grow, n: int = 3) -> int:
        grow(n)
        small = count_queries(path)
        grow(9 * n)
        large = count_queries(path)
        assert small == large, f"{path}: {small} queries with {n} rows, {large} with {10 * n}"
        return small

    return check


@pytest.fixture(autouse=True)
def _swedish_after_each_test():
    """A request to /en/… leaves English active in the thread; the next test starts Swedish."""
    from django.utils import translation

    yield
    translation.activate("sv")
