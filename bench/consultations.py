# ruff: noqa: S603 - every command here is built from constants, none from input.
"""The consultations under the stopwatch: the export of a round's responses, and the
deadline day. Run by run.py with the bench's settings, each in a process of its own:

    python -m bench.consultations export OUT.json
        Every response of the volume's biggest round as XLSX, built by
        kulturportal.background_exports.build as the worker builds it, in a fresh child
        process (`export-build`) whose peak RSS (getrusage ru_maxrss) is read after the build;
        then the file is opened with openpyxl (read-only) and its rows counted.

    python -m bench.consultations deadline OUT.json
        DEADLINE organisations (50), each with one representative, submit an open round's
        form at once, each with a 5 MB PDF, against gunicorn (several workers), PostgreSQL, a
        real Celery worker (which renders the receipts' PDFs) and an SMTP server that counts
        the receipts (bench/fanout.py's Redis, worker and server).

Both write their figures as JSON. Files go to var/bench/media, never to var/media.
"""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import django

from bench import servers
from bench.pages import biggest_round

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
MEDIA = WORK / "media"
HOST = "127.0.0.1"
OFFICIAL = "handlaggare@example.se"
DEADLINE = int(os.environ.get("BENCH_DEADLINE", "50"))  # organisations submitting at once
ALONE = 8  # submitted one at a time before the rush: twice gunicorn's workers
DEADLINE_WORKERS = int(os.environ.get("BENCH_DEADLINE_WORKERS", "4"))  # gunicorn's
ATTACHMENT_BYTES = 5 * 1024 * 1024
RECEIPTS_TIMEOUT = 180  # seconds to wait for the last receipt at the SMTP server
LAST_WORD_SECONDS = 3  # after the last expected receipt: time for a duplicate to arrive
DEADLINE_DOMAIN = "sista-svarsdag.example.se"
NUMBER = re.compile(r"diarienummer ([A-Z]+ \d{4}/\d{4,})")


def main(command: str, out_path: str, *args: str) -> None:
    # A plain kill stops gunicorn, the worker and the servers too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    figures = {"export": export, "export-build": export_build, "deadline": deadline}[command](*args)
    Path(out_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


def _setup() -> None:
    os.environ["MEDIA_ROOT"] = str(MEDIA)
    django.setup()


# --- The export -------------------------------------------------------------------------------


def export() -> dict:
    """An ExportFile as the view makes it (the list's filters, none set), built in a child
    process; then the file read back."""
    _setup()
    from consultations.exporting import EXPORT_NAME, export_filename
    from consultations.filters import filtered_responses
    from kulturportal.models import ExportFile, User

    round = biggest_round()
    # What responses_export passes when no filter is set: the bound form's cleaned data.
    form, _responses = filtered_responses(round, {"csrfmiddlewaretoken": "-"})
    filters = form.cleaned_data if form.is_valid() else {}
    row = ExportFile.objects.create(
        token=secrets.token_urlsafe(32),
        requested_by=User.objects.get(email=OFFICIAL),
        builder=EXPORT_NAME,
        params={"round": round.pk, "filters": filters},
        format="xlsx",
        filename=export_filename(round, "xlsx"),
        title=f"Svar på {round.title}",
    )
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [sys.executable, "-m", "bench.consultations", "export-build", out.name, str(row.pk)],
            cwd=ROOT,
            env=os.environ.copy(),
            check=True,
        )
        figures = json.loads(Path(out.name).read_text(encoding="utf-8"))
    row.refresh_from_db()
    figures.update(
        {
            "round": round.slug,
            "responses": round.n,
            "status": row.status,
            "error": row.error,
            "rows_done": row.rows_done,
        }
    )
    if row.status == ExportFile.Status.DONE:
        figures.update(_read_back(row))
        row.file.storage.delete(row.file.name)
    row.delete()
    return figures


def export_build(export_id: str) -> dict:
    """In a fresh process: the build, as kulturportal.background_exports.build_export runs it."""
    import resource

    _setup()
    from kulturportal import background_exports

    before = _rss_kib()
    started = time.monotonic()
    background_exports.build(int(export_id))
    seconds = time.monotonic() - started
    return {
        "seconds": seconds,
        "rss_before_kib": before,
        # Linux gives ru_maxrss in KiB.
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "vm_hwm_kib": _status_kib("VmHWM"),
    }


def _rss_kib() -> int:
    return _status_kib("VmRSS")


def _status_kib(name: str) -> int:
    status = Path("/proc/self/status").read_text(encoding="utf-8")
    return int(re.search(rf"^{name}:\s+(\d+) kB", status, re.MULTILINE).group(1))


