"""The consultation submission at steady arrival rates: how many a second the machine takes
before the answer slows down (the knee), and the CPU one submission costs.

Run by run.py as `python -m bench.submission OUT.json` with the bench's settings, in the last
scale's database. A Redis of its own (the broker), a real Celery worker that renders each
receipt's PDF and sends it, and an SMTP server that counts the receipts (bench/fanout.py's);
gunicorn with 2 sync workers. One open round; one organisation with one representative per
submission (a session made directly). Each representative's form is fetched first; then,
for each rate (BENCH_RATES, 1, 4, 8, 12, 16 a second), for BENCH_RATE_SECONDS (30) a POST
starts every 1/rate seconds whether the earlier ones were answered or not (open loop), each
multipart with the required text answer and a PDF attachment (BENCH_ATTACHMENT_KB, 256).
A POST's latency runs from when it was due to start to its answer, so a client that fell
behind would count against the server, not hide it.

CPU per submission: user + system time from /proc/<pid>/stat of the gunicorn master and
workers while the rate's POSTs ran, and of the Celery worker and its pool until the rate's
last receipt reached the SMTP server, each divided by the rate's submissions.
"""

import json
import math
import os
import secrets
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import consultations, fanout, servers

HEADING = "## The consultation submission at steady rates"
RATES = [int(n) for n in os.environ.get("BENCH_RATES", "1,4,8,12,16").split(",") if n]
RATE_SECONDS = int(os.environ.get("BENCH_RATE_SECONDS", "30"))
ATTACHMENT_BYTES = int(os.environ.get("BENCH_ATTACHMENT_KB", "256")) * 1024
WORKERS = int(os.environ.get("BENCH_SUBMISSION_WORKERS", "2"))  # gunicorn's
WARM = 4  # submissions before the first rate, so every gunicorn worker is warm
KNEE_FACTOR = 2  # the knee: the first rate whose p95 is over twice the slowest rate's
P95_TARGET_MS = 300  # issue 23: p95 under 300 ms at 12 a second
P95_TARGET_RATE = 12
RECEIPTS_TIMEOUT = 180
DOMAIN = "jamn-takt.example.se"


def main(out_path: str) -> None:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    with fanout.redis_server() as redis_url, fanout.smtp_sink() as sink:
        os.environ["REDIS_URL"] = redis_url  # the broker, the cache, the worker's and ours
        os.environ["EMAIL_URL"] = f"smtp://{servers.HOST}:{sink.port}"
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        os.environ.pop("PDF_RENDER_IN_THREAD", None)
        consultations._setup()
        figures = run(sink)
    Path(out_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def run(sink) -> dict:
    suffix = secrets.token_hex(3)
    round, question = consultations._round(f"bench-jamn-takt-{suffix}", "JT")
    needed = WARM + sum(rate * RATE_SECONDS for rate in RATES)
    print(f"  {needed} representatives, each with an organisation…", flush=True)
    people = representatives(needed, suffix)
    pdf = consultations.attachment_pdf(ATTACHMENT_BYTES)
    results = []
    with (
        fanout.celery_worker() as worker,
        servers.gunicorn(os.environ.copy(), "submission", workers=WORKERS) as port,
    ):
        groups = {"gunicorn": servers.gunicorn_pids(port), "worker": worker.pid}
        forms = prepare(port, round, question, people, pdf)
        warm, forms = forms[:WARM], forms[WARM:]
        for form in warm:
            form.post(port, time.monotonic())
        _wait_for_receipts(sink, [f.email for f in warm])
        for rate in RATES:
            batch, forms = forms[: rate * RATE_SECONDS], forms[rate * RATE_SECONDS :]
            results.append(steady(port, rate, batch, sink, groups))
            r = results[-1]
            print(
                f"  {rate:3}/s: {r['posts']} POSTs, p50 {r['p50_ms']:6.0f} ms, "
                f"p95 {r['p95_ms']:6.0f} ms, {r['errors']} errors; CPU per submission: "
                f"web {r['web_cpu_ms']:.0f} ms, worker {r['worker_cpu_ms']:.0f} ms",
                flush=True,
            )
    checks = consultations._numbers(round)
    consultations._remove_files(round)
    return {
        "rates": results,
        "knee": knee(results),
        "rate_seconds": RATE_SECONDS,
        "attachment_bytes": ATTACHMENT_BYTES,
        "gunicorn_workers": WORKERS,
        "celery_concurrency": fanout.CONCURRENCY,
        "cores": os.cpu_count(),
        "queries_per_post": count_queries(round, question, pdf),
        **{k: checks[k] for k in ("submitted", "distinct_numbers", "series_without_gaps")},
    }


def representatives(count: int, suffix: str) -> list[tuple]:
    """Organisations with one representative each, made in bulk (no password to hash):
    (organisation, e-mail, session cookie)."""
    from datetime import timedelta

    from django.utils import timezone

    from kulturportal.models import Organisation, OrganisationKind, Role, RoleAssignment, User

    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Taktföreningen {n:04d} ({suffix})",
            slug=f"taktforeningen-{n:04d}-{suffix}",
            kind=OrganisationKind.CIVIL_SOCIETY,
            email=f"forening{n:04d}-{suffix}@{DOMAIN}",
        )
        for n in range(1, count + 1)
    )
    users = []
    for n in range(1, count + 1):
        user = User(
            email=f"ombud{n:04d}-{suffix}@{DOMAIN}", first_name="Ombud", last_name=f"{n:04d}"
        )
        user.set_unusable_password()
        users.append(user)
    users = User.objects.bulk_create(users)
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=user,
            role=Role.ORGANISATION_REPRESENTATIVE,
            organisation=organisation,
            starts_on=timezone.localdate() - timedelta(days=1),
        )
        for user, organisation in zip(users, organisations, strict=True)
    )
    return [
        (organisation, user.email, consultations._session_cookie(user))
        for user, organisation in zip(users, organisations, strict=True)
    ]


