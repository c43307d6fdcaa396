# ruff: noqa: S311 - random picks what people do and when, no secret.
"""A working day: many logged-in people on many pages, with pauses, some of them writing.

Run by run.py as `python -m bench.mixed OUT.json` with the bench's settings, in the last
scale's database, against gunicorn (2 sync workers) and, for the writes' e-mails and PDFs, a
real Celery worker (bench/fanout.py's Redis, worker and SMTP server). Each virtual person is a
thread with a session of their own (made directly: the login form allows 30 logins a minute
from one address), who repeatedly picks something to do by the weights below, does it, and
waits a random pause (exponential, BENCH_THINK_SECONDS on average, 2 s) before the next:

- regional officials: Min sida, the invitations they manage, a volume meeting's replies,
  the plan's completion board, a consultation round's responses;
- culture chiefs: Min sida, their municipality's priorities (and saving them as a draft,
  posting the form back as it stands), the plan, the meetings;
- organisation representatives (made for the run, one organisation each, with one open
  round): Min sida, the rounds, their response form (and saving a draft with a changed
  answer);
- chiefs and representatives also reply to a meeting through an invitation's personal link
  (GET the form, POST an answer).

BENCH_MIXED_PEOPLE (40) people for BENCH_MIXED_SECONDS (60 s). Each request's latency is
recorded under its page's name; an error is a socket error, a timeout, or any answer of 500
and above, or 4xx where none is expected (a refused write: 409 conflict, 400 invalid, is
counted apart as refused).
"""

import http.client
import json
import math
import os
import random
import re
import secrets
import signal
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench import consultations, fanout, servers, submission
from bench.pages import BIGGEST_ROUND, BUSIEST_MEETING, REGIONAL_OFFICIAL, resolve

HEADING = "## A working day: the mixed load"
PEOPLE = int(os.environ.get("BENCH_MIXED_PEOPLE", "40"))
SECONDS = int(os.environ.get("BENCH_MIXED_SECONDS", "60"))
THINK_SECONDS = float(os.environ.get("BENCH_THINK_SECONDS", "2"))
SHARES = {"official": 0.2, "chief": 0.3, "representative": 0.5}  # of the people
P95_TARGET_MS = 50
REFUSED = (400, 409)
COMPLETION_BOARD = "/kulturplan/2029-2032/hantera/inrapportering/"


