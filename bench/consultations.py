# ruff: noqa: S603 - every command here is built from constants, none from input.
"""The consultations under the stopwatch: the export of a round's responses, and the helpers
bench/submission.py submits with. Run by run.py with the bench's settings, in a process of
its own:

    python -m bench.consultations export OUT.json
        Every response of the volume's biggest round as XLSX, built by
        kulturportal.background_exports.build as the worker builds it, in a fresh child
        process (`export-build`) whose peak RSS (getrusage ru_maxrss) is read after the build;
        then the file is opened with openpyxl (read-only) and its rows counted.

Writes its figures as JSON. Files go to var/bench/media, never to var/media.
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
import time
from pathlib import Path

import django

from bench.pages import biggest_round

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
MEDIA = WORK / "media"
HOST = "127.0.0.1"
OFFICIAL = "handlaggare@example.se"
ATTACHMENT_BYTES = 5 * 1024 * 1024
NUMBER = re.compile(r"diarienummer ([A-Z]+ \d{4}/\d{4,})")


def main(command: str, out_path: str, *args: str) -> None:
    # A plain kill stops gunicorn, the worker and the servers too, as Ctrl-C does.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    figures = {"export": export, "export-build": export_build}[command](*args)
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


# --- Submitting (bench/submission.py) ---------------------------------------------------------


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


def _session_cookie(user) -> str:
    """A logged-in session made directly: the login form allows 30 logins a minute from
    one address (ACCOUNT_RATE_LIMITS), and hundreds of people log in from 127.0.0.1 here."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


class Submitter:
    """One organisation's representative: fetches the response form (the CSRF token, the
    base hashes) and makes the POST that submits it, with the PDF in `attachment`."""

    def __init__(self, port, round, question, organisation, cookie, pdf):
        self.port, self.question, self.pdf = port, question, pdf
        self.path = f"/samrad/{round.slug}/svara/organisation/{organisation.slug}/"
        self.cookies = dict([cookie.split("=", 1)])
        self.result: dict = {"organisation": organisation.slug}

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