class Form:
    """One representative's form, fetched, and its POST ready to go."""

    def __init__(self, email: str, path: str, cookies: dict, body: bytes, content_type: str):
        self.email, self.path, self.cookies = email, path, cookies
        self.body, self.content_type = body, content_type
        self.result: dict = {}

    def post(self, port: int, due: float) -> None:
        import http.client

        connection = http.client.HTTPConnection(servers.HOST, port, timeout=120)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            headers = {"Cookie": cookie, "Content-Type": self.content_type}
            connection.request("POST", self.path, body=self.body, headers=headers)
            response = connection.getresponse()
            response.read()
            self.result = {"status": response.status, "seconds": time.monotonic() - due}
        except Exception as error:  # counted, never raised: the run goes on
            self.result = {"error": f"{type(error).__name__}: {error}"}
        finally:
            connection.close()


def prepare(port, round, question, people, pdf) -> list[Form]:
    """Every representative's form fetched (its CSRF token and base hash), two at a time."""

    def fetch(person) -> Form:
        organisation, email, cookie = person
        submitter = consultations.Submitter(port, round, question, organisation, cookie, pdf)
        body, content_type = submitter._prepare()
        return Form(email, submitter.path, submitter.cookies, body, content_type)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(fetch, people))


def steady(port: int, rate: int, forms: list[Form], sink, groups: dict) -> dict:
    """A POST due every 1/rate seconds, each in a thread of its own (open loop)."""
    sink.ask("reset")
    cpu_before = servers.cpu_seconds(groups)
    load_before = os.getloadavg()[0]
    threads = []
    started = time.monotonic()
    for n, form in enumerate(forms):
        due = started + n / rate
        time.sleep(max(0.0, due - time.monotonic()))
        thread = threading.Thread(target=form.post, args=(port, due), daemon=True)
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join(timeout=180)
    posts_seconds = time.monotonic() - started
    cpu_posts = servers.cpu_seconds(groups)
    receipts = _wait_for_receipts(sink, [f.email for f in forms])
    cpu_receipts = servers.cpu_seconds(groups)
    seconds = sorted(f.result["seconds"] for f in forms if "seconds" in f.result)
    errors = [f.result for f in forms if f.result.get("status") not in (302, 303)]
    n = len(forms)
    return {
        "rate": rate,
        "posts": n,
        "answered": len(seconds),
        "errors": len(errors),
        "error_examples": errors[:3],
        "p50_ms": _percentile(seconds, 0.50) * 1000,
        "p95_ms": _percentile(seconds, 0.95) * 1000,
        "max_ms": (seconds[-1] if seconds else 0) * 1000,
        "achieved_per_second": n / posts_seconds if posts_seconds else 0,
        "web_cpu_ms": (cpu_posts["gunicorn"] - cpu_before["gunicorn"]) / n * 1000,
        "worker_cpu_ms": (cpu_receipts["worker"] - cpu_before["worker"]) / n * 1000,
        "machine_cpu_share": (cpu_posts["machine"] - cpu_before["machine"])
        / ((os.cpu_count() or 1) * posts_seconds),
        "receipts": receipts["receipts"],
        "receipts_seconds": receipts["seconds"],
        "load_average": f"{load_before:.2f} → {os.getloadavg()[0]:.2f}",
    }


def _wait_for_receipts(sink, emails: list[str]) -> dict:
    expected = {e.lower() for e in emails}
    started = time.monotonic()
    got = 0
    while time.monotonic() - started < RECEIPTS_TIMEOUT:
        per_recipient = sink.ask("recipients")
        got = sum(1 for address in per_recipient if address in expected)
        if got >= len(expected):
            break
        time.sleep(0.2)
    return {"receipts": got, "seconds": time.monotonic() - started}


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of them at or below it."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(1, math.ceil(share * len(sorted_values))) - 1]


