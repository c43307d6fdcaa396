"""bench/report.md and bench/report.png from one run's figures (see run.py)."""

from bench import followup
from bench import search as search_bench
from bench.pages import (
    BASELINE,
    BIGGEST_ROUND,
    BUSIEST_MEETING,
    CONSULTATION_PAGES,
    P95_TARGET_MS,
    PAGES,
    PUBLIC_MEETING,
)

FANOUT_RATIO_TARGET = 0.5  # end to end, at least half of what plain smtplib manages
SEND_CALL_TARGET_SECONDS = 1  # the official's send request, whatever the audience

HEADER = [
    "Page",
    "Scale",
    "Req/s",
    "× baseline (target)",
    "Median ms",
    "p95 ms (target)",
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
        f"gunicorn with {settings['workers']} sync workers and production settings (DEBUG off, "
        "PostgreSQL for data and sessions, Redis for the cache) on the same machine as "
        "PostgreSQL, Redis and wrk. Logged-in pages are fetched with the session and CSRF "
        "cookies a browser holds after logging in; a warm one comes from the process's "
        "personal page cache, which is keyed by PostgreSQL's snapshot and so holds only "
        "while nothing commits. wrk writes nothing, so here every warm request is a hit; "
        "on a busy day, when something commits every second, far fewer would be. "
        f"wrk drives each page for {settings['seconds']} s with {settings['connections']} "
        f"connections on {settings['threads']} threads, after a short warm-up. The baseline is "
        "a Django view that returns a two-byte response without touching the database, through "
        "the same middleware; it runs before and after the pages, and the mean of the two is "
        "shown. Everything shares the machine's cores: the load average above tells whether "
        "other work (a test run, say) took some of them. Each scale is a fresh database with "
        "the demo data and `seed_volume --scale N` (N × 500 organisations, N × 2,000 people, "
        "N × 300 meetings, N × 15,000 invitations, 3 × N earlier plan periods of 10 × N "
        "development areas with every municipality's priorities). "
        "Queries per request are counted on a warm request (as under steady load); a cold one, "
        "right after the cache is emptied, is in brackets where it differs.",
        "",
        "## Results",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
        *rows(run["scales"]),
        "",
        "Targets: public pages ≥ 0.5 × the baseline's requests/s, logged-in pages ≥ 0.2 ×; "
        f"p95 under {P95_TARGET_MS} ms at {settings['connections']} connections; the same "
        "number of queries per request at every scale.",
        "",
        *_meetings_driven(run["scales"]),
        f"![Requests per second per page against the baseline]({chart_name})",
        "",
        *pdf_section(run.get("pdf")),
        *fanout_section(run.get("fanout")),
        *consultations_section(run),
        *search_bench.section(run),
        *followup.section(run),
    ]
    return "\n".join(lines)


PDF_PAGES_PER_SECOND_TARGET = 25
PDF_OWN_SHARE_TARGET = 0.10


