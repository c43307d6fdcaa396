"""Fixtures for the integration tests: a private Redis, an SMTP server, real Celery workers.

The worker is a separate process, so it must see what the test commits: these tests need
PostgreSQL and real transactions. Each test gets its own Redis (which it may stop and start
again) and its own SMTP server; every worker it starts is killed at teardown, before the
database is emptied.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from forums.models import Audience, Meeting
from kulturportal.celery import app as celery_app
from tests.factories import AudienceRuleFactory, MeetingFactory
from tests.integration.machinery import (
    CountingCollector,
    RedisServer,
    Supervisor,
    Worker,
    drop_broker_connections,
    other_sessions,
    wait_for,
    worker_database_url,
)
from tests.smtp import SmtpServer

WORKER_CONCURRENCY = 4
FIGURES: list[str] = []
# A refused e-mail is tried again after 1 s, 2 s, 4 s, … instead of 30 s, 1 min, 2 min, …
RETRY_BASE_SECONDS = 1


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SmtpServer()
    server.collector = CountingCollector()
    server.controller.handler = server.collector
    server.start()
    yield server
    server.stop()


@pytest.fixture
def broker(redis_server):
    """This process sends its tasks to the private Redis, for real: tests/conftest.py's
    autouse fixture, set up before this one, runs them in-process otherwise. Results are
    ignored (CELERY_TASK_IGNORE_RESULT), so the result backend is never used."""
    conf = celery_app.conf
    saved = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    drop_broker_connections()
    conf.broker_url = redis_server.url
    conf.task_always_eager = False
    yield redis_server
    drop_broker_connections()
    conf.update(saved)


@pytest.fixture
def start_worker(broker, smtp, tmp_path):
    """`celery -A kulturportal worker` against the test database, the private Redis and the
    SMTP server; start() returns once it answers a ping. All are killed at teardown."""
    workers: list[Worker] = []
    supervisors: list[Supervisor] = []
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kulturportal.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker.url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_RETRY_BASE_SECONDS": str(RETRY_BASE_SECONDS),
        # The sweep is the one retry mechanism: the worker's own beat runs it every second.
        "EMAIL_SWEEP_SECONDS": "1",
    }

    def launch() -> Worker:
        name = f"integration-{uuid.uuid4().hex[:8]}@localhost"
        log = tmp_path / f"{name.split('@')[0]}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    *command,
                    *("-A", "kulturportal", "worker", "-n", name),
                    *("--loglevel", "INFO", "--pool", "prefork"),
                    *("--concurrency", str(WORKER_CONCURRENCY)),
                    "--without-mingle",
                    "--without-gossip",
                    "--beat",
                    *("--schedule", str(tmp_path / f"beat-{uuid.uuid4().hex[:8]}")),
                ],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a process group of its own: one killpg ends the pool
            )
        worker = Worker(name=name, process=process, log=log)
        workers.append(worker)
        return worker

    def start(*, supervised: bool = False) -> Worker | Supervisor:
        """supervised: started again whenever it exits, as in production."""
        worker = launch()
        worker.wait_until_ready()
        if not supervised:
            return worker
        supervisor = Supervisor(launch, worker)
        supervisors.append(supervisor)
        supervisor.start()
        return supervisor

    yield start
    for supervisor in supervisors:
        supervisor.stop()
    for worker in workers:
        worker.kill(wait_for_sessions=False)
        print(f"--- {worker.name}, {worker.log}:\n{worker.log_tail()}")  # shown on failure
    wait_for(lambda: other_sessions() == 0, timeout=15, what="the workers' sessions to end")


@pytest.fixture
def pasted_meeting(official):
    """make(n): a draft meeting whose audience is n pasted e-mail addresses."""

    def make(count: int) -> tuple[Meeting, list[str]]:
        # The factory's default: a draft annual deliberation a month ahead, 13.00, 3 hours.
        meeting = MeetingFactory(place="Malmö Live", organiser=official)
        addresses = [f"inbjuden{n:03}@example.se" for n in range(1, count + 1)]
        AudienceRuleFactory(meeting=meeting, kind=Audience.EMAILS, emails="\n".join(addresses))
        return meeting, addresses

    return make


@pytest.fixture
def report(request):
    """report(text): a line for the summary at the end of the run (counts, times)."""
    return lambda text: FIGURES.append(f"{request.node.name}: {text}")


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.write_sep("-", "integration figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
