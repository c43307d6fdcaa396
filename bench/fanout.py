# ruff: noqa: S603 - every command here is built from constants, none from input.
"""Invitations end to end: 5,000 pasted addresses, a real Celery worker, a local SMTP server.

Run by run.py as `python -m bench.fanout OUT.json` with the bench's settings and the last
scale's database. In order:

1. a redis-server of its own on a free port, the broker (a shared Redis database may be some
   other run's broker: its queue is no place for ours, nor ours to empty);
2. an SMTP server (bench/smtpsink.py) in a process of its own, which counts per recipient;
3. `celery -A kulturportal worker -c 2` against the same database, Redis and SMTP server;
4. a draft meeting whose audience is the addresses, pasted (an "emails" audience rule), and
   `forums.services.schedule_and_invite`, timed from the call to the last message received;
5. the baseline, with the worker stopped: plain smtplib sends the same rendered messages
   (built from the outbox rows as the worker builds them) over one connection;
6. ten killed workers: each time a sending of 400 is begun and its worker killed outright at
   a random point, then the sweeps run as ten minutes later with a fresh worker, and the
   SMTP server counts what went twice and what never went.

Writes the figures as JSON. The worker and the servers are stopped however the run ends: on
return, on an error, on SIGTERM or SIGHUP; and should this process be killed outright, they
get SIGTERM from the kernel (PR_SET_PDEATHSIG).
"""

import contextlib
import ctypes
import json
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
WORK = ROOT / "var" / "bench"
COUNT = int(os.environ.get("BENCH_FANOUT", "5000"))
CONCURRENCY = 2
DOMAIN = "utskick.example.se"
STALL_SECONDS = 60  # no message for this long: the run is given up, and says so
LAST_WORD_SECONDS = 3  # after the last expected message: time for a duplicate to arrive
PR_SET_PDEATHSIG = 1
KILLS = int(os.environ.get("BENCH_KILLS", "10"))  # workers killed mid-send, one at a time
KILL_COUNT = 400  # invitations of each killed sending


def main(out_path: str) -> None:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    with redis_server() as redis_url, smtp_sink() as sink:
        os.environ["REDIS_URL"] = redis_url  # the broker, and this process's cache
        os.environ["EMAIL_URL"] = f"smtp://{HOST}:{sink.port}"
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        django.setup()
        meeting, addresses = _meeting(COUNT, DOMAIN)
        with celery_worker():
            figures = fan_out(meeting, addresses, sink)
        figures["baseline"] = baseline(figures.pop("email_ids"), sink)
        figures["kills"] = [kill_and_recover(n, sink) for n in range(KILLS)]
    rate, base = figures["emails_per_second"], figures["baseline"]["messages_per_second"]
    figures["ratio"] = rate / base if base else 0
    Path(out_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


# --- Redis, the SMTP server and the worker ---------------------------------------------------


@contextlib.contextmanager
def redis_server():
    """A redis-server of our own, on a free port, kept in memory only; yields its URL."""
    import redis

    port = _free_port()
    with (WORK / "fanout-redis.log").open("w") as log:
        process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(port), "--bind", HOST),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
                *("--dir", str(WORK)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        try:
            client = redis.Redis(host=HOST, port=port, socket_connect_timeout=0.5)
            deadline = time.monotonic() + 10
            while not _pings(client):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start; see {WORK}/fanout-redis.log")
                time.sleep(0.05)
            client.close()
            yield f"redis://{HOST}:{port}/0"
        finally:
            process.terminate()
            _wait_or_kill(process, timeout=10)


def _pings(client) -> bool:
    import redis

    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Sink:
    def __init__(self, process: subprocess.Popen):
        self.process = process
        self.port = self._read()["port"]

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the SMTP server stopped; see {WORK}/fanout-smtp.log")
        return json.loads(line)


@contextlib.contextmanager
def smtp_sink():
    with (WORK / "fanout-smtp.log").open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bench.smtpsink"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            preexec_fn=_die_with_parent,
        )
        try:
            yield Sink(process)
        finally:
            process.stdin.close()  # the server's signal to stop
            _wait_or_kill(process, timeout=10)