def _read_back(row) -> dict:
    from openpyxl import load_workbook

    started = time.monotonic()
    with row.file.open("rb") as stored:
        workbook = load_workbook(stored, read_only=True)
        sheet = workbook.worksheets[0]
        rows = sum(1 for _values in sheet.iter_rows(values_only=True))
        workbook.close()
    return {
        "file_bytes": row.file.size,
        "xlsx_rows": rows - 1,  # the header
        "read_seconds": time.monotonic() - started,
    }


# --- The deadline day -------------------------------------------------------------------------


def deadline() -> dict:
    from bench import fanout

    with fanout.redis_server() as redis_url, fanout.smtp_sink() as sink:
        os.environ["REDIS_URL"] = redis_url  # the broker, the cache, the worker's and ours
        os.environ["EMAIL_URL"] = f"smtp://{HOST}:{sink.port}"
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        os.environ.pop("PDF_RENDER_IN_THREAD", None)
        _setup()
        suffix = secrets.token_hex(3)
        # ALONE organisations one after the other first, in a round of their own (its own
        # number series): one submission with the machine otherwise idle, and every
        # gunicorn worker warm (the first POST in a worker loads Celery's client, say).
        alone_round, alone_question = _round(f"bench-ensam-{suffix}", "PROV")
        alone = _organisations(ALONE, f"ensam-{suffix}")
        round, question = _round(f"bench-sista-svarsdag-{suffix}", "KN")
        people = _organisations(DEADLINE, suffix)
        pdf = attachment_pdf(ATTACHMENT_BYTES)
        with fanout.celery_worker() as worker, _gunicorn() as port:
            sink.ask("reset")
            singles = [
                _submit_all(port, alone_round, alone_question, [person], pdf) for person in alone
            ]
            _wait_for_receipts(sink, alone, singles[0]["started"])  # the worker idle again
            sink.ask("reset")
            groups = {"gunicorn": _gunicorn_pids(port), "worker": worker.pid}
            cpu = {}
            figures = _submit_all(
                port,
                round,
                question,
                people,
                pdf,
                before=lambda: cpu.update(before=_cpu_seconds(groups)),
                after=lambda: cpu.update(posts=_cpu_seconds(groups)),
            )
            figures.update(_wait_for_receipts(sink, people, figures["started"]))
            cpu["receipts"] = _cpu_seconds(groups)
    figures.update(_numbers(round))
    figures.update(
        {
            "organisations": len(people),
            "attachment_bytes": len(pdf),
            "gunicorn_workers": DEADLINE_WORKERS,
            "celery_concurrency": fanout.CONCURRENCY,
            "cores": os.cpu_count(),
            "alone": len(alone),
            "alone_ms": sorted(one["p50_ms"] for one in singles),
            "alone_errors": sum(one["errors"] for one in singles),
            "cpu_during_posts": {k: cpu["posts"][k] - v for k, v in cpu["before"].items()},
            "cpu_until_receipts": {k: cpu["receipts"][k] - v for k, v in cpu["before"].items()},
        }
    )
    figures.pop("started")
    _remove_files(round)
    _remove_files(alone_round)
    return figures


def _gunicorn():
    return servers.gunicorn(os.environ.copy(), "deadline", workers=DEADLINE_WORKERS)


def _gunicorn_pids(port: int) -> set[int]:
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


def _cpu_seconds(groups: dict) -> dict[str, float]:
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


def attachment_pdf(size: int) -> bytes:
    """A valid one-page PDF of exactly `size` bytes: the padding is a content stream of
    spaces, and the cross-reference table points at every object."""
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    fixed = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
    ]

    def build(padding: int) -> bytes:
        body = bytearray(head)
        offsets = []
        for number, content in enumerate(fixed, start=1):
            offsets.append(len(body))
            body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
        offsets.append(len(body))
        stream = b" " * padding
        body += b"4 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n" % (
            len(stream),
            stream,
        )
        xref = len(body)
        body += b"xref\n0 5\n0000000000 65535 f \n"
        body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        body += b"trailer\n<</Size 5/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(body)

    padding = size - len(build(0))
    while len(pdf := build(padding)) != size:  # the lengths' digits grow with the padding
        padding += size - len(pdf)
    return pdf


def _round(slug: str, prefix: str):
    """An open round closing within the hour, with a required text question and a file
    question (not required: the PDF goes in the form's own `attachment` field)."""
    from datetime import timedelta

    from django.utils import timezone

    from consultations import services
    from consultations.models import Group, Question, Round
    from kulturportal.models import User

    now = timezone.now()
    official = User.objects.get(email=OFFICIAL)
    round = services.create_round(
        round=Round(
            kind=Round.Kind.CONSULTATION,
            title="Samråd på sista svarsdagen (belastningsprov)",
            slug=slug,
            description="Belastningsprov: alla svarar samtidigt.",
            opens_at=now - timedelta(days=30),
            closes_at=now + timedelta(hours=1),
            groups=[Group.CIVIL_SOCIETY],
            registration_prefix=prefix,
        ),
        actor=official,
    )
    text = services.save_question(
        question=Question(
            round=round,
            position=1,
            text="Vilka synpunkter har ni på förslaget?",
            kind=Question.Kind.TEXT,
            required=True,
        ),
        actor=official,
    )
    services.save_question(
        question=Question(
            round=round, position=2, text="Bifoga ert yttrande", kind=Question.Kind.FILE
        ),
        actor=official,
    )
    return round, text


