# ruff: noqa: S603 - every command here is built from constants, none from input.
"""gunicorn for the bench: on a free port, with production settings from the environment,
stopped however the block ends; and a plain GET's status."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.pages import BASELINE

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORKERS = 2
WORK = ROOT / "var" / "bench"  # logs and the probe's output


@contextmanager
def gunicorn(env: dict, scale: int | str, *, workers: int = WORKERS):
    """gunicorn on a free port, stopped however the block ends."""
    port = _free_port()
    name = f"scale-{scale}" if isinstance(scale, int) else scale
    log = (WORK / f"gunicorn-{name}.log").open("w")
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "kulturportal.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    # Its own process group, so stopping it takes the workers along.
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    try:
        _wait_until_up(server, port)
        yield port
    finally:
        _stop(server)
        log.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_until_up(server: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start; see {WORK}/gunicorn-*.log")
        try:
            if status(port, BASELINE.path) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()  # the arbiter stops its workers gracefully
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def status(port: int, path: str, cookie: str | None = None) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        return connection.getresponse().status
    finally:
        connection.close()


def gunicorn_pids(port: int) -> set[int]:
    """gunicorn's master and its workers: the processes started with this --bind."""
    marker = f"--bind={HOST}:{port}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker in (entry / "cmdline").read_bytes():
                    found.add(int(entry.name))
            except OSError:
                continue
    return found


def cpu_seconds(groups: dict) -> dict[str, float]:
    """CPU seconds (user + system) used so far by each group: a set of pids (gunicorn), or
    the leader of a process group (the Celery worker and its pool), children included;
    "machine" and "iowait": the whole machine's busy and waiting-on-disk time, all cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    totals = dict.fromkeys(groups, 0.0)
    cpu = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, iowait, irq, softirq, steal = (int(v) for v in cpu[:8])
    totals["machine"] = (user + nice + system + irq + softirq + steal) / ticks
    totals["iowait"] = iowait / ticks
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pgrp, used = int(fields[2]), sum(int(v) for v in fields[11:15])  # utime … cstime
        for name, members in groups.items():
            if (int(entry.name) in members) if isinstance(members, set) else pgrp == members:
                totals[name] += used / ticks
    return totals