@contextlib.contextmanager
def celery_worker():
    """The worker as production runs it, with the concurrency under test; ready when it
    answers a ping, and stopped (warm shutdown, then SIGKILL to its group) however it ends."""
    from kulturportal.celery import app

    name = f"fanout-{uuid.uuid4().hex[:8]}@localhost"
    celery = Path(sys.executable).with_name("celery")
    command = [str(celery)] if celery.exists() else [sys.executable, "-m", "celery"]
    with (WORK / "fanout-worker.log").open("w") as log:
        process = subprocess.Popen(
            [
                *command,
                *("-A", "kulturportal", "worker", "-c", str(CONCURRENCY), "-n", name),
                *("--pool", "prefork", "--loglevel", "WARNING"),
                *("--without-mingle", "--without-gossip", "--without-heartbeat"),
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: one killpg ends the pool too
            preexec_fn=_die_with_parent,
        )
        try:
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[name], timeout=0.5):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the worker did not start; see {WORK}/fanout-worker.log")
            yield process
        finally:
            # SIGTERM to the main process only: a warm shutdown lets the pool finish its tasks.
            process.terminate()
            _wait_or_kill(process, timeout=20, group=True)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when this process dies, whatever kills it."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_or_kill(process: subprocess.Popen, *, timeout: float, group: bool = False) -> None:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
        process.wait()
    if group:  # pool processes left behind by a dead parent
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


# --- The run --------------------------------------------------------------------------------


def _meeting(count: int, domain: str):
    from django.utils import timezone

    from forums.models import Audience, AudienceRule, ForumType, Meeting
    from kulturportal.models import User

    start = (timezone.localtime() + timedelta(days=30)).replace(hour=13, minute=0, second=0)
    meeting = Meeting.objects.create(
        title="Årlig kulturpolitisk överläggning (belastningsprov)",
        forum_type=ForumType.ANNUAL,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place="Malmö Live, Dag Hammarskjölds torg 4, Malmö",
        is_public=False,
        organiser=User.objects.get(email="handlaggare@example.se"),
    )
    addresses = [f"mottagare{n:05}@{domain}" for n in range(1, count + 1)]
    AudienceRule.objects.create(meeting=meeting, kind=Audience.EMAILS, emails="\n".join(addresses))
    return meeting, addresses


def fan_out(meeting, addresses: list[str], sink: Sink) -> dict:
    from forums import services
    from kulturportal.models import OutgoingEmail

    # As the send page's GET does in the same web worker just before: the official sees who
    # the meeting reaches, then sends. The POST is timed, warm as a web worker is.
    services.resolve_audience(meeting)
    sink.ask("reset")
    started = time.time()
    sent = services.schedule_and_invite(
        meeting=meeting, actor=None
    )  # commits, then hands over to Celery
    returned = time.time()
    received = _wait_for(sink, sent)
    time.sleep(LAST_WORD_SECONDS)
    per_recipient = sink.ask("recipients")
    stats = sink.ask("stats")
    last = received["last"] or returned
    ids = list(meeting.invitations.values_list("last_email", flat=True))
    statuses = Counter(OutgoingEmail.objects.filter(pk__in=ids).values_list("status", flat=True))
    expected = Counter(addresses)
    return {
        "invitations": sent,
        "concurrency": CONCURRENCY,
        "send_call_seconds": returned - started,
        "total_seconds": last - started,
        "emails_per_second": received["messages"] / (last - started),
        "received": stats["messages"],
        "gave_up": received["gave_up"],
        "exactly_once": per_recipient == expected,
        "duplicates": sum(n - 1 for n in per_recipient.values() if n > 1),
        "missing": sum(1 for address in expected if address not in per_recipient),
        "strangers": sum(1 for address in per_recipient if address not in expected),
        "outbox": dict(statuses),
        "email_ids": ids,
    }


