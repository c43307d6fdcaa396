# ruff: noqa: S603 - every command here is built from constants, none from input.
"""`make bench`: each page under load, at scale 1 and 10, against a trivial Django view;
then 5,000 invitations end to end through a Celery worker (bench/fanout.py), the
consultations' export, the submission at steady arrival rates (bench/submission.py), a mixed
working day (bench/mixed.py) and the plan as PDF (bench/pdf.py).

For each scale: a fresh PostgreSQL database with the migrations, the demo data and
`seed_volume --scale N`; gunicorn with 2 workers and production settings (logged-in pages
rendered on every request); wrk drives every page for a fixed time with 1 connection (the
service time) and with 8 (saturation). Query counts come from bench/probe.py. Writes
bench/report.md and bench/report.png (and the raw figures to bench/results.json).

Parts can be run alone, each rewriting only its own section of bench/report.md (raw figures
in var/bench/<part>.json), in the last scale's database only (BENCH_SCALES, default 10):

    BENCH_ONLY=pages          issue 23's six logged-in pages at 1 and 8 connections
                              (BENCH_LABEL names the section: "before", "after", …)
    BENCH_ONLY=consultations  the consultations' pages and the export
    BENCH_ONLY=submission     the consultation submission at steady arrival rates
    BENCH_ONLY=mixed          the mixed working day
    BENCH_ONLY=pdf            the plan as PDF

BENCH_SECONDS (10) is each wrk run; BENCH_REUSE_DB=1 keeps the database a run before seeded
at the same scale (var/bench/database.json says which) instead of seeding it again.
"""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so `python bench/run.py` finds the bench package too

from bench import followup, report  # noqa: E402
from bench import search as search_bench  # noqa: E402
from bench.drive import SECONDS, THREADS, load  # noqa: E402
from bench.pages import BASELINE, pages_to_drive  # noqa: E402
from bench.servers import WORK, gunicorn  # noqa: E402

PARTS = ("pages", "consultations", "submission", "mixed", "pdf")
ONLY = os.environ.get("BENCH_ONLY", "")
if ONLY not in ("", *PARTS):
    raise SystemExit(f"BENCH_ONLY={ONLY!r}: one of {', '.join(PARTS)}")
SCALES = [int(n) for n in os.environ.get("BENCH_SCALES", "10" if ONLY else "1,10").split(",") if n]
CONNECTIONS = [1, 8]  # the service time of one request, and saturation
WORKERS = 2
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "kulturportal_bench"
REDIS_URL = "redis://127.0.0.1:6379/2"
FANOUT = int(os.environ.get("BENCH_FANOUT", "5000"))  # invitations; 0 leaves the fan-out out
REUSE_DB = os.environ.get("BENCH_REUSE_DB", "") not in ("", "0")
LABEL = os.environ.get("BENCH_LABEL", "")
RESULTS = ROOT / "bench" / "results.json"
DATABASE_MARKER = WORK / "database.json"  # the scale the database was seeded at


def main() -> None:
    # A plain kill should stop gunicorn and drop the database too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    _check_tools()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "setup.log").unlink(missing_ok=True)
    load_at_start = _load()
    run: dict = {"scales": {}, "loads": {}}
    try:
        if ONLY in ("", "pages", "consultations"):
            for scale in SCALES:
                with _part(run, f"pages, scale {scale}"):
                    run["scales"][scale] = bench_scale(scale)
        else:
            prepare_database(SCALES[-1])
        env = bench_env()  # the last scale's database from here on
        if ONLY in ("", "pdf"):
            with _part(run, "PDF"):
                run["pdf"] = run_part(env, "pdf")
            if not ONLY:
                run["followup_pdf"] = followup.pdf(env)
        if not ONLY and FANOUT:
            with _part(run, "fan-out"):
                run["fanout"] = run_fanout(env)
        if ONLY in ("", "mixed"):
            with _part(run, "mixed day"):
                run["mixed"] = run_part(env, "mixed")
        if ONLY in ("", "submission"):
            with _part(run, "submission"):
                run["submission"] = run_part(env, "submission")
    finally:
        if not os.environ.get("BENCH_KEEP_DB") and not REUSE_DB:
            _drop_database()
    run.update(
        {
            "machine": {
                **machine(run["scales"]),
                "load average (1 min), start → end": load_at_start + " → " + _load(),
            },
            "settings": bench_settings(),
            "label": LABEL,
            "scale": SCALES[-1],
        }
    )
    if ONLY:
        out = WORK / f"{ONLY}{'-' + LABEL if LABEL else ''}.json"
        out.write_text(json.dumps(run, indent=2), encoding="utf-8")
        report.update_part(ONLY, run, ROOT / "bench" / "report.md")
        print(f"Rewrote the {ONLY} section of bench/report.md ({out}).")
        return
    RESULTS.write_text(json.dumps(run, indent=2), encoding="utf-8")
    report.write(run, ROOT / "bench" / "report.md", ROOT / "bench" / "report.png")
    print("Wrote bench/report.md and bench/report.png.")