def _organisations(count: int, suffix: str) -> list[tuple]:
    """Organisations with one representative each, logged in: (organisation, user, cookie)."""
    from datetime import timedelta

    from django.utils import timezone

    from kulturportal.models import Organisation, OrganisationKind, Role, RoleAssignment, User

    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Belastningsföreningen {n:02d} ({suffix})",
            slug=f"belastningsforeningen-{n:02d}-{suffix}",
            kind=OrganisationKind.CIVIL_SOCIETY,
            email=f"forening{n:02d}-{suffix}@{DEADLINE_DOMAIN}",
        )
        for n in range(1, count + 1)
    )
    people = []
    for n, organisation in enumerate(organisations, start=1):
        user = User.objects.create_user(
            f"ombud{n:02d}-{suffix}@{DEADLINE_DOMAIN}",
            secrets.token_urlsafe(16),
            first_name="Ombud",
            last_name=f"{n:02d}",
        )
        RoleAssignment.objects.create(
            user=user,
            role=Role.ORGANISATION_REPRESENTATIVE,
            organisation=organisation,
            starts_on=timezone.localdate() - timedelta(days=1),
        )
        people.append((organisation, user, _session_cookie(user)))
    return people


def _session_cookie(user) -> str:
    """A logged-in session made directly: the login form allows 30 logins a minute from
    one address (ACCOUNT_RATE_LIMITS), and 50 people log in from 127.0.0.1 here."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Submitter(threading.Thread):
    """One organisation: GET the form, wait for the others, POST it; once every POST is
    answered, GET the page the redirect leads to and read the registration number there
    (afterwards, so that those GETs do not weigh on the POSTs still running)."""

    def __init__(self, port, round, question, organisation, cookie, pdf, barriers):
        super().__init__(daemon=True)
        self.port, self.question, self.pdf = port, question, pdf
        self.ready, self.done = barriers
        self.path = f"/samrad/{round.slug}/svara/organisation/{organisation.slug}/"
        self.cookies = dict([cookie.split("=", 1)])
        self.result: dict = {"organisation": organisation.slug}

    def run(self) -> None:
        body = content_type = None
        try:
            body, content_type = self._prepare()
        except Exception as error:  # still meet the others at the barriers
            self.result["error"] = f"GET: {type(error).__name__}: {error}"
        self.ready.wait()
        try:
            if body is not None:
                self._post(body, content_type)
        except Exception as error:
            self.result["error"] = f"POST: {type(error).__name__}: {error}"
        self.done.wait()
        try:
            if self.result.get("status") in (302, 303):
                page, content = self._request("GET")
                found = NUMBER.search(content.decode()) if page.status == 200 else None
                self.result["number"] = found.group(1) if found else None
        except Exception as error:
            self.result["error"] = f"GET after: {type(error).__name__}: {error}"

    def _request(self, method: str, body=None, headers=None, timeout: float = 60):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            connection.request(
                method, self.path, body=body, headers={"Cookie": cookie, **(headers or {})}
            )
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, rest = value.split("=", 1)
                    self.cookies[name] = rest.split(";", 1)[0]
            return response, content
        finally:
            connection.close()

    def _prepare(self) -> tuple[bytes, str]:
        response, content = self._request("GET")
        if response.status != 200:
            raise RuntimeError(f"the form answered {response.status}")
        html = content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        pk = self.question.pk
        base = re.search(rf'name="base{pk}" value="([^"]*)"', html).group(1)
        fields = {
            "csrfmiddlewaretoken": token,
            f"q{pk}": f"Synpunkter från {self.result['organisation']}: förslaget är bra.",
            f"base{pk}": base,
            "consent_to_publish": "on",
            "submit": "1",
        }
        return _multipart(fields, ("attachment", "yttrande.pdf", self.pdf))

    def _post(self, body: bytes, content_type: str) -> None:
        started = time.monotonic()
        self.result["started"] = time.time()
        response, _content = self._request(
            "POST", body=body, headers={"Content-Type": content_type}, timeout=120
        )
        self.result["seconds"] = time.monotonic() - started
        self.result["status"] = response.status


def _multipart(fields: dict, file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = "----bench" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        disposition = f'Content-Disposition: form-data; name="{name}"'
        parts.append(f"--{boundary}\r\n{disposition}\r\n\r\n{value}\r\n".encode())
    name, filename, content = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
    )
    parts.append(content)
    parts.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _submit_all(port, round, question, people, pdf, *, before=None, after=None) -> dict:
    """Every organisation at once; before() runs as the POSTs start, after() once all are
    answered."""
    barriers = (
        threading.Barrier(len(people), action=before),
        threading.Barrier(len(people), action=after),
    )
    threads = [
        Submitter(port, round, question, organisation, cookie, pdf, barriers)
        for organisation, _user, cookie in people
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    results = [thread.result for thread in threads]
    seconds = sorted(r["seconds"] for r in results if "seconds" in r)
    errors = [
        r
        for r in results
        if r.get("error") or r.get("status") not in (302, 303) or not r.get("number")
    ]
    starts = [r["started"] for r in results if "started" in r]
    return {
        "started": min(starts) if starts else time.time(),
        "posts": len(seconds),
        "errors": len(errors),
        "error_examples": [
            {k: v for k, v in r.items() if k in ("organisation", "status", "error", "number")}
            for r in errors[:5]
        ],
        "statuses": _count(str(r.get("status", "none")) for r in results),
        "p50_ms": _percentile(seconds, 0.50) * 1000,
        "p95_ms": _percentile(seconds, 0.95) * 1000,
        "max_ms": (seconds[-1] if seconds else 0) * 1000,
        "all_posts_seconds": (
            max(r["started"] + r["seconds"] for r in results if "seconds" in r) - min(starts)
            if starts
            else 0
        ),
        "numbers_on_pages": sorted(r["number"] for r in results if r.get("number")),
    }


def _count(items) -> dict:
    counts: dict = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


def _percentile(sorted_values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of them at or below it."""
    if not sorted_values:
        return 0.0
    import math

    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def _wait_for_receipts(sink, people, started: float) -> dict:
    from kulturportal.models import OutgoingEmail

    expected = {user.email.lower() for _org, user, _cookie in people}
    deadline_at = time.monotonic() + RECEIPTS_TIMEOUT
    while time.monotonic() < deadline_at:
        stats = sink.ask("stats")
        if stats["messages"] >= len(expected):
            break
        time.sleep(0.2)
    time.sleep(LAST_WORD_SECONDS)
    stats = sink.ask("stats")
    per_recipient = sink.ask("recipients")
    receipts = OutgoingEmail.objects.filter(to__in=[u.email for _o, u, _c in people])
    return {
        "receipts": sum(n for address, n in per_recipient.items() if address in expected),
        "receipts_exactly_once": {a: n for a, n in per_recipient.items() if a in expected}
        == dict.fromkeys(expected, 1),
        "receipts_seconds": (stats["last"] - started) if stats["last"] else None,
        "receipts_gave_up": stats["messages"] < len(expected),
        "outbox": _count(receipts.values_list("status", flat=True)),
    }