def knee(results: list[dict]) -> dict | None:
    """The first rate whose p95 is over KNEE_FACTOR times the slowest rate's, or that has
    errors or falls behind (fewer answered than sent); and the rate before it."""
    if not results:
        return None
    calm = results[0]["p95_ms"]
    for before, r in zip([None, *results], results, strict=False):
        if r["p95_ms"] > KNEE_FACTOR * calm or r["errors"] or r["answered"] < r["posts"]:
            return {"above": r["rate"], "below": before["rate"] if before else None}
    return {"above": None, "below": results[-1]["rate"]}


def count_queries(round, question, pdf) -> int | None:
    """The queries of one submission, counted in-process with Django's test client (the
    task's work queued on commit, not run)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    organisation, _email, cookie = representatives(1, "q" + secrets.token_hex(3))[0]
    client = Client(HTTP_HOST=servers.HOST)
    name, value = cookie.split("=", 1)
    client.cookies[name] = value
    path = f"/samrad/{round.slug}/svara/organisation/{organisation.slug}/"
    page = client.get(path)
    if page.status_code != 200:
        return None
    import re

    html = page.content.decode()
    base = re.search(rf'name="base{question.pk}" value="([^"]*)"', html)
    data = {
        f"q{question.pk}": "Synpunkter: förslaget är bra.",
        f"base{question.pk}": base.group(1) if base else "",
        "consent_to_publish": "on",
        "submit": "1",
    }
    from django.core.files.uploadedfile import SimpleUploadedFile

    data["attachment"] = SimpleUploadedFile("yttrande.pdf", pdf, "application/pdf")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(path, data)
    return len(queries) if response.status_code in (302, 303) else None


# --- The report -------------------------------------------------------------------------------


def section(figures: dict | None) -> list[str]:
    if not figures:
        return []
    k = figures.get("knee") or {}
    if k.get("above") is None:
        knee_text = f"no knee up to {k.get('below')} a second"
    elif k.get("below") is None:
        knee_text = f"at or below {k['above']} a second already"
    else:
        knee_text = f"between {k['below']} and {k['above']} a second"
    lines = [
        HEADING,
        "",
        "One open round; at each rate, for "
        f"{figures['rate_seconds']} s, a representative's POST starts every 1/rate seconds "
        "whether the earlier ones were answered or not (open loop), multipart with the "
        f"required text answer and a {figures['attachment_bytes'] // 1024} KiB PDF; gunicorn "
        f"with {figures['gunicorn_workers']} sync workers, a real Celery worker "
        f"(-c {figures['celery_concurrency']}) rendering each receipt's PDF and sending it to "
        "a local SMTP server, all on this machine "
        f"({figures['cores']} cores). Latency runs from when a POST was due to its answer. "
        "CPU per submission: user + system time of the gunicorn processes while the rate's "
        "POSTs ran, and of the Celery worker and its pool until the rate's last receipt "
        "arrived, each divided by the submissions (bench/submission.py).",
        "",
        "| Rate /s | POSTs | Errors | p50 ms | p95 ms | max ms | Achieved /s "
        "| Web CPU ms/submission | Worker CPU ms/submission | Machine busy | Receipts "
        "| Load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in figures["rates"]:
        lines.append(
            f"| {r['rate']} | {r['posts']} | {r['errors']} | {r['p50_ms']:,.0f} "
            f"| {r['p95_ms']:,.0f} | {r['max_ms']:,.0f} | {r['achieved_per_second']:.1f} "
            f"| {r['web_cpu_ms']:.0f} | {r['worker_cpu_ms']:.0f} "
            f"| {r['machine_cpu_share']:.0%} | {r['receipts']} of {r['posts']} "
            f"| {r['load_average']} |"
        )
    target = next((r for r in figures["rates"] if r["rate"] == P95_TARGET_RATE), None)
    met = target is not None and target["p95_ms"] < P95_TARGET_MS and not target["errors"]
    lines += [
        "",
        f"The knee (p95 over {KNEE_FACTOR} × the slowest rate's, or errors): {knee_text}. "
        f"Target (issue 23): p95 under {P95_TARGET_MS} ms at {P95_TARGET_RATE} a second: "
        + (
            ("met" if met else f"not met ({target['p95_ms']:,.0f} ms)")
            if target
            else "not measured"
        )
        + f". Queries of one submission: {figures.get('queries_per_post') or '?'} "
        "(target ≤ 25). Submitted in all: "
        f"{figures['submitted']}, distinct registration numbers {figures['distinct_numbers']}, "
        "the series "
        + ("without gaps" if figures.get("series_without_gaps") else "with gaps or unchecked")
        + ".",
        "",
    ]
    examples = [e for r in figures["rates"] for e in r["error_examples"]][:3]
    if examples:
        lines += ["Errors, for example: " + "; ".join(json.dumps(e) for e in examples), ""]
    return lines


if __name__ == "__main__":
    main(sys.argv[1])