def _wait_for(sink: Sink, count: int) -> dict:
    """Until count messages have arrived, or none has for STALL_SECONDS."""
    seen, progress_at = -1, time.monotonic()
    while True:
        stats = sink.ask("stats")
        if stats["messages"] >= count:
            return {**stats, "gave_up": False}
        if stats["messages"] != seen:
            seen, progress_at = stats["messages"], time.monotonic()
        elif time.monotonic() - progress_at > STALL_SECONDS:
            return {**stats, "gave_up": True}
        time.sleep(0.05)


def kill_and_recover(n: int, sink: Sink) -> dict:
    """A worker killed outright (SIGKILL to it and its pool, as the OOM killer or a lost
    machine would) in the middle of a sending, at a moment that falls where it falls;
    then the sweeps as they run ten minutes later, and a fresh worker. Counts, at the
    SMTP server, the e-mails that went twice and those that never went."""
    import random

    from forums import services
    from kulturportal import emails
    from kulturportal.models import OutgoingEmail

    meeting, addresses = _meeting(KILL_COUNT, f"avbrott{n}.example.se")
    sink.ask("reset")
    kill_at = random.randint(KILL_COUNT // 8, KILL_COUNT * 7 // 8)  # noqa: S311 - not secret
    with celery_worker() as worker:
        services.schedule_and_invite(meeting=meeting, actor=None)
        while sink.ask("stats")["messages"] < kill_at:
            time.sleep(0.001)
        # Not the instant a message arrives (that is the window itself): any moment of the
        # next several e-mails' sending, as a real kill would fall.
        time.sleep(random.uniform(0, 0.05))  # noqa: S311
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    before = sink.ask("stats")["messages"]
    rows = OutgoingEmail.objects.filter(to__endswith=f"@avbrott{n}.example.se")
    claimed = rows.filter(status=OutgoingEmail.Status.SENDING).count()
    _ten_minutes_later(meeting, rows)
    with celery_worker():
        emails.dispatch_due()  # the claims left behind, and what was stored but not sent
        services.send_overdue()  # the invitees whose task the dead worker had reserved
        received = _wait_for(sink, KILL_COUNT)
        time.sleep(LAST_WORD_SECONDS)
    per_recipient = sink.ask("recipients")
    return {
        "kill_at": kill_at,
        "received_before_kill": before,
        "claimed_at_kill": claimed,
        "duplicates": sum(count - 1 for count in per_recipient.values() if count > 1),
        "missing": sum(1 for address in addresses if address not in per_recipient),
        "gave_up": received["gave_up"],
    }


def _ten_minutes_later(meeting, rows) -> None:
    """As the clock will read when the sweeps take over: the dead worker's claims are
    stale (STALE_CLAIM_AFTER) and the invitees its reserved tasks held are overdue."""
    from django.db.models import F

    from forums import services
    from kulturportal import emails

    rows.filter(claimed_at__isnull=False).update(
        claimed_at=F("claimed_at") - emails.STALE_CLAIM_AFTER - timedelta(minutes=1)
    )
    meeting.invitations.filter(send_pending=True).update(
        updated_at=F("updated_at") - services.PENDING_GRACE - timedelta(minutes=1)
    )


def baseline(email_ids: list[int], sink: Sink) -> dict:
    """The same messages, rendered as the worker renders them, over one plain connection."""
    from django.conf import settings

    from kulturportal.emails import _build_message
    from kulturportal.models import OutgoingEmail

    rows = OutgoingEmail.objects.filter(pk__in=email_ids).order_by("pk")
    messages = [(row.to, _build_message(row).message()) for row in rows]
    sink.ask("reset")
    started = time.time()
    with smtplib.SMTP(HOST, settings.EMAIL_PORT, timeout=30) as smtp:
        for to, message in messages:
            # As Django's SMTP backend does it: flattened with CRLF, then sendmail.
            smtp.sendmail(settings.DEFAULT_FROM_EMAIL, [to], message.as_bytes(linesep="\r\n"))
    finished = time.time()
    received = sink.ask("stats")["messages"]
    return {
        "messages": received,
        "seconds": finished - started,
        "messages_per_second": received / (finished - started),
    }


if __name__ == "__main__":
    main(sys.argv[1])
