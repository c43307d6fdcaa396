# ruff: noqa: S603 - every command here is built from constants, none from input.
"""The follow-up under the stopwatch, self-contained: run.py calls pages() at each scale while
its gunicorn runs, and pdf() once in the last scale's database; report.py adds section().

    python -m bench.followup probe OUT.json
        In the scale's database: the year the pages are driven at (the volume's last year,
        every organisation's report in some state), the official's session, and each page's
        queries cold and warm (bench/probe.py's way).

    python -m bench.followup pdf OUT.json
        The regional compilation as PDF for every year with approved reports (ten at scale
        10), rendered as the worker renders it (kulturportal.pdf.render_stored), best of
        three: the HTML built in the request, WeasyPrint's time and the pages.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
OFFICIAL = "handlaggare@example.se"
REPEATS = 3
# (label, path with {year}, logged in as)
PAGES = [
    ("the public map", "/uppfoljning/{year}/", None),
    ("the public map, one area", "/uppfoljning/{year}/?omrade=teater-dans-musik", None),
    ("the official's board", "/uppfoljning/{year}/hantera/inrapportering/", OFFICIAL),
]


# --- Called by run.py ----------------------------------------------------------------------------


def pages(env: dict, port: int, scale: int, *, load) -> dict:
    """wrk's figures for the follow-up's pages at this scale; `load` is run.py's."""
    out = WORK / f"followup-probe-{scale}.json"
    subprocess.run(
        [sys.executable, "-m", "bench.followup", "probe", str(out)], cwd=ROOT, env=env, check=True
    )
    probe = json.loads(out.read_text(encoding="utf-8"))
    figures = {}
    for label, template, persona in PAGES:
        path = template.format(year=probe["year"])
        cookie = probe["cookie"] if persona else None
        figures[label] = {"path": path, **probe["pages"][path], **load(port, path, cookie)}
        f = figures[label]
        print(
            f"  {path:48} {f.get('rps', 0):8.1f} req/s  p95 {f.get('p95_ms', 0):6.1f} ms  "
            f"{f['queries']} queries",
            flush=True,
        )
    return {"year": probe["year"], "rows": probe["rows"], "pages": figures}


def pdf(env: dict) -> dict:
    print("Follow-up: the compilation PDF for every year…", flush=True)
    out = WORK / "followup-pdf.json"
    subprocess.run(
        [sys.executable, "-m", "bench.followup", "pdf", str(out)], cwd=ROOT, env=env, check=True
    )
    figures = json.loads(out.read_text(encoding="utf-8"))
    f = figures
    print(
        f"  {f['years']} years, {f['pages']} pages: HTML {f['html_seconds']:.2f} s, "
        f"render {f['render_seconds']:.2f} s (WeasyPrint {f['weasyprint_seconds']:.2f} s)",
        flush=True,
    )
    return figures


def section(run: dict) -> list[str]:
    """The report's lines for the follow-up (empty when it was not measured)."""
    scales = {s: r.get("followup") for s, r in (run.get("scales") or {}).items()}
    if not any(scales.values()) and not run.get("followup_pdf"):
        return []
    lines = [
        "## The annual follow-up",
        "",
        "The public map (`/uppfoljning/<year>/`, all areas and one) and the official's "
        "completion board for the volume's last year, whose reports are in every state; "
        "gunicorn and wrk as above.",
        "",
        "| page | scale | organisations expected | req/s | median | p95 | queries (warm / cold) |",
        "|---|---|---|---|---|---|---|",
    ]
    for scale, figures in scales.items():
        if not figures:
            continue
        for label, f in figures["pages"].items():
            lines.append(
                f"| {label} | {scale} | {figures['rows']} | {f.get('rps', 0):,.0f} | "
                f"{f.get('median_ms', 0):.1f} ms | {f.get('p95_ms', 0):.1f} ms | "
                f"{f['queries']} / {f['cold_queries']} |"
            )
    pdf_figures = run.get("followup_pdf")
    if pdf_figures:
        lines += [
            "",
            f"The compilation as PDF for {pdf_figures['years']} years "
            f"({pdf_figures['first']}–{pdf_figures['last']}, {pdf_figures['reports']:,} approved "
            f"reports): {pdf_figures['pages']} pages; the HTML in "
            f"{pdf_figures['html_seconds']:.2f} s, the render in "
            f"{pdf_figures['render_seconds']:.2f} s of which WeasyPrint "
            f"{pdf_figures['weasyprint_seconds']:.2f} s (best of {REPEATS}).",
        ]
    return [*lines, ""]


# --- In the scale's database ------------------------------------------------------------------


def probe() -> dict:
    django.setup()
    from bench.probe import _client, _cookie_header, _logged_in, _probe
    from followup.models import FundingDecision, ReportingRound

    year = ReportingRound.objects.order_by("-year").values_list("year", flat=True).first()
    if year is None:
        raise SystemExit("No reporting round in the database: did seed_volume run?")
    official = _logged_in(OFFICIAL)
    anonymous = _client()
    result = {"year": year, "rows": FundingDecision.objects.filter(year=year).count(), "pages": {}}
    for _label, template, persona in PAGES:
        path = template.format(year=year)
        result["pages"][path] = _probe(official if persona else anonymous, path)
    result["cookie"] = _cookie_header(official)
    return result


def measure_pdf() -> dict:
    django.setup()
    from followup import figures, outputs
    from kulturportal import pdf
    from kulturportal.models import RenderedDocument

    runs = []
    for _ in range(REPEATS):
        RenderedDocument.objects.all().delete()
        started = time.monotonic()
        table = figures.compilation()
        # What compilation_document() does in the request, without queueing the task.
        context = outputs.compilation_context(table)
        title = f"Kulturen i hela Skåne {table.years[0]}–{table.years[-1]}"
        html = pdf.render_html("followup/compilation_pdf.html", context, title=title, lang="sv")
        document = RenderedDocument.objects.create(
            key=pdf.document_key(html, title=title, lang="sv"),
            title=title,
            lang="sv",
            filename="bench.pdf",
            html=html,
        )
        html_seconds = time.monotonic() - started
        pdf.render_stored(document.pk)
        document.refresh_from_db()
        runs.append(
            {
                "html_seconds": html_seconds,
                "render_seconds": document.render_seconds or 0.0,
                "weasyprint_seconds": document.weasyprint_seconds or 0.0,
                "pages": document.pages,
                "status": document.status,
                "years": len(table.years),
                "first": table.years[0] if table.years else None,
                "last": table.years[-1] if table.years else None,
                "reports": sum(table.reports.values()),
            }
        )
    return min(runs, key=lambda r: r["html_seconds"] + r["render_seconds"])


def main(command: str, out_path: str) -> None:
    figures = {"probe": probe, "pdf": measure_pdf}[command]()
    Path(out_path).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