class _part:
    """Records the machine's load average as a part starts and ends: other work on the
    machine takes cores from the bench."""

    def __init__(self, run: dict, name: str):
        self.run, self.name = run, name

    def __enter__(self):
        self.start = _load()
        print(
            f"[{datetime.now().astimezone():%H:%M:%S}] {self.name}, load {self.start}", flush=True
        )

    def __exit__(self, *exc):
        self.run["loads"][self.name] = f"{self.start} → {_load()}"


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _check_tools() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    import psycopg
    import redis

    if ONLY in ("", "submission", "mixed"):
        if not shutil.which("redis-server"):
            raise SystemExit("redis-server is missing: the worker's broker is a Redis of its own")
        try:
            import aiosmtpd  # noqa: F401 - the fan-out's SMTP server
        except ImportError:
            raise SystemExit("aiosmtpd is missing: uv sync (it is in the dev group)") from None
    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except (psycopg.Error, redis.RedisError) as error:
        raise SystemExit(f"PostgreSQL and Redis must run on 127.0.0.1: {error}") from None


# --- One scale -------------------------------------------------------------------------------


def bench_scale(scale: int) -> dict:
    env = prepare_database(scale)
    probe = run_probe(env, scale)
    pages = {}
    driven = pages_to_drive()
    with gunicorn(env, scale) as port:
        # The baseline before and after the pages, so a drift in the machine's load evens out.
        for page in [BASELINE, *driven, BASELINE]:
            cookie = probe["cookies"].get(page.persona) if page.persona else None
            path = probe["paths"][page.path]
            figures = {**probe["pages"][page.key], **load(port, path, cookie)}
            print(f"  {page.key:36} {_summary(figures)}", flush=True)
            pages[page.key] = _mean(pages[page.key], figures) if page.key in pages else figures
        searched = search_bench.run(env, port) if not ONLY else None
        followup_pages = None if ONLY else followup.pages(env, port, scale, load=load)
    # With gunicorn stopped: the machine's cores to itself.
    export = run_export(env) if ONLY in ("", "consultations") else None
    return {
        "pages": pages,
        "paths": probe["paths"],
        "invited": probe["invited"],
        "versions": probe["versions"],
        "export": export,
        "search": searched,
        "followup": followup_pages,
    }


def prepare_database(scale: int) -> dict:
    """The scale's database, seeded; kept from an earlier run with BENCH_REUSE_DB=1 when it
    was seeded at this scale. Returns the bench's environment."""
    env = bench_env()
    if REUSE_DB and _seeded_at() == scale:
        print(f"Scale {scale}: reusing the database seeded before (BENCH_REUSE_DB)", flush=True)
        _flush_redis()
        return env
    print(f"Scale {scale}: preparing the database (log: {WORK}/setup.log)…", flush=True)
    DATABASE_MARKER.unlink(missing_ok=True)
    _create_database()
    _flush_redis()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force")
    manage(env, "seed_volume", "--scale", str(scale), "--force")
    manage(env, "collectstatic", "--noinput")
    _flush_redis()  # nothing cached while seeding may outlive it
    DATABASE_MARKER.write_text(json.dumps({"scale": scale}), encoding="utf-8")
    return env


def _seeded_at() -> int | None:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES}/{DATABASE}", connect_timeout=3).close()
        return json.loads(DATABASE_MARKER.read_text(encoding="utf-8"))["scale"]
    except (psycopg.Error, OSError, ValueError, KeyError):
        return None


def _mean(first: dict, second: dict) -> dict:
    numbers = ["rps", "median_ms", "p95_ms", *(["cpu_ms"] if "cpu_ms" in first else [])]
    if "one" in first and "one" in second:  # the 1-connection figures, averaged alike
        second = {**second, "one": _mean(first["one"], second["one"])}
    if "rps" not in first or "rps" not in second:
        return second
    return {
        **second,
        **{name: (first[name] + second[name]) / 2 for name in numbers},
        **{
            name: first[name] + second[name]
            for name in ["requests", "socket_errors", "http_errors"]
        },
    }


