"""The production settings, plus a URLconf with the baseline view. A logged-in person's page
is measured as they get it: rendered on every request (the personal page cache that wrk
alone would have hit is gone, issue 23)."""

from kulturportal.settings import *  # noqa: F403
from kulturportal.settings import VAR_DIR

ROOT_URLCONF = "bench.urls"
# Its own static folder, so the bench never touches what a developer's server serves.
STATIC_ROOT = VAR_DIR / "bench" / "static"