def _numbers(round) -> dict:
    """The round's registration numbers from the database, and whether the year's whole
    series under the round's prefix is without gaps."""
    from consultations.models import Attachment, RegistrationSequence, Response

    numbers = list(
        Response.objects.filter(round=round)
        .exclude(registration_number=None)
        .values_list("registration_number", flat=True)
    )
    serials = sorted(int(n.rsplit("/", 1)[1]) for n in numbers)
    years = {n.split(" ", 1)[1].split("/", 1)[0] for n in numbers}
    series_ok = None
    if len(years) == 1:
        year = int(years.pop())
        prefix = f"{round.registration_prefix} {year}/"
        taken = sorted(
            int(n.rsplit("/", 1)[1])
            for n in Response.objects.filter(registration_number__startswith=prefix).values_list(
                "registration_number", flat=True
            )
        )
        last = RegistrationSequence.objects.get(prefix=round.registration_prefix, year=year).last
        series_ok = taken == list(range(1, last + 1))
    return {
        "submitted": Response.objects.filter(round=round, status=Response.Status.SUBMITTED).count(),
        "numbers": len(numbers),
        "distinct_numbers": len(set(numbers)),
        "consecutive": bool(serials) and serials == list(range(serials[0], serials[-1] + 1)),
        "series_without_gaps": series_ok,
        "first_number": min(numbers) if numbers else None,
        "last_number": max(numbers) if numbers else None,
        "attachments": Attachment.objects.filter(response__round=round).count(),
        "attachment_sizes_ok": not Attachment.objects.filter(response__round=round)
        .exclude(size=ATTACHMENT_BYTES)
        .exists(),
    }


def _remove_files(round) -> None:
    from consultations.models import Attachment

    for attachment in Attachment.objects.filter(response__round=round):
        attachment.file.storage.delete(attachment.file.name)


if __name__ == "__main__":
    main(*sys.argv[1:])
