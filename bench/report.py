"""bench/report.md and bench/report.png from one run's figures (see run.py)."""

from bench import followup, mixed, submission
from bench import search as search_bench
from bench.pages import (
    BASELINE,
    BIGGEST_ROUND,
    BUSIEST_MEETING,
    CONSULTATION_PAGES,
    ISSUE_PAGES,
    P95_TARGET_MS,
    PAGES,
    PUBLIC_MEETING,
)

FANOUT_RATIO_TARGET = 0.5  # end to end, at least half of what plain smtplib manages
SEND_CALL_TARGET_SECONDS = 1  # the official's send request, whatever the audience

HEADER = [
    "Page",
    "Scale",
    "1 conn: req/s",
    "1 conn: p50 / p95 ms",
    "1 conn: gunicorn CPU ms/req",
    "8 conn: req/s",
    "8 conn: × baseline (target)",
    "8 conn: p50 / p95 ms",
    "Queries/req (target: same at every scale)",
    "Met",
]


def write(run: dict, markdown_path, chart_path) -> None:
    markdown_path.write_text(markdown(run, chart_path.name), encoding="utf-8")
    chart(run, chart_path)


# --- The table --------------------------------------------------------------------------------


def markdown(run: dict, chart_name: str) -> str:
    settings = run["settings"]
    lines = [
        "# Kulturportal under load",
        "",
        "Written by `make bench` (bench/run.py); measured, never asserted in the test suite.",
        "",
        "## Machine",
        "",
        *[f"- {name}: {value}" for name, value in run["machine"].items()],
        "",
        "## How",
        "",
        *how(settings),
        "",
        "## Results",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *rows(run["scales"]),
        "",
        *targets_note(),
        "",
        *_meetings_driven(run["scales"]),
        f"![Requests per second per page against the baseline]({chart_name})",
        "",
        *mixed.section(run.get("mixed")),
        *submission.section(run.get("submission")),
        *pdf_section(run.get("pdf")),
        *fanout_section(run.get("fanout")),
        *consultations_section(run),
        *search_bench.section(run),
        *followup.section(run),
        *loads_section(run),
    ]
    return "\n".join(lines)


def how(settings: dict) -> list[str]:
    return [
        f"gunicorn with {settings['workers']} sync workers and production settings (DEBUG off, "
        "PostgreSQL for data and sessions, Redis for the cache) on the same machine as "
        "PostgreSQL, Redis and wrk. Logged-in pages are fetched with the session and CSRF "
        "cookies a browser holds after logging in, and rendered on every request: the personal "
        "page cache, which a real user almost never hits (issue 23), is replaced by a dummy "
        "cache in bench/settings.py. Public pages come from the anonymous page cache, as every "
        f"visitor gets them. wrk drives each page for {settings['seconds']} s with 1 connection "
        "(the service time of one request) and then with "
        f"{settings['connections']} connections on {settings['threads']} threads (saturation: "
        "2 cores), after a short warm-up. With 1 connection the gunicorn processes' own CPU "
        "time (user + system, from /proc) per request is shown too: it holds on a shared "
        "machine, where latencies do not. The baseline is "
        "a Django view that returns a two-byte response without touching the database, through "
        "the same middleware; it runs before and after the pages, and the mean of the two is "
        "shown. Everything shares the machine's cores: the load averages tell whether "
        "other work (a test run, say) took some of them. Each scale is a fresh database with "
        "the demo data and `seed_volume --scale N` (N × 500 organisations, N × 2,000 people, "
        "N × 300 meetings, N × 15,000 invitations, 3 × N earlier plan periods of 10 × N "
        "development areas with every municipality's priorities). "
        "Queries per request are counted on a warm request (as under steady load); a cold one, "
        "right after the cache is emptied, is in brackets where it differs.",
    ]


