"""The production settings, plus a URLconf with the baseline view; and no personal page cache.

A logged-in person's page is measured as they get it: rendered. The personal page cache
(kulturportal/caching.py, `personal_page`) is keyed by the database snapshot, which every
commit anywhere moves; wrk repeats one URL for one session with nothing committed, so nearly
every request would be a hit no real user gets. Issue 23 removes that cache; until then a
dummy cache stands in for it here, so every request misses and renders the page.
"""

from kulturportal.settings import *  # noqa: F403
from kulturportal.settings import CACHES, VAR_DIR

ROOT_URLCONF = "bench.urls"
# Its own static folder, so the bench never touches what a developer's server serves.
STATIC_ROOT = VAR_DIR / "bench" / "static"

if "personal_pages" in CACHES:
    CACHES["personal_pages"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
