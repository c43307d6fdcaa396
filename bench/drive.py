# ruff: noqa: S603 - every command here is built from constants, none from input.
"""wrk against one page of a running gunicorn: the figures every part of the bench shows
(run.py's pages, the follow-up's and search's rows)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

from bench.servers import HOST, cpu_seconds, gunicorn_pids, status

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_SECONDS = 2
THREADS = 2


def load(port: int, path: str, cookie: str | None) -> dict:
    """wrk's figures for one page at 8 connections, and under "one" at 1 connection; a page
    that does not answer 200 is not driven."""
    code = status(port, path, cookie)
    if code != 200:
        return {"status": code}
    wrk(port, path, cookie, WARMUP_SECONDS, 8)  # fill the workers' caches and connections
    # gunicorn's own CPU per request (user + system, from /proc): what a request costs the
    # web process, whatever else the shared machine is doing.
    processes = {"gunicorn": gunicorn_pids(port)}
    before = cpu_seconds(processes)["gunicorn"]
    one = wrk(port, path, cookie, SECONDS, 1)
    used = cpu_seconds(processes)["gunicorn"] - before
    one["cpu_ms"] = used / one["requests"] * 1000 if one["requests"] else 0
    return {"status": code, **wrk(port, path, cookie, SECONDS, 8), "one": one}


def wrk(port: int, path: str, cookie: str | None, seconds: int, connections: int) -> dict:
    command = [
        shutil.which("wrk"),
        f"--threads={min(THREADS, connections)}",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={ROOT / 'bench' / 'report.lua'}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{port}{path}")
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    return json.loads(line.removeprefix("BENCH "))