def targets_note() -> list[str]:
    return [
        "Targets (issue 23): logged-in pages p95 under "
        f"{P95_TARGET_MS} ms for one request (1 connection) and ≥ 0.1 × the baseline's "
        "requests/s at 8 connections; public pages (cached) ≥ 0.5 × and p95 under "
        f"{P95_TARGET_MS} ms at 8 connections; the same number of queries per request at every "
        "scale.",
    ]


def loads_section(run: dict) -> list[str]:
    loads = run.get("loads") or {}
    if not loads:
        return []
    return [
        "## The machine's load during each part",
        "",
        "Load average (1 min) as each part started → as it ended. The machine has "
        f"{run['machine'].get('cores', '?')} cores and is shared: a figure well above the "
        "bench's own load means others were busy.",
        "",
        *[f"- {name}: {value}" for name, value in loads.items()],
        "",
    ]


# --- A part run alone (BENCH_ONLY) ----------------------------------------------------------------

ISSUE_PAGES_HEADING = "## Issue 23's logged-in pages, uncached"


def part_sections(part: str, run: dict) -> list[tuple[str, list[str]]]:
    """(heading, lines) of the sections a part run alone rewrites."""
    when = (
        f"Measured on their own (`BENCH_ONLY={part}`), {run['machine'].get('date', '')}, load "
        f"average {run['machine'].get('load average (1 min), start → end', '?')}"
        + "".join(f"; {name}: {value}" for name, value in (run.get("loads") or {}).items())
        + ". The rest of this report may be from another run."
    )
    if part == "pages":
        label = run.get("label") or "this branch"
        heading = f"{ISSUE_PAGES_HEADING}: {label}"
        return [(heading, [heading, "", when, "", *issue_pages(run)])]
    if part == "consultations":
        section = consultations_section(run)
        return [(CONSULTATIONS_HEADING, [*section[:2], when, "", *section[2:]])]
    makers = {
        "mixed": (mixed.HEADING, mixed.section, "mixed"),
        "submission": (submission.HEADING, submission.section, "submission"),
        "pdf": (PDF_HEADING, pdf_section, "pdf"),
    }
    heading, make, key = makers[part]
    section = make(run.get(key))
    return [(heading, [*section[:2], when, "", *section[2:]])]


def update_part(part: str, run: dict, markdown_path) -> None:
    """Rewrite the sections of a part run alone in an existing report, leaving every other
    figure as the last run wrote it."""
    text = markdown_path.read_text(encoding="utf-8") if markdown_path.exists() else ""
    for heading, lines in part_sections(part, run):
        text = replace_section(text, heading, "\n".join(lines))
    markdown_path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def replace_section(text: str, heading: str, section: str) -> str:
    start = text.find(heading + "\n")
    if start < 0:
        return text.rstrip("\n") + "\n\n" + section
    end = text.find("\n## ", start + len(heading))
    return text[:start] + section.rstrip("\n") + "\n" + (text[end:] if end >= 0 else "")