def main(out_path: str) -> None:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    with fanout.redis_server() as redis_url, fanout.smtp_sink() as sink:
        os.environ["REDIS_URL"] = redis_url
        os.environ["EMAIL_URL"] = f"smtp://{servers.HOST}:{sink.port}"
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        os.environ.pop("PDF_RENDER_IN_THREAD", None)
        consultations._setup()
        cast = people(PEOPLE)
        with (
            fanout.celery_worker(),
            servers.gunicorn(os.environ.copy(), "mixed") as port,
        ):
            figures = day(port, cast)
    Path(out_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")


def _exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


# --- Who works today ----------------------------------------------------------------------------


def people(count: int) -> list[dict]:
    """The cast, each {kind, cookie, pages: [(weight, name, path, write)]}."""
    from django.db.models import Count

    from forums.models import Invitation
    from kulturportal.models import Role, RoleAssignment, User

    officials_n = max(1, round(count * SHARES["official"]))
    chiefs_n = max(1, round(count * SHARES["chief"]))
    reps_n = max(1, count - officials_n - chiefs_n)

    meetings = [
        m.pk for m in _volume_meetings().annotate(n=Count("invitations")).order_by("-n", "pk")[:20]
    ]
    rounds = [r.slug for r in _rounds().annotate(n=Count("responses")).order_by("-n", "slug")[:5]]
    busiest = resolve(f"/overlaggningar/{BUSIEST_MEETING}/svar/")
    biggest = resolve(f"/samrad/{BIGGEST_ROUND}/hantera/svar/")
    from django.utils import timezone

    upcoming = _volume_meetings().filter(starts_at__gt=timezone.now()).order_by("starts_at")
    open_meetings = [m for m in upcoming[:200] if m.is_open_for_replies()][:50]
    links = [
        i.reply_path()
        for i in Invitation.objects.filter(meeting__in=open_meetings).order_by("?")[:500]
    ]

    official_ids = list(
        RoleAssignment.objects.active()
        .filter(role=Role.REGIONAL_OFFICIAL)
        .values_list("user_id", flat=True)
        .distinct()
    )
    others = (
        User.objects.filter(pk__in=official_ids, is_active=True)
        .exclude(email=REGIONAL_OFFICIAL)
        .order_by("pk")
    )
    official_users = [User.objects.get(email=REGIONAL_OFFICIAL), *others[: officials_n - 1]]
    cast = []
    for user in official_users:
        pages = [
            (3, "/min-sida/ (official)", "/min-sida/", False),
            (2, "/hantera/inbjudningar/", "/hantera/inbjudningar/", False),
            (2, "the busiest meeting's replies", busiest, False),
            *[
                (1 / len(meetings), "a meeting's replies", f"/overlaggningar/{pk}/svar/", False)
                for pk in meetings
            ],
            (1, "the completion board", COMPLETION_BOARD, False),
            (1, "the biggest round's responses", biggest, False),
            *[
                (1 / len(rounds), "a round's responses", f"/samrad/{slug}/hantera/svar/", False)
                for slug in rounds
            ],
        ]
        cast.append({"kind": "official", "cookie": _cookie(user), "pages": pages})

    chiefs = list(
        RoleAssignment.objects.active()
        .filter(role=Role.CULTURE_CHIEF, municipality__isnull=False, user__is_active=True)
        .select_related("user", "municipality")
        .order_by("municipality__slug", "pk")
    )
    random.Random(23).shuffle(chiefs)
    for assignment in chiefs[:chiefs_n]:
        priorities = f"/kommuner/{assignment.municipality.slug}/prioriteringar/"
        pages = [
            (3, "/min-sida/ (chief)", "/min-sida/", False),
            (2, "a municipality's priorities", priorities, False),
            (1, "saving priorities (draft)", priorities, True),
            (1, "/kulturplan/2029-2032/", "/kulturplan/2029-2032/", False),
            (1, "/overlaggningar/", "/overlaggningar/", False),
            (1, "a meeting reply", "<link>", True),
        ]
        cast.append({"kind": "chief", "cookie": _cookie(assignment.user), "pages": pages})

    open_round, _question = consultations._round(f"bench-arbetsdag-{secrets.token_hex(3)}", "AD")
    for organisation, _email, cookie in submission.representatives(reps_n, secrets.token_hex(3)):
        form = f"/samrad/{open_round.slug}/svara/organisation/{organisation.slug}/"
        pages = [
            (3, "/min-sida/ (representative)", "/min-sida/", False),
            (1, "/samrad/", "/samrad/", False),
            (2, "a response form", form, False),
            (1, "saving a response draft", form, True),
            (1, "a meeting reply", "<link>", True),
        ]
        cast.append({"kind": "representative", "cookie": cookie, "pages": pages})
    for person in cast:
        person["links"] = links
    return cast


def _volume_meetings():
    from bench.pages import _volume_meetings

    return _volume_meetings()


def _rounds():
    from consultations.models import Round
    from consultations.volume import volume_rounds

    rounds = volume_rounds()
    return rounds if rounds.exists() else Round.objects.all()


def _cookie(user) -> str:
    return consultations._session_cookie(user)


# --- The day ------------------------------------------------------------------------------------


def day(port: int, cast: list[dict]) -> dict:
    records: list[tuple[str, float, int | str]] = []
    lock = threading.Lock()
    warm_up(port, cast)
    processes = {"gunicorn": servers.gunicorn_pids(port)}
    cpu_before = servers.cpu_seconds(processes)
    started = time.monotonic()
    ends = started + SECONDS
    load_before = os.getloadavg()[0]
    threads = [
        threading.Thread(
            target=Person(port, person, n, records, lock).work, args=(ends,), daemon=True
        )
        for n, person in enumerate(cast)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    seconds = time.monotonic() - started
    cpu = servers.cpu_seconds(processes)
    figures = summarise(records, seconds, cast, load_before)
    cores = os.cpu_count() or 1
    figures["gunicorn_cpu_share"] = (cpu["gunicorn"] - cpu_before["gunicorn"]) / (cores * seconds)
    figures["machine_cpu_share"] = (cpu["machine"] - cpu_before["machine"]) / (cores * seconds)
    return figures


def warm_up(port: int, cast: list[dict]) -> None:
    """Each kind of page fetched a few times before the clock starts, unrecorded: the first
    request in a gunicorn worker imports its views and compiles its templates."""
    seen = set()
    for n, person in enumerate(cast):
        someone = Person(port, person, n, [], threading.Lock())
        for _weight, name, path, write in person["pages"]:
            if write or path == "<link>" or (person["kind"], name) in seen:
                continue
            seen.add((person["kind"], name))
            for _ in range(3):
                someone.request("GET", path)
        if person["links"] and ("link", person["kind"]) not in seen:
            seen.add(("link", person["kind"]))
            for _ in range(3):
                someone.request("GET", person["links"][0], cookies=False)


class Person:
    def __init__(self, port: int, person: dict, n: int, records: list, lock):
        self.port, self.person, self.records, self.lock = port, person, records, lock
        self.random = random.Random(n)
        self.cookies = dict([person["cookie"].split("=", 1)])
        self.weights = [w for w, *_rest in person["pages"]]

    def work(self, ends: float) -> None:
        # Not everyone starts at nine sharp.
        time.sleep(self.random.uniform(0, THINK_SECONDS))
        while time.monotonic() < ends:
            _weight, name, path, write = self.random.choices(
                self.person["pages"], weights=self.weights
            )[0]
            try:
                if path == "<link>":
                    self.reply(name)
                elif write:
                    self.save_draft(name, path)
                else:
                    self.get(name, path)
            except Exception as error:  # counted, never raised: the day goes on
                self.record(name, 0.0, f"{type(error).__name__}: {error}")
            time.sleep(self.random.expovariate(1 / THINK_SECONDS))

    def get(self, name: str, path: str, *, cookies: bool = True) -> tuple[int, str]:
        status, body, seconds = self.request("GET", path, cookies=cookies)
        self.record(name, seconds, status)
        return status, body

    def save_draft(self, name: str, path: str) -> None:
        """GET the form (recorded as the page), POST it back as a draft."""
        page = "a response form" if "/samrad/" in path else "a municipality's priorities"
        status, html = self.get(page, path)
        if status != 200:
            return
        fields = form_fields(html, path)
        if fields is None:
            self.record(name, 0.0, "no form on the page")
            return
        for key in list(fields):
            if re.fullmatch(r"q\d+", key[0]):  # a text answer: a draft changes it
                fields.remove(key)
                fields.append((key[0], f"Utkast {secrets.token_hex(4)}: vi återkommer."))
        fields = [(k, v) for k, v in fields if k != "submit"] + [("save", "1")]
        status, _body, seconds = self.request("POST", path, fields=fields)
        self.record(name, seconds, status)

    def reply(self, name: str) -> None:
        link = self.random.choice(self.person["links"])
        status, html = self.get("a meeting's reply link", link, cookies=False)
        if status != 200:
            return
        fields = form_fields(html, link)
        if fields is None:
            self.record(name, 0.0, "no form on the page")
            return
        status, body, seconds = self.request("POST", link, fields=fields, cookies=False)
        # The thanks page answers 200 too; the form shown again means the reply was refused.
        refused = status == 200 and form_fields(body, link) is not None
        self.record(name, seconds, 400 if refused else status)

    def request(self, method, path, *, fields=None, cookies=True):
        connection = http.client.HTTPConnection(servers.HOST, self.port, timeout=30)
        headers = {}
        jar = self.cookies if cookies else self.anonymous_cookies()
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            seconds = time.monotonic() - started
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    key, rest = value.split("=", 1)
                    jar[key] = rest.split(";", 1)[0]
            return response.status, content.decode(errors="replace"), seconds
        finally:
            connection.close()

    def anonymous_cookies(self) -> dict:
        if not hasattr(self, "_anonymous"):
            self._anonymous: dict = {}
        return self._anonymous

    def record(self, name: str, seconds: float, outcome) -> None:
        with self.lock:
            self.records.append((name, seconds, outcome))


class _Forms(HTMLParser):
    """The POST forms of a page: their action and fields as a browser would send them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current: dict | None = None
        self.textarea: tuple[str, list] | None = None
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.current = {"action": a.get("action", ""), "fields": [], "radios": {}}
                self.forms.append(self.current)
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind == "radio":
                radios = self.current["radios"].setdefault(name, [])
                radios.append((a.get("value", "on"), "checked" in a))
            elif kind == "checkbox":
                if "checked" in a:
                    self.current["fields"].append((name, a.get("value", "on")))
            else:
                self.current["fields"].append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = (name, [])
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "textarea" and self.textarea is not None and self.current is not None:
            self.current["fields"].append((self.textarea[0], "".join(self.textarea[1])))
            self.textarea = None
        elif tag == "select" and self.select is not None and self.current is not None:
            chosen = [v for v, selected in self.options if selected] or [
                v for v, _s in self.options[:1]
            ]
            self.current["fields"] += [(self.select, v) for v in chosen]
            self.select = None


def form_fields(html: str, path: str) -> list[tuple[str, str]] | None:
    """The fields of the page's main POST form (its action the page itself), radios set to
    their checked value or else their first; None if there is none."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        action = urlsplit(form["action"]).path
        if action in ("", path) and any(k == "csrfmiddlewaretoken" for k, _v in form["fields"]):
            fields = list(form["fields"])
            for name, options in form["radios"].items():
                checked = [v for v, on in options if on]
                fields.append((name, checked[0] if checked else options[0][0]))
            return fields
    return None


# --- The figures --------------------------------------------------------------------------------


def summarise(records: list, seconds: float, cast: list[dict], load_before: float) -> dict:
    pages: dict[str, dict] = {}
    for name, took, outcome in records:
        page = pages.setdefault(name, {"seconds": [], "errors": 0, "refused": 0, "statuses": {}})
        key = str(outcome)
        page["statuses"][key] = page["statuses"].get(key, 0) + 1
        if isinstance(outcome, int) and outcome < 400:
            page["seconds"].append(took)
        elif isinstance(outcome, int) and outcome in REFUSED:
            page["refused"] += 1
            page["seconds"].append(took)
        else:
            page["errors"] += 1
    figures = {}
    for name, page in sorted(pages.items()):
        values = sorted(page["seconds"])
        figures[name] = {
            "requests": sum(page["statuses"].values()),
            "p50_ms": _percentile(values, 0.50) * 1000,
            "p95_ms": _percentile(values, 0.95) * 1000,
            "errors": page["errors"],
            "refused": page["refused"],
            "statuses": page["statuses"],
        }
    kinds: dict[str, int] = {}
    for person in cast:
        kinds[person["kind"]] = kinds.get(person["kind"], 0) + 1
    return {
        "people": kinds,
        "seconds": seconds,
        "think_seconds": THINK_SECONDS,
        "requests": len(records),
        "requests_per_second": len(records) / seconds if seconds else 0,
        "errors": sum(f["errors"] for f in figures.values()),
        "pages": figures,
        "load_average": f"{load_before:.2f} → {os.getloadavg()[0]:.2f}",
    }


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[max(1, math.ceil(share * len(sorted_values))) - 1]


def section(figures: dict | None) -> list[str]:
    if not figures:
        return []
    who = ", ".join(f"{n} {kind}s" for kind, n in figures["people"].items())
    lines = [
        HEADING,
        "",
        f"{who}, each with a session of their own, for {figures['seconds']:.0f} s: each picks "
        "a page or a write by weight, then pauses (exponential, "
        f"{figures['think_seconds']:g} s on average). Officials read Min sida, the invitations, "
        "meetings' replies, the completion board and rounds' responses; chiefs Min sida, their "
        "municipality's priorities (and save them as a draft), the plan and the meetings; "
        "representatives Min sida, the rounds and their response form (and save a draft); "
        "chiefs and representatives reply to meetings through invitation links. gunicorn "
        "with 2 sync workers, a Celery worker for the writes' side effects (bench/mixed.py). "
        f"{figures['requests']:,} requests, {figures['requests_per_second']:.1f} a second; "
        f"gunicorn used {figures.get('gunicorn_cpu_share', 0):.0%} of the machine's cores, "
        f"everything together {figures.get('machine_cpu_share', 0):.0%}; "
        f"load average {figures['load_average']}.",
        "",
        f"| Page or write | Requests | p50 ms | p95 ms (target < {P95_TARGET_MS}) | Errors "
        "| Refused (400/409) | Answers |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, f in figures["pages"].items():
        mark = "" if f["p95_ms"] < P95_TARGET_MS else " ❌"
        answers = ", ".join(f"{n} × {s}" for s, n in sorted(f["statuses"].items()))
        lines.append(
            f"| {name} | {f['requests']} | {f['p50_ms']:.0f} | {f['p95_ms']:.0f}{mark} "
            f"| {f['errors']} | {f['refused']} | {answers} |"
        )
    return [*lines, "", f"Errors in all: {figures['errors']}.", ""]


if __name__ == "__main__":
    main(sys.argv[1])
