"""schemathesis against the live API: a server on a port of its own with the demo's data,
and schemathesis' own command line with every check (no 5xx, every status, header and body
as the OpenAPI description says, wrong input refused, right input accepted). A bounded
number of examples per operation and a fixed seed, so it stays within CI's time."""

import subprocess
import sys
from pathlib import Path

import pytest

from kulturportal import search
from kulturportal.demo import seed_app_demos, seed_demo_people, seed_reference_data

EXAMPLES = 8


# serialized_rollback: the live server needs real commits, and the tests after this one
# find the database as the migrations left it (the municipalities, the content types).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_schemathesis_finds_nothing_wrong(live_server, settings, tmp_path):
    settings.API_RATE_LIMIT = 1_000_000  # this client is one address asking very often
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_reference_data()
    seed_demo_people()
    seed_app_demos()
    search.rebuild()
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--workers",
        "1",
        "--seed",
        "2010",
        "--no-color",
    ]
    finished = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    summary = finished.stdout[-3000:]
    assert finished.returncode == 0, summary
    assert "No issues found" in summary