def pdf_section(figures: list | None) -> list[str]:
    if not figures:
        return []
    lines = [
        "## The plan as PDF",
        "",
        "Rendered as the worker renders it (`kulturportal.pdf.render_stored`), best of three, "
        "in the last scale's database. Our own time is everything outside WeasyPrint: the "
        "context and the HTML, the hash, storing the file.",
        "",
        "| Plan | Development areas | Pages | Seconds | Pages/s (target) | Own share (target) "
        "| Met |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        fast = f["pages_per_second"] >= PDF_PAGES_PER_SECOND_TARGET
        lean = f["own_share"] <= PDF_OWN_SHARE_TARGET
        misses = [m for m, ok in (("pages/s", fast), ("own share", lean)) if not ok]
        lines.append(
            f"| {f['label']} | {f['development_areas']} | {f['pages']} | {f['seconds']:.2f} "
            f"| {f['pages_per_second']:.1f} (≥ {PDF_PAGES_PER_SECOND_TARGET}) "
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
            path = result.get("paths", {}).get(pages[0].path, "?")
            invited = result.get("invited", {}).get(pages[0].path)
            found.append(
                f"`{path}` at scale {scale}" + (f" ({invited:,} invitations)" if invited else "")
            )
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
            baseline_rps = result["pages"][BASELINE.path].get("rps")
            figures = result["pages"][page.path]
            queries = {s: _queries(r["pages"][page.path]) for s, r in scales.items()}
            lines.append(row(page, scale, figures, baseline_rps, queries))
    return lines


def row(page, scale, figures: dict, baseline_rps, queries_by_scale: dict) -> str:
    if "rps" not in figures or not figures["requests"]:
        why = f"answered {figures['status']}" if "rps" not in figures else "no request finished"
        cells = [_label(page), str(scale), "0", "—", "—", "—", _queries(figures)]
        return _cells([*cells, f"not met: {why}"])
    misses = _misses(page, figures, baseline_rps, queries_by_scale)
    ratio = figures["rps"] / baseline_rps if baseline_rps else 0
    is_baseline = page == BASELINE
    cells = [
        _label(page),
        str(scale),
        f"{figures['rps']:,.0f}",
        "1.000" if is_baseline else f"{ratio:.3f} (≥ {page.ratio_target})",
        f"{figures['median_ms']:.1f}",
        f"{figures['p95_ms']:.1f} (< {P95_TARGET_MS})",
        _queries(figures),
        "—" if is_baseline else ("met" if not misses else "not met: " + ", ".join(misses)),
    ]
    return _cells(cells)


def _misses(page, figures: dict, baseline_rps, queries_by_scale: dict) -> list[str]:
    misses = []
    if page != BASELINE and figures["rps"] < page.ratio_target * (baseline_rps or 0):
        misses.append("× baseline")
    if figures["p95_ms"] >= P95_TARGET_MS:
        misses.append("p95")
    if len(set(queries_by_scale.values())) > 1:
        misses.append("queries grow with scale")
    if figures["socket_errors"] or figures["http_errors"]:
        misses.append(f"{figures['socket_errors'] + figures['http_errors']} errors")
    return misses


def _queries(figures: dict) -> str:
    warm, cold = figures["queries"], figures["cold_queries"]
    return str(warm) if warm == cold else f"{warm} ({cold})"


def _label(page) -> str:
    if page == BASELINE:
        return "baseline"
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
        baseline_rps = figures[BASELINE.path].get("rps", 0)
        positions = [p + (index - (len(scales) - 1) / 2) * width for p in range(len(pages))]
        heights = [figures[page.path].get("rps", 0) for page in pages]
        bars = axes.bar(positions, heights, width, label=f"scale {scale}")
        axes.bar_label(bars, fmt="%.0f", fontsize=7)
        targets = [baseline_rps * (1 if p == BASELINE else p.ratio_target) for p in pages]
        axes.hlines(targets[1:], [x - width / 2 for x in positions[1:]],
                    [x + width / 2 for x in positions[1:]], colors="black", linewidths=1.5,
                    label="target" if index == 0 else None)  # fmt: skip
    axes.set_xticks(range(len(pages)), ["baseline", *[p.path for p in PAGES]], rotation=20)
    axes.set_ylabel("requests/s")
    axes.set_title(
        f"Requests/s per page, {run['settings']['connections']} connections "
        "(black line: the page's target share of the baseline)"
    )
    axes.legend()
    figure.tight_layout()
    figure.savefig(path)
    pyplot.close(figure)


# --- The consultations ----------------------------------------------------------------------------

CONSULTATIONS_HEADING = "## Consultations: the response list, the export, the deadline day"
EXPORT_MEMORY_TARGET = 0.10  # the peak RSS at the largest scale within 10 % of the smallest's
DEADLINE_P95_TARGET_MS = 1000


def update_consultations(run: dict, markdown_path) -> None:
    """Rewrite the consultations' section of an existing report (BENCH_ONLY=consultations),
    leaving every other figure as the last full run wrote it."""
    section = "\n".join(consultations_section(run, separately=True))
    old = markdown_path.read_text(encoding="utf-8") if markdown_path.exists() else ""
    start = old.find(CONSULTATIONS_HEADING)
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + section
    else:
        end = old.find("\n## ", start + len(CONSULTATIONS_HEADING))
        new = old[:start] + section + (old[end + 1 :] if end >= 0 else "")
    markdown_path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


def consultations_section(run: dict, *, separately: bool = False) -> list[str]:
    scales = run.get("scales", {})
    exports = {scale: result.get("export") for scale, result in scales.items()}
    if not any(exports.values()) and not run.get("deadline"):
        return []
    lines = [CONSULTATIONS_HEADING, ""]
    if separately:
        lines += [
            "Measured on their own (`BENCH_ONLY=consultations make bench`), "
            f"{run['machine'].get('date', '')}, load average "
            f"{run['machine'].get('load average (1 min), start → end', '?')}; the rest of this "
            "report is from the last full run.",
            "",
        ]
    lines += _response_list(scales)
    lines += _export_table(exports)
    lines += _deadline_table(run.get("deadline"))
    return lines


def _response_list(scales: dict) -> list[str]:
    lines = []
    for page in CONSULTATION_PAGES:
        rows_ = []
        for scale, result in scales.items():
            figures = result["pages"].get(page.path)
            if figures is None:
                continue
            queries = {s: _queries(r["pages"][page.path]) for s, r in scales.items()}
            baseline_rps = result["pages"][BASELINE.path].get("rps")
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


def _deadline_table(f: dict | None) -> list[str]:
    if not f:
        return []
    n = f["organisations"]
    numbers_ok = (f["distinct_numbers"] == n and f["numbers"] == n and f["consecutive"]) and f[
        "series_without_gaps"
    ] is not False
    receipts_ok = f["receipts"] == n and f["receipts_exactly_once"]
    errors = ", ".join(f"{count} × {status}" for status, count in sorted(f["statuses"].items()))
    outbox = ", ".join(f"{count} {status}" for status, count in sorted(f["outbox"].items()))
    lines = [
        "### The deadline day",
        "",
        f"{n} organisations, each with one representative (a session made directly: the "
        "login form allows 30 logins a minute from one address), submit an open round's form "
        f"at once: {n} threads GET the form (the CSRF token, the base hashes), wait for each "
        "other, then POST it multipart with the required text answer, a "
        f"{f['attachment_bytes'] / 2**20:.0f} MB PDF in `attachment` and `submit=1`. gunicorn "
        f"runs {f['gunicorn_workers']} sync workers, a real Celery worker "
        f"(-c {f['celery_concurrency']}) renders each receipt's PDF (WeasyPrint) and sends it "
        "to a local SMTP server (aiosmtpd) that counts per recipient, all on this machine. "
        "An error is any answer but a redirect, or a redirect to a page without the "
        "registration number. The numbers are read from the database afterwards.",
        "",
        "| Measure | Value | Target | Met |",
        "|---|---|---|---|",
        f"| Errors | {f['errors']} (answers: {errors}) | 0 | "
        + ("met" if f["errors"] == 0 else "not met")
        + " |",
        f"| POST latency, p50 | {f['p50_ms']:,.0f} ms | | |",
        f"| POST latency, p95 | {f['p95_ms']:,.0f} ms (max {f['max_ms']:,.0f} ms) "
        f"| < {DEADLINE_P95_TARGET_MS:,} ms | "
        + ("met" if f["p95_ms"] < DEADLINE_P95_TARGET_MS else "not met")
        + " |",
        f"| All {n} POSTs, first sent → last answered | {f['all_posts_seconds']:.1f} s | | |",
        *_alone_and_cpu(f),
        f"| Registration numbers (distinct, consecutive) | {f['distinct_numbers']} of "
        f"{f['submitted']} submitted, {f['first_number']} – {f['last_number']}; the year's "
        "series "
        + ("without gaps" if f["series_without_gaps"] else "with gaps")
        + f" | {n}, no gaps | "
        + ("met" if numbers_ok else "not met")
        + " |",
        f"| Receipts at the SMTP server | {f['receipts']}"
        + (", exactly one each" if f["receipts_exactly_once"] else ", not one each")
        + (
            f", the last {f['receipts_seconds']:.0f} s after the first POST"
            if f["receipts_seconds"]
            else ""
        )
        + f" | {n} | "
        + ("met" if receipts_ok else "not met")
        + " |",
        "",
        f"Attachments stored: {f['attachments']}"
        + (" of 5 MB each" if f["attachment_sizes_ok"] else " (some not 5 MB)")
        + f". Receipts in the outbox afterwards: {outbox or 'none'}."
        + (" Gave up waiting for the receipts." if f["receipts_gave_up"] else ""),
        "",
    ]
    if f["error_examples"]:
        lines += ["Errors, for example: " + json_examples(f["error_examples"]), ""]
    return lines


def _alone_and_cpu(f: dict) -> list[str]:
    lines = []
    if f.get("alone_ms"):
        alone = f["alone_ms"]
        lines.append(
            f"| For comparison: {len(alone)} POSTs one at a time first (another round), "
            f"fastest / median / slowest | {alone[0]:,.0f} / {alone[len(alone) // 2]:,.0f} / "
            f"{alone[-1]:,.0f} ms | | |"
        )
    cpu = f.get("cpu_during_posts")
    if cpu:
        available = f["cores"] * f["all_posts_seconds"]
        lines.append(
            f"| CPU while the {f['organisations']} POSTs ran: gunicorn / Celery worker / whole "
            f"machine | {cpu['gunicorn']:.1f} / {cpu['worker']:.1f} / {cpu['machine']:.1f} "
            f"CPU-s of {available:.1f} ({f['cores']} cores × {f['all_posts_seconds']:.1f} s) "
            "| | |"
        )
    return lines


def json_examples(examples: list[dict]) -> str:
    return "; ".join(", ".join(f"{k} {v}" for k, v in e.items()) for e in examples)
