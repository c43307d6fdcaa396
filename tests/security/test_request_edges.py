"""Audit items 10, 12 and 14: body limits, the client's address behind a proxy, and a
health check that answers whatever the Host header says."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_oversized_body_is_refused_before_it_is_read(client):
    """Item 10: a 300 MB anonymous POST was spooled to disk before the CSRF 403."""
    response = client.generic(
        "POST",
        reverse("account_login"),
        data=b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(300 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_the_body_limit_stands_above_the_largest_upload():
    from kulturportal.uploads import MAX_UPLOAD_BYTES

    assert settings.MAX_REQUEST_BYTES > MAX_UPLOAD_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def _fail_logins(client, ip: str, times: int):
    for n in range(times):
        client.post(
            reverse("account_login"),
            {"login": f"okand{n}@example.se", "password": "fel"},
            HTTP_X_FORWARDED_FOR=f"{ip}, 10.0.0.1",
            REMOTE_ADDR="10.0.0.2",
        )


def test_behind_the_proxy_each_client_has_its_own_rate_limit(
    client, settings, lund_chief, password
):
    """Item 12: allauth saw every user as the proxy's address, so one attacker locked out all."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2  # the TLS proxy and the nginx in front of gunicorn
    _fail_logins(client, "198.51.100.1", 12)
    credentials = {"login": lund_chief.email, "password": password}
    from_attacker = client.post(
        reverse("account_login"), credentials, HTTP_X_FORWARDED_FOR="198.51.100.1, 10.0.0.1"
    )
    assert from_attacker.status_code != 302
    client.logout()
    from_colleague = client.post(
        reverse("account_login"), credentials, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.1"
    )
    assert from_colleague.status_code == 302


def test_trusted_proxy_count_comes_from_the_environment():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    env = {**os.environ, "TRUSTED_PROXY_COUNT": "2"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split()[-1:] == ["2"], result.stderr
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0  # nothing set: no proxy is trusted


@pytest.mark.parametrize("host", ["10.1.2.3", "10.1.2.3:8000", "evil.example"])
def test_healthz_answers_whatever_the_host(client, host):
    """Item 14: load balancers probe by IP; /healthz answered 400 outside ALLOWED_HOSTS."""
    response = client.get("/healthz", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_other_pages_still_refuse_unknown_hosts(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


def test_a_short_forwarded_for_header_does_not_break_pages(client, settings):
    """More proxies trusted than the header names: allauth raises; pages must still answer."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 3
    assert client.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
