"""Inside Django, against the bench database: log the personas in and count each page's queries.

Run by run.py as `python -m bench.probe OUT.json` with DJANGO_SETTINGS_MODULE=bench.settings.
Writes the session cookies (for wrk), the status and queries of every page, and the versions.
"""

import json
import platform
import sys
from importlib import metadata

import django

HOST = "127.0.0.1"
WARM_REQUESTS = 3


def main(out_path: str) -> None:
    django.setup()

    from bench.pages import BASELINE, PERSONAS, invitations, pages_to_drive, resolve

    pages = [BASELINE, *pages_to_drive()]

    clients = {None: _client()}
    for email in PERSONAS:
        clients[email] = _logged_in(email)
    # The path each page is driven at in this database, its placeholder filled in.
    paths = {p.path: resolve(p.path) for p in pages}
    result = {
        "cookies": {email: _cookie_header(clients[email]) for email in PERSONAS},
        "paths": paths,
        "invited": {
            p.path: invitations(paths[p.path])
            for p in pages
            if p.path != paths[p.path] and "/overlaggningar/" in p.path
        },
        "pages": {p.key: _probe(clients[p.persona], paths[p.path]) for p in pages},
        "versions": _versions(),
    }
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)


def _cookie_header(client) -> str:
    """The session and CSRF cookies, as the browser sends them after logging in."""
    from django.conf import settings

    names = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    return "; ".join(f"{name}={client.cookies[name].value}" for name in names)


def _client():
    from django.test import Client

    return Client(HTTP_HOST=HOST)


def _logged_in(email: str):
    from kulturportal.demo import DEMO_PASSWORD

    client = _client()
    # The real login form, so the session is exactly what a browser would get.
    response = client.post("/konto/login/", {"login": email, "password": DEMO_PASSWORD})
    if response.status_code != 302:
        raise SystemExit(f"Could not log in as {email}: status {response.status_code}")
    return client


def _probe(client, path: str) -> dict:
    """Queries of a cold request (empty caches) and of a warm one, as under steady load."""
    from django.core.cache import cache

    from kulturportal import caching

    cache.clear()
    # The process remembers the public pages' generation for a second: after the clear it
    # would store the cold page under a generation the cache no longer has, and a warm
    # request a second later (a big page takes that long) would miss it and count a render.
    caching.forget_generation()
    status, cold = _count(client, path)
    for _ in range(WARM_REQUESTS):
        status, warm = _count(client, path)
    return {"status": status, "cold_queries": cold, "queries": warm}


def _count(client, path: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)


def _versions() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "PostgreSQL": postgres,
        "gunicorn": metadata.version("gunicorn"),
    }


if __name__ == "__main__":
    main(sys.argv[1])
