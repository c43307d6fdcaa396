"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

Every page a journey reaches gets axe-core (in the page) and, at the end of the test, the
Nu HTML Checker. Screenshots and the checked HTML land in var/screenshots/<test>/.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connections

from kulturportal.demo import seed_demo_people, seed_reference_data
from kulturportal.models import Municipality
from tests.browser.checks import AXE_JS, TALLY, HtmlBatch, missing_tools
from tests.browser.journey import DESKTOP, Journey

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"
MUNICIPALITY_COUNT = 33
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


class Chromium:
    """One Chromium for all browser tests, stopped as soon as the last of them is done.

    While Playwright's sync API is open it keeps an asyncio loop running on this thread, so
    Django takes the test for async code: it refuses ORM calls unless DJANGO_ALLOW_ASYNC_UNSAFE
    is set, and would open new database connections, which lack the serialized test data
    that serialized rollback restores. So the test keeps its connections, and the variable is
    set only while the browser runs: other tests' subprocesses must not inherit it.
    """

    def __init__(self):
        self.playwright = self.browser = None
        self.saved_env = None

    def new_context(self, **options):
        if self.browser is None:
            self.start()
        return self.browser.new_context(**options)

    def start(self):
        missing = missing_tools() + ([] if Path(CHROMIUM_PATH).exists() else [CHROMIUM_PATH])
        if missing:
            pytest.fail(
                "Browser tests need " + ", ".join(missing) + ". `make test` installs the npm "
                "tools; `apt-get install chromium`. Or leave them out with -m 'not browser'.",
                pytrace=False,
            )
        from playwright.sync_api import sync_playwright

        self.saved_env = os.environ.get(ASYNC_UNSAFE)
        os.environ[ASYNC_UNSAFE] = "true"  # the test code itself is plainly synchronous
        kept = {alias: connections[alias] for alias in connections}
        self.playwright = sync_playwright().start()
        for alias, connection in kept.items():
            connections[alias] = connection
        self.browser = self.playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
        )

    def stop(self):
        if self.playwright is None:
            return
        if self.browser is not None:
            self.browser.close()
        self.playwright.stop()
        self.playwright = self.browser = None
        if self.saved_env is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = self.saved_env


CHROMIUM = Chromium()


@pytest.fixture(scope="session")
def chromium():
    yield CHROMIUM
    CHROMIUM.stop()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    # trylast: after the test's own teardown, whose database flush still needs the browser's
    # permission for ORM calls.
    if nextitem is None or nextitem.get_closest_marker("browser") is None:
        CHROMIUM.stop()


@pytest.fixture(scope="session")
def axe_source():
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def site(live_server, settings):
    """The live server with Skåne's municipalities, reference data and the demo people.

    The live server needs real transactions, so the database is emptied after each test; the
    municipalities come from a data migration and return only through serialized rollback.
    """
    count = Municipality.objects.count()
    assert count == MUNICIPALITY_COUNT, (
        f"expected the {MUNICIPALITY_COUNT} municipalities of the data migration, found {count}: "
        "mark the test django_db(transaction=True, serialized_rollback=True)"
    )
    seed_reference_data()
    seed_demo_people()
    settings.SITE_URL = live_server.url  # links in e-mail lead to this server
    return live_server


@pytest.fixture
def journey(request, chromium, site, axe_source):
    out_dir = SCREENSHOTS / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    context = chromium.new_context(viewport=DESKTOP, locale="sv-SE")
    context.set_default_timeout(10_000)  # a missing element fails in seconds, not half a minute
    html = HtmlBatch()
    yield Journey(context.new_page(), site.url, out_dir, axe_source, html)
    context.close()
    errors = html.errors()
    if errors:
        pytest.fail(html.describe(errors), pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if not TALLY.axe_pages:
        return
    terminalreporter.write_sep("-", "page checks")
    terminalreporter.write_line(
        f"axe: {TALLY.axe_pages} pages checked, {TALLY.axe_violations} violations"
    )
    terminalreporter.write_line(
        f"Nu HTML Checker: {TALLY.html_documents} documents checked, {TALLY.html_errors} errors"
    )
