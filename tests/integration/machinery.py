"""The real services the integration tests drive: Redis, an SMTP server, Celery workers."""

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

from kulturportal.celery import app as celery_app
from tests.smtp import Collector, free_port

REDIS_SERVER = shutil.which("redis-server")
IS_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

needs_real_services = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not IS_POSTGRES,
        reason="integration tests need PostgreSQL: the Celery worker is another process and "
        "must see the rows the test commits (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(REDIS_SERVER is None, reason="integration tests need redis-server"),
    # Real transactions for the worker to see; the municipalities come from a data
    # migration, so they are serialized and restored around the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.05):
    """Poll until condition() is true; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(interval)


class RedisServer:
    """A redis-server of our own on a free port, which a test may stop and start again."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def start(self) -> "RedisServer":
        # Output to a file: a pipe nobody reads would stall the server once full.
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    *("--port", str(self.port), "--bind", "127.0.0.1"),
                    *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                    *("--dir", str(self.directory)),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            wait_for(lambda: self._pings(client), timeout=10, what=f"Redis on {self.port}")
        finally:
            client.close()
        return self

    @staticmethod
    def _pings(client) -> bool:
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


class CountingCollector(Collector):
    """tests/smtp.py's Collector, which can also answer slowly and counts its refusals."""

    def __init__(self):
        super().__init__()
        self.delay = 0.0  # seconds before answering DATA: makes a run long enough to cut
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refuse_with:
            self.refused += 1
        return await super().handle_DATA(server, session, envelope)

    def per_recipient(self) -> Counter:
        return Counter(message["To"] for message in list(self.messages))


def drop_broker_connections() -> None:
    """Forget the pooled broker connections, so the next task goes to the broker set now."""
    if celery_app._pool is not None:
        celery_app._pool.force_close_all()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def worker_database_url() -> str:
    """The test database: pytest-django has put its name into the connection's settings."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def other_sessions() -> int:
    """Client sessions on the test database besides this process's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path
    killed: bool = False

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def wait_until_ready(self, timeout: float = 60) -> None:
        def answers() -> bool:
            if self.process.poll() is not None:
                pytest.fail(
                    f"worker {self.name} exited with {self.process.returncode}:\n"
                    + self.log_tail(),
                    pytrace=False,
                )
            return bool(celery_app.control.ping(destination=[self.name], timeout=0.5))

        wait_for(answers, timeout=timeout, what=f"worker {self.name} to answer a ping")

    def kill(self, *, wait_for_sessions: bool = True) -> None:
        """SIGKILL the worker and its pool processes at once, as the OOM killer or a lost
        machine would; then wait until PostgreSQL has ended their sessions (a statement it
        had already received still commits)."""
        if not self.killed:  # once only: after that the group id may be someone else's
            self.killed = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        if wait_for_sessions:
            wait_for(lambda: other_sessions() == 0, timeout=15, what="the workers' sessions to end")


class Supervisor(threading.Thread):
    """Starts the worker again whenever it exits, as docker-compose.yml's
    `restart: unless-stopped` does in production: Celery 5.7.0's worker exits when Redis
    goes away under an unacknowledged task (test_invitation_delivery says more)."""

    def __init__(self, launch: Callable[[], Worker], worker: Worker):
        super().__init__(daemon=True, name=f"supervisor-{worker.name}")
        self.launch = launch
        self.worker = worker
        self.restarts = 0
        self.error: BaseException | None = None
        self._stopping = threading.Event()

    def run(self) -> None:
        delay = 0.1
        try:
            while not self._stopping.wait(0.2):
                if self.worker.killed or not _has_exited(self.worker.process):
                    continue
                _end_group(self.worker)
                # As a restart policy does: a little later each time, so a worker that
                # cannot start does not spin.
                if self._stopping.wait(delay):
                    return
                delay = min(delay * 2, 5.0)
                self.restarts += 1
                self.worker = self.launch()
        except BaseException as error:  # stop() raises it, rather than a test timing out
            self.error = error

    def stop(self) -> None:
        """Before teardown kills the workers: none is started after this returns."""
        self._stopping.set()
        self.join(timeout=30)
        assert not self.is_alive(), f"{self.name} did not stop"
        if self.error is not None:
            raise self.error


def _has_exited(process: subprocess.Popen) -> bool:
    """Without reaping it: until it is reaped, its pid (its process group's id) is ours."""
    try:
        flags = os.WEXITED | os.WNOHANG | os.WNOWAIT
        return os.waitid(os.P_PID, process.pid, flags) is not None
    except ChildProcessError:  # reaped already
        return True


def _end_group(worker: Worker) -> None:
    """What the exited worker's pool left behind goes too, as a container's restart ends
    every process in it; then reap it, and mark it so teardown signals no reused id."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait()
    worker.killed = True
