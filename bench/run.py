# ruff: noqa: S603 - every command here is built from constants, none from input.
"""`make bench`: each page under load, at scale 1 and 10, against a trivial Django view;
then 5,000 invitations end to end through a Celery worker (bench/fanout.py), and the
consultations' export and deadline day (bench/consultations.py).

For each scale: a fresh PostgreSQL database with the migrations, the demo data and
`seed_volume --scale N`; gunicorn with 2 workers and production settings; wrk drives every
page for a fixed time with 8 connections. Query counts come from bench/probe.py. Writes
bench/report.md and bench/report.png (and the raw figures to bench/results.json).

`BENCH_ONLY=consultations make bench` runs the consultations' part alone (their pages, the
export at both scales, the deadline day) and rewrites only that section of bench/report.md
(raw figures in var/bench/consultations.json).
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
from bench.pages import BASELINE, CONSULTATION_PAGES, PAGES  # noqa: E402
from bench.servers import HOST, WORK, gunicorn, status  # noqa: E402

SCALES = [1, 10]
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_SECONDS = 2
CONNECTIONS = 8
THREADS = 2
WORKERS = 2
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "kulturportal_bench"
REDIS_URL = "redis://127.0.0.1:6379/2"
FANOUT = int(os.environ.get("BENCH_FANOUT", "5000"))  # invitations; 0 leaves the fan-out out
# Organisations submitting at once on the deadline day; 0 leaves it out.
DEADLINE = int(os.environ.get("BENCH_DEADLINE", "50"))
ONLY = os.environ.get("BENCH_ONLY", "")  # "consultations": that part alone
if ONLY not in ("", "consultations"):
    raise SystemExit(f"BENCH_ONLY={ONLY!r}: only 'consultations' is known")
RESULTS = ROOT / "bench" / "results.json"


def main() -> None:
    # A plain kill should stop gunicorn and drop the database too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    _check_tools()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "setup.log").unlink(missing_ok=True)
    load_at_start = _load()
    results, fanout, pdfs, deadline, followup_pdf = {}, None, None, None, None
    try:
        for scale in SCALES:
            results[scale] = bench_scale(scale)
        if not ONLY:
            pdfs = run_pdf(bench_env())  # in the last scale's database
            followup_pdf = followup.pdf(bench_env())
            if FANOUT:
                fanout = run_fanout(bench_env())
        if DEADLINE:
            deadline = run_deadline(bench_env())
    finally:
        if not os.environ.get("BENCH_KEEP_DB"):  # keep the last scale's database to look into
            _drop_database()
    run = {
        "machine": {
            **machine(results),
            "load average (1 min), start → end": load_at_start + " → " + _load(),
        },
        "settings": bench_settings(),
        "scales": results,
        "fanout": fanout,
        "pdf": pdfs,
        "deadline": deadline,
        "followup_pdf": followup_pdf,
    }
    if ONLY:
        out = WORK / "consultations.json"
        out.write_text(json.dumps(run, indent=2), encoding="utf-8")
        report.update_consultations(run, ROOT / "bench" / "report.md")
        print(f"Rewrote the consultations' section of bench/report.md ({out}).")
        return
    RESULTS.write_text(json.dumps(run, indent=2), encoding="utf-8")
    report.write(run, ROOT / "bench" / "report.md", ROOT / "bench" / "report.png")
    print("Wrote bench/report.md and bench/report.png.")


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _check_tools() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    import psycopg
    import redis

    if FANOUT or DEADLINE:
        if not shutil.which("redis-server"):
            raise SystemExit("redis-server is missing: the fan-out runs a Redis of its own")
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
    print(f"Scale {scale}: preparing the database (log: {WORK}/setup.log)…", flush=True)
    _create_database()
    _flush_redis()
    env = bench_env()
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo", "--force")
    manage(env, "seed_volume", "--scale", str(scale), "--force")
    manage(env, "collectstatic", "--noinput")
    _flush_redis()  # nothing cached while seeding may outlive it
    probe = run_probe(env, scale)
    pages = {}
    with gunicorn(env, scale) as port:
        # The baseline before and after the pages, so a drift in the machine's load evens out.
        for page in [BASELINE, *(CONSULTATION_PAGES if ONLY else PAGES), BASELINE]:
            cookie = probe["cookies"].get(page.persona) if page.persona else None
            path = probe["paths"][page.path]
            figures = {**probe["pages"][page.path], **load(port, path, cookie)}
            print(f"  {path:28} {_summary(figures)}", flush=True)
            pages[page.path] = _mean(pages[page.path], figures) if page.path in pages else figures
        searched = search_bench.run(env, port) if not ONLY else None
        followup_pages = None if ONLY else followup.pages(env, port, scale, load=load)
    export = run_export(env)  # with gunicorn stopped: the machine's cores to itself
    return {
        "pages": pages,
        "paths": probe["paths"],
        "invited": probe["invited"],
        "versions": probe["versions"],
        "export": export,
        "search": searched,
        "followup": followup_pages,
    }


def _mean(first: dict, second: dict) -> dict:
    numbers = ["rps", "median_ms", "p95_ms"]
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


def run_pdf(env: dict) -> list[dict]:
    print("PDF: the plan rendered as the worker renders it…", flush=True)
    out = WORK / "pdf.json"
    subprocess.run([sys.executable, "-m", "bench.pdf", str(out)], cwd=ROOT, env=env, check=True)
    figures = json.loads(out.read_text(encoding="utf-8"))
    for f in figures:
        print(
            f"  {f['label']}: {f['pages']} pages in {f['seconds']:.2f} s, "
            f"{f['pages_per_second']:.1f} pages/s, own share {f['own_share']:.1%}",
            flush=True,
        )
    return figures


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


def run_deadline(env: dict) -> dict:
    """bench/consultations.py deadline in a process of its own, stopped with SIGTERM if this
    run is, so that it stops its gunicorn, Celery worker and servers on the way out."""
    print(f"Deadline day: {DEADLINE} organisations submit at once, 5 MB each…", flush=True)
    out = WORK / "deadline.json"
    out.unlink(missing_ok=True)
    env = {**env, "BENCH_DEADLINE": str(DEADLINE)}
    command = [sys.executable, "-m", "bench.consultations", "deadline", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        if process.wait() != 0:
            raise RuntimeError(f"bench/consultations.py failed; see {WORK}/*deadline*.log")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    f = json.loads(out.read_text(encoding="utf-8"))
    print(
        f"  {f['errors']} errors, POST p50 {f['p50_ms']:.0f} ms, p95 {f['p95_ms']:.0f} ms; "
        f"{f['distinct_numbers']} numbers (gap-free: {f['series_without_gaps']}); "
        f"{f['receipts']} receipts at the SMTP server",
        flush=True,
    )
    return f


def _summary(figures: dict) -> str:
    if "rps" not in figures:
        return f"status {figures['status']}: not driven"
    if not figures["requests"]:
        return "no request finished"
    return (
        f"{figures['rps']:8.1f} req/s  median {figures['median_ms']:6.1f} ms  "
        f"p95 {figures['p95_ms']:6.1f} ms  {figures['queries']} queries"
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


def load(port: int, path: str, cookie: str | None) -> dict:
    """wrk's figures for one page; a page that does not answer 200 is not driven."""
    code = status(port, path, cookie)
    if code != 200:
        return {"status": code}
    wrk(port, path, cookie, WARMUP_SECONDS)  # fill the workers' caches and connections
    return {"status": code, **wrk(port, path, cookie, SECONDS)}


def wrk(port: int, path: str, cookie: str | None, seconds: int) -> dict:
    command = [
        shutil.which("wrk"),
        f"--threads={THREADS}",
        f"--connections={CONNECTIONS}",
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


# --- What the report says about the run --------------------------------------------------------


def machine(results: dict) -> dict:
    versions = next(iter(results.values()))["versions"]
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
        "connections": CONNECTIONS,
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
