"""bench/report.md and bench/report.png from one run's figures (see run.py)."""

from bench.pages import BASELINE, BUSIEST_MEETING, P95_TARGET_MS, PAGES, PUBLIC_MEETING

FANOUT_RATIO_TARGET = 0.5  # end to end, at least half of what plain smtplib manages

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
        "PostgreSQL, Redis cache and sessions) on the same machine as PostgreSQL, Redis and wrk. "
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
        "`forums.services.schedule_and_invite` (it renders and stores one e-mail per invitee "
        "with its iCalendar part, then hands the batch to Celery once the transaction commits). "
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
        f"| Send call (`schedule_and_invite`) | {fanout['send_call_seconds']:.1f} s | | |",
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
    ]


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
