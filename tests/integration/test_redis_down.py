"""Audit item 2: people log in, reset passwords and ask for codes while Redis is down.

allauth's rate limits live in the shared cache; a dead Redis made every login a 500. The
cache now fails open (a logged warning, the limit not applied) while /healthz keeps
naming the broker as down. Runs against a private redis-server that the test stops.
"""

import logging

import pytest
from django.urls import reverse

from tests.integration.machinery import REDIS_SERVER

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(REDIS_SERVER is None, reason="needs redis-server"),
    pytest.mark.django_db,
]


@pytest.fixture
def dead_redis(redis_server, settings):
    """The cache and broker point at a Redis that has just been stopped."""
    settings.CACHES = {
        "default": {
            "BACKEND": settings.REDIS_CACHE_BACKEND,
            "LOCATION": redis_server.url,
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        }
    }
    settings.CELERY_BROKER_URL = redis_server.url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    redis_server.stop()
    return redis_server


def test_login_works_with_redis_stopped(client, dead_redis, lund_chief, password, caplog):
    with caplog.at_level(logging.WARNING, logger="kulturportal.cache"):
        response = client.post(
            reverse("account_login"), {"login": lund_chief.email, "password": password}
        )
    assert response.status_code == 302 and response.url == reverse("my_page")
    assert client.get(reverse("my_page")).status_code == 200
    assert "Cache unreachable" in caplog.text


def test_wrong_password_is_refused_not_a_500(client, dead_redis, lund_chief):
    response = client.post(
        reverse("account_login"), {"login": lund_chief.email, "password": "fel-lösenord"}
    )
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet är fel." in response.content.decode()


def test_password_reset_and_login_code_work_with_redis_stopped(client, dead_redis, lund_chief):
    response = client.post(reverse("account_reset_password"), {"email": lund_chief.email})
    assert response.status_code == 302
    response = client.post(reverse("account_request_login_code"), {"email": lund_chief.email})
    assert response.status_code == 302


def test_healthz_still_names_the_broker_as_down(client, dead_redis):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_the_cache_works_again_when_redis_is_back(client, dead_redis, lund_chief, password):
    from django.core.cache import cache

    dead_redis.start()
    cache.set("probe", 1)
    assert cache.get("probe") == 1