def bench_env() -> dict:
    """Production settings, as the README lists them, with the bench's URLconf."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "MFA_REQUIRED_FOR_OFFICIALS": "false",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT": "100000000",  # wrk is one address; the limit is not what we measure
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict, *args: str) -> None:
    with (WORK / "setup.log").open("a") as log:  # seed_demo lists its logins: keep them aside
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, stdout=log, check=True
        )


def run_probe(env: dict, scale: int) -> dict:
    out = WORK / f"probe-scale-{scale}.json"
    subprocess.run([sys.executable, "-m", "bench.probe", str(out)], cwd=ROOT, env=env, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def run_part(env: dict, name: str) -> dict | list:
    """bench/<name>.py in a process of its own, writing its figures as JSON. Stopped with
    SIGTERM if this run is, so that it stops its servers and workers on the way out."""
    out = WORK / f"{name}-figures.json"
    out.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, "-m", f"bench.{name}", str(out)], cwd=ROOT, env=env)
    try:
        if process.wait() != 0:
            raise RuntimeError(f"bench/{name}.py failed; see {WORK}/{name}-*.log")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return json.loads(out.read_text(encoding="utf-8"))


def run_fanout(env: dict) -> dict:
    """bench/fanout.py in a process of its own. Stopped with SIGTERM if this run is, so that
    it stops its Celery worker and SMTP server on the way out."""
    print(f"Fan-out: {FANOUT:,} invitations through a Celery worker to an SMTP server…", flush=True)
    out = WORK / "fanout.json"
    out.unlink(missing_ok=True)
    env = {**env, "BENCH_FANOUT": str(FANOUT)}  # it starts a Redis of its own for the broker
    process = subprocess.Popen([sys.executable, "-m", "bench.fanout", str(out)], cwd=ROOT, env=env)
    try:
        if process.wait() != 0:
            raise RuntimeError(f"bench/fanout.py failed; see {WORK}/fanout-*.log")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    figures = json.loads(out.read_text(encoding="utf-8"))
    print(
        f"  {figures['emails_per_second']:.0f} e-mails/s end to end (send call "
        f"{figures['send_call_seconds']:.1f} s); smtplib alone "
        f"{figures['baseline']['messages_per_second']:.0f}/s; ratio {figures['ratio']:.2f}; "
        f"exactly one each: {'yes' if figures['exactly_once'] else 'no'}",
        flush=True,
    )
    kills = figures.get("kills") or []
    print(
        f"  {len(kills)} workers killed mid-send: "
        f"{sum(k['duplicates'] for k in kills)} sent twice, "
        f"{sum(k['missing'] for k in kills)} never sent",
        flush=True,
    )
    return figures


def run_export(env: dict) -> dict:
    print("  Export: every response of the biggest round as XLSX…", flush=True)
    out = WORK / "export.json"
    command = [sys.executable, "-m", "bench.consultations", "export", str(out)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    f = json.loads(out.read_text(encoding="utf-8"))
    print(
        f"  {f['responses']:,} responses in {f['seconds']:.1f} s, peak RSS "
        f"{f['peak_rss_kib'] / 1024:.0f} MiB ({f['rss_before_kib'] / 1024:.0f} MiB before); "
        f"{f.get('xlsx_rows', 0):,} rows read back; {f['status']}",
        flush=True,
    )
    return f


def _summary(figures: dict) -> str:
    if "rps" not in figures:
        return f"status {figures['status']}: not driven"
    if not figures["requests"]:
        return "no request finished"
    one = figures["one"]
    return (
        f"1 conn {one['rps']:6.1f} req/s p50 {one['median_ms']:5.1f} p95 {one['p95_ms']:5.1f} ms"
        f" CPU {one['cpu_ms']:5.1f} ms"
        f" | 8 conn {figures['rps']:7.1f} req/s p50 {figures['median_ms']:6.1f} "
        f"p95 {figures['p95_ms']:6.1f} ms | {figures['queries']} queries"
    )


# --- PostgreSQL and Redis ----------------------------------------------------------------------


def _admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def _create_database() -> None:
    _drop_database()
    _admin_sql(f"CREATE DATABASE {DATABASE}")


def _drop_database() -> None:
    # FORCE: a gunicorn killed mid-run may still hold connections.
    _admin_sql(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def _flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


# --- gunicorn and wrk --------------------------------------------------------------------------


# --- What the report says about the run --------------------------------------------------------


def machine(results: dict) -> dict:
    versions = next(iter(results.values()))["versions"] if results else {}
    return {
        "CPU": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory(),
        "system": f"{platform.system()} {platform.release()}",
        **versions,
        "wrk": _wrk_version(),
        "date": datetime.now().astimezone().isoformat(timespec="minutes"),
    }


def bench_settings() -> dict:
    return {
        "seconds": SECONDS,
        "connections": CONNECTIONS[-1],
        "connection_counts": CONNECTIONS,
        "threads": THREADS,
        "workers": WORKERS,
    }


def _load() -> str:
    # Other work on the machine (a test run, say) takes cores from the bench: say so.
    return f"{os.getloadavg()[0]:.2f}"


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    return match.group(1) if match else platform.processor()


def _memory() -> str:
    meminfo = Path("/proc/meminfo").read_text(encoding="utf-8")
    kib = int(re.search(r"^MemTotal:\s*(\d+)", meminfo, re.MULTILINE).group(1))
    return f"{kib / 1024 / 1024:.1f} GiB"


def _wrk_version() -> str:
    # wrk prints its version on the first line of its usage text, on standard output.
    result = subprocess.run(
        [shutil.which("wrk"), "--version"], capture_output=True, text=True, check=False
    )
    first = (result.stdout or result.stderr).splitlines()[0]
    return first.split(" [")[0].removeprefix("wrk ")


if __name__ == "__main__":
    main()