def issue_pages(run: dict) -> list[str]:
    """The six logged-in pages of issue 23 and the baseline, at 1 and 8 connections."""
    lines = [
        "Every request renders the page (there is no cache of logged-in pages). "
        f"wrk, {run['settings']['seconds']} s per page at 1 connection, then at 8; the "
        "baseline before and after the pages (the mean shown). gunicorn CPU per request: the "
        "gunicorn processes' user + system time during the 1-connection run, divided by its "
        "requests (PostgreSQL's share not included); unlike latency it holds when others load "
        "the shared machine.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    scales = run["scales"]
    for page in [BASELINE, *ISSUE_PAGES]:
        for scale, result in scales.items():
            if page.key not in result["pages"]:
                continue
            baseline_rps = result["pages"][BASELINE.key].get("rps")
            queries = {s: _queries(r["pages"][page.key]) for s, r in scales.items()}
            lines.append(row(page, scale, result["pages"][page.key], baseline_rps, queries))
    return [*lines, "", *_meetings_driven(scales)]


PDF_PAGES_PER_SECOND_TARGET = 25
PDF_OWN_SHARE_TARGET = 0.10


PDF_HEADING = "## The plan as PDF"


def pdf_section(results: dict | None) -> list[str]:
    if not results:
        return []
    figures = results["plans"]
    lines = [
        PDF_HEADING,
        "",
        "Rendered as the worker renders it (`kulturportal.pdf.render_stored`), best of three, "
        "in the last scale's database. Our own time is everything outside WeasyPrint: the "
        "context and the HTML, the hash, storing the file. WeasyPrint subset the embedded "
        f"fonts with **{results['subsetting']}** (its fallback without Debian's "
        "`libharfbuzz-subset0` is fontTools, 0.25–0.3 s more per document).",
        "",
        "| Plan | Development areas | Pages | Seconds | Pages/s (target) | Pages per CPU-second "
        "| Own share (target) | Met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        fast = f["pages_per_second"] >= PDF_PAGES_PER_SECOND_TARGET
        lean = f["own_share"] <= PDF_OWN_SHARE_TARGET
        misses = [m for m, ok in (("pages/s", fast), ("own share", lean)) if not ok]
        lines.append(
            f"| {f['label']} | {f['development_areas']} | {f['pages']} | {f['seconds']:.2f} "
            f"| {f['pages_per_second']:.1f} (≥ {PDF_PAGES_PER_SECOND_TARGET}) "
            f"| {f.get('pages_per_cpu_second', 0):.1f} "
            f"| {f['own_share']:.1%} (≤ {PDF_OWN_SHARE_TARGET:.0%}) "
            f"| {'met' if not misses else 'not met: ' + ', '.join(misses)} |"
        )
    return [*lines, ""]


def _meetings_driven(scales: dict) -> list[str]:
    """Which meeting each placeholder stood for, per scale (its key differs between them)."""
    lines = []
    for placeholder, what in [
        (PUBLIC_MEETING, "the volume's next public sub-regional round"),
        (BUSIEST_MEETING, "the volume meeting with the most invitations"),
    ]:
        pages = [page for page in PAGES if placeholder in page.path]
        if not pages:
            continue
        found = []
        for scale, result in scales.items():
            path = result.get("paths", {}).get(pages[0].path)
            if path is None:  # not driven in this run
                continue
            invited = result.get("invited", {}).get(pages[0].path)
            found.append(
                f"`{path}` at scale {scale}" + (f" ({invited:,} invitations)" if invited else "")
            )
        if found:
            lines.append(f"- `{placeholder}` is {what}: " + ", ".join(found) + ".")
    return [*lines, ""] if lines else []


# --- The fan-out --------------------------------------------------------------------------------


def fanout_section(fanout: dict | None) -> list[str]:
    if not fanout:
        return []
    base = fanout["baseline"]
    ratio_met = fanout["ratio"] >= FANOUT_RATIO_TARGET and not fanout["gave_up"]
    once = "yes" if fanout["exactly_once"] else "no"
    if not fanout["exactly_once"]:
        once += (
            f" ({fanout['missing']} missing, {fanout['duplicates']} duplicates, "
            f"{fanout['strangers']} to addresses not invited)"
        )
    outbox = ", ".join(f"{count:,} {status}" for status, count in sorted(fanout["outbox"].items()))
    return [
        "## Invitations end to end",
        "",
        f"A meeting whose audience is {fanout['invitations']:,} pasted addresses is sent with "
        "`forums.services.schedule_and_invite`, as the send page's POST calls it, warm (after "
        "the audience was resolved once, as the page's GET does): it stores the invitations "
        "marked due and, once the transaction commits, hands them to Celery in batches of 200. "
        "Each batch task renders its e-mails and calendars (once per kind, language and session, "
        "the invitee's own values put in), stores them and sends them over one connection. "
        f"A real Celery worker (`celery -A kulturportal worker -c {fanout['concurrency']}`, "
        "prefork, the production settings, a Redis of its own as broker) sends them to a local "
        "SMTP server (aiosmtpd, in a process of its own) that counts the messages per recipient. "
        "The time runs from the send call to the last message received. The baseline, in the "
        "same run, with the worker stopped: plain `smtplib` sends the same messages, built from "
        "the outbox rows as the worker builds them, to the same server over one connection. The "
        "fan-out runs in the last scale's database, after the pages.",
        "",
        "| Measure | Value | Target | Met |",
        "|---|---|---|---|",
        f"| Invitations sent | {fanout['invitations']:,} | | |",
        f"| Send call (`schedule_and_invite`) | {fanout['send_call_seconds']:.2f} s "
        f"| < {SEND_CALL_TARGET_SECONDS} s | "
        + ("met" if fanout["send_call_seconds"] < SEND_CALL_TARGET_SECONDS else "not met")
        + " |",
        f"| Send call → last message received | {fanout['total_seconds']:.1f} s | | |",
        f"| Celery worker, end to end | {fanout['emails_per_second']:,.0f} e-mails/s | | |",
        f"| Baseline: smtplib, one connection | {base['messages_per_second']:,.0f} messages/s "
        f"({base['messages']:,} in {base['seconds']:.1f} s) | | |",
        f"| Ratio, end to end ÷ baseline | {fanout['ratio']:.2f} | ≥ {FANOUT_RATIO_TARGET} | "
        + ("met" if ratio_met else "not met")
        + " |",
        f"| Exactly one e-mail per invitee (counted at the server) | {once} | yes | "
        + ("met" if fanout["exactly_once"] else "not met")
        + " |",
        "",
        f"Outbox afterwards: {outbox}."
        + (" The run was given up: no message arrived for a minute." if fanout["gave_up"] else ""),
        "",
        *kills_section(fanout.get("kills") or []),
    ]


def kills_section(kills: list[dict]) -> list[str]:
    """The duplicate window: what a worker killed mid-send leaves behind."""
    if not kills:
        return []
    duplicates = sum(k["duplicates"] for k in kills)
    missing = sum(k["missing"] for k in kills)
    lines = [
        "### A worker killed in the middle of a sending",
        "",
        f"{len(kills)} times: a meeting for 400 pasted addresses is sent and, once the SMTP server "
        "has received a random number of them and a random 0–50 ms more, the worker and its "
        "pool are killed with SIGKILL. Then the clock is put ten minutes on for the dead "
        "worker's rows (its claims are stale, its reserved invitees overdue), a fresh worker "
        "starts and the two sweeps run (`dispatch_due`, `send_overdue`). The SMTP server "
        "counts per recipient. An e-mail goes twice only if the kill fell between the server's "
        "250 and the statement that marks its row sent; each row is marked by the next "
        "statement after the 250 (it also claims the next row), so a pool process holds one "
        "claimed row at a time.",
        "",
        "| Kill | Received before the kill | Rows left claimed | Sent twice | Never sent |",
        "|---|---|---|---|---|",
    ]
    for n, kill in enumerate(kills, start=1):
        lines.append(
            f"| {n} | {kill['received_before_kill']} | {kill['claimed_at_kill']} "
            f"| {kill['duplicates']} | {kill['missing']} |"
        )
    lines += [
        "",
        f"In all: {duplicates} e-mail(s) sent twice in {len(kills)} kills, {missing} never sent"
        + (", the run given up in some." if any(k["gave_up"] for k in kills) else "."),
        "",
    ]
    return lines


def rows(scales: dict) -> list[str]:
    lines = []
    for page in [BASELINE, *PAGES]:
        for scale, result in scales.items():
            if page.key not in result["pages"]:
                continue
            baseline_rps = result["pages"][BASELINE.key].get("rps")
            figures = result["pages"][page.key]
            queries = {
                s: _queries(r["pages"][page.key])
                for s, r in scales.items()
                if page.key in r["pages"]
            }
            lines.append(row(page, scale, figures, baseline_rps, queries))
    return lines


def row(page, scale, figures: dict, baseline_rps, queries_by_scale: dict) -> str:
    if "rps" not in figures or not figures["requests"]:
        why = f"answered {figures['status']}" if "rps" not in figures else "no request finished"
        cells = [_label(page), str(scale), "0", "—", "—", "0", "—", "—", _queries(figures)]
        return _cells([*cells, f"not met: {why}"])
    misses = _misses(page, figures, baseline_rps, queries_by_scale)
    ratio = figures["rps"] / baseline_rps if baseline_rps else 0
    is_baseline = page == BASELINE
    one = figures.get("one") or {}
    p95_target = f" (< {P95_TARGET_MS})"
    cells = [
        _label(page),
        str(scale),
        f"{one['rps']:,.0f}" if one else "—",
        (f"{one['median_ms']:.1f} / {one['p95_ms']:.1f}" if one else "—")
        + (p95_target if page.p95_at_one and not is_baseline else ""),
        f"{one['cpu_ms']:.1f}" if "cpu_ms" in one else "—",
        f"{figures['rps']:,.0f}",
        "1.000" if is_baseline else f"{ratio:.3f} (≥ {page.ratio_target})",
        f"{figures['median_ms']:.1f} / {figures['p95_ms']:.1f}"
        + ("" if page.p95_at_one or is_baseline else p95_target),
        _queries(figures),
        "—" if is_baseline else ("met" if not misses else "not met: " + ", ".join(misses)),
    ]
    return _cells(cells)


def _misses(page, figures: dict, baseline_rps, queries_by_scale: dict) -> list[str]:
    misses = []
    if page != BASELINE and figures["rps"] < page.ratio_target * (baseline_rps or 0):
        misses.append("× baseline")
    judged = figures.get("one", figures) if page.p95_at_one else figures
    if judged["p95_ms"] >= P95_TARGET_MS:
        misses.append("p95")
    if len(set(queries_by_scale.values())) > 1:
        misses.append("queries grow with scale")
    errors = sum(
        f.get("socket_errors", 0) + f.get("http_errors", 0)
        for f in (figures, figures.get("one") or {})
    )
    if errors:
        misses.append(f"{errors} errors")
    return misses


def _queries(figures: dict) -> str:
    warm, cold = figures["queries"], figures["cold_queries"]
    return str(warm) if warm == cold else f"{warm} ({cold})"


def _label(page) -> str:
    if page == BASELINE:
        return "baseline"
    if page.who:
        return f"`{page.path}` ({page.who})"
    who = " (logged in)" if page.persona else ""
    return f"`{page.path}`{who}"


def _cells(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


# --- The chart --------------------------------------------------------------------------------


def chart(run: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    from matplotlib import pyplot

    pages = [BASELINE, *PAGES]
    scales = list(run["scales"])
    width = 0.8 / len(scales)
    figure, axes = pyplot.subplots(figsize=(12, 5.5), dpi=120)
    for index, scale in enumerate(scales):
        figures = run["scales"][scale]["pages"]
        baseline_rps = figures[BASELINE.key].get("rps", 0)
        positions = [p + (index - (len(scales) - 1) / 2) * width for p in range(len(pages))]
        heights = [figures.get(page.key, {}).get("rps", 0) for page in pages]
        bars = axes.bar(positions, heights, width, label=f"scale {scale}")
        axes.bar_label(bars, fmt="%.0f", fontsize=7)
        targets = [baseline_rps * (1 if p == BASELINE else p.ratio_target) for p in pages]
        axes.hlines(targets[1:], [x - width / 2 for x in positions[1:]],
                    [x + width / 2 for x in positions[1:]], colors="black", linewidths=1.5,
                    label="target" if index == 0 else None)  # fmt: skip
    axes.set_xticks(range(len(pages)), ["baseline", *[p.key for p in PAGES]], rotation=20)
    axes.set_ylabel("requests/s")
    axes.set_title(
        f"Requests/s per page, {run['settings']['connections']} connections, uncached "
        "(black line: the page's target share of the baseline)"
    )
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


# --- The consultations ----------------------------------------------------------------------------

CONSULTATIONS_HEADING = "## Consultations: the response list and the export"
EXPORT_MEMORY_TARGET = 0.10  # the peak RSS at the largest scale within 10 % of the smallest's


def consultations_section(run: dict) -> list[str]:
    scales = run.get("scales", {})
    exports = {scale: result.get("export") for scale, result in scales.items()}
    if not any(exports.values()):
        return []
    return [
        CONSULTATIONS_HEADING,
        "",
        *_response_list(scales),
        *_export_table(exports),
        "The consultation submission is measured at steady arrival rates (see its section); "
        "the deadline-day burst of 50 uploads in one second is gone (issue 23: 2 cores cannot "
        "finish 7.8 CPU-seconds of work in 1 s).",
        "",
    ]


def _response_list(scales: dict) -> list[str]:
    lines = []
    for page in CONSULTATION_PAGES:
        rows_ = []
        for scale, result in scales.items():
            figures = result["pages"].get(page.key)
            if figures is None:
                continue
            queries = {s: _queries(r["pages"][page.key]) for s, r in scales.items()}
            baseline_rps = result["pages"][BASELINE.key].get("rps")
            rows_.append(row(page, scale, figures, baseline_rps, queries))
        if not rows_:
            continue
        found = []
        for scale, result in scales.items():
            export = result.get("export") or {}
            responses = f" ({export['responses']:,} responses)" if export else ""
            found.append(f"`{result['paths'].get(page.path, '?')}` at scale {scale}{responses}")
        lines += [
            "The officials' list of a round's responses (50 a page, with the filters and the "
            f"status counts), logged in as the regional official. `{BIGGEST_ROUND}` is the "
            "volume's round with the most responses: " + ", ".join(found) + ".",
            "",
            "| " + " | ".join(HEADER) + " |",
            "|" + "---|" * len(HEADER),
            *rows_,
            "",
        ]
    return lines


def _export_table(exports: dict) -> list[str]:
    figures = {scale: f for scale, f in exports.items() if f}
    if not figures:
        return []
    peaks = {scale: f["peak_rss_kib"] for scale, f in figures.items()}
    smallest, largest = min(peaks), max(peaks)
    growth = peaks[largest] / peaks[smallest] - 1 if peaks[smallest] else 0
    flat = abs(growth) <= EXPORT_MEMORY_TARGET
    lines = [
        "### Every response of the biggest round as XLSX",
        "",
        "The export as the worker builds it: an ExportFile row as the view stores it (no "
        "filter set), then `kulturportal.background_exports.build` in a fresh Python process "
        "of its own, against PostgreSQL, with the bench's gunicorn stopped. Peak RSS is that "
        "process's "
        "`ru_maxrss` after the build (Django loaded, before the build: in brackets). The file "
        "is then opened with openpyxl (read-only) and its rows counted.",
        "",
        "| Scale | Responses | Seconds | Rows/s | File | Peak RSS (before) | The build's own "
        "| Rows in the file (target: every response) | Met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scale, f in figures.items():
        rows_ok = f.get("xlsx_rows") == f["responses"] and f["status"] == "done"
        size = f"{f['file_bytes'] / 2**20:.1f} MiB" if f.get("file_bytes") else "—"
        lines.append(
            f"| {scale} | {f['responses']:,} | {f['seconds']:.1f} "
            f"| {f['responses'] / f['seconds']:,.0f} | {size} "
            f"| {f['peak_rss_kib'] / 1024:.0f} MiB ({f['rss_before_kib'] / 1024:.0f} MiB) "
            f"| {(f['peak_rss_kib'] - f['rss_before_kib']) / 1024:.0f} MiB "
            f"| {f.get('xlsx_rows', 0):,} "
            f"| {'met' if rows_ok else 'not met: ' + (f['error'] or 'rows differ')} |"
        )
    lines += [
        "",
        f"Target: the peak RSS the same at every scale, within {EXPORT_MEMORY_TARGET:.0%} (the "
        f"export streams). Scale {largest} against scale {smallest}: {growth:+.1%}, "
        + ("met." if flat else "not met."),
        "",
    ]
    return lines
