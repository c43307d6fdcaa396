"""The plan as PDF under the stopwatch: the demo plan and one with ten times its development
areas, each rendered as the worker renders it (kulturportal.pdf.render_stored).

Run by run.py as `python -m bench.pdf OUT.json` with DJANGO_SETTINGS_MODULE=bench.settings,
in the last scale's database. "Our own time" is everything but WeasyPrint: building the
context and the HTML, hashing it, and storing the file.
"""

import json
import sys
import time

import django

REPEATS = 3
DEMO_PLAN = "2029-2032"
TEN_TIMES = "bench-pdf-x10"


def main(out_path: str) -> None:
    django.setup()
    results = {
        "subsetting": subsetting(),
        "plans": [
            measure(DEMO_PLAN, "the demo plan"),
            measure(_ten_times(), "ten times the areas"),
        ],
    }
    for f in results["plans"]:
        print(
            f"  {f['label']}: {f['pages']} pages in {f['seconds']:.2f} s, "
            f"{f['pages_per_second']:.1f} pages/s "
            f"({f['pages_per_cpu_second']:.1f} per CPU-second), "
            f"own share {f['own_share']:.1%}",
            flush=True,
        )
    print(f"  fonts subset with {results['subsetting']}", flush=True)
    with open(out_path, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=2)


def subsetting() -> str:
    """Which way WeasyPrint subsets the fonts it embeds. weasyprint/text/ffi.py opens
    libharfbuzz-subset at import (None when missing), and weasyprint/pdf/fonts.py uses it
    when HarfBuzz is at least 4.1.0; otherwise it falls back to fontTools, several times
    slower (Debian: apt-get install libharfbuzz-subset0)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None:
        return "fontTools (libharfbuzz-subset not found)"
    if not harfbuzz.hb_version_atleast(4, 1, 0):
        return "fontTools (HarfBuzz older than 4.1.0)"
    return "HarfBuzz-Subset"


def measure(slug: str, label: str) -> dict:
    from kulturplan.document import plan_context
    from kulturplan.models import CulturePlan
    from kulturportal import pdf
    from kulturportal.models import RenderedDocument

    plan = CulturePlan.objects.get(slug=slug)
    runs = []
    for _ in range(REPEATS):
        RenderedDocument.objects.all().delete()
        started, cpu_started = time.monotonic(), time.process_time()
        # What plan_document() does in the request, without queueing a task.
        html = pdf.render_html(
            "kulturplan/plan_pdf.html", plan_context(plan), title=plan.title, lang="sv"
        )
        document = RenderedDocument.objects.create(
            key=pdf.document_key(html, title=plan.title, lang="sv"),
            title=plan.title,
            lang="sv",
            filename="bench.pdf",
            html=html,
        )
        html_seconds = time.monotonic() - started
        pdf.render_stored(document.pk)
        cpu_seconds = time.process_time() - cpu_started
        document.refresh_from_db()
        runs.append(
            {
                "html_seconds": html_seconds,
                "render_seconds": document.render_seconds,
                "weasyprint_seconds": document.weasyprint_seconds,
                "pages": document.pages,
                "cpu_seconds": cpu_seconds,
            }
        )
    best = min(runs, key=lambda r: r["html_seconds"] + r["render_seconds"])
    total = best["html_seconds"] + best["render_seconds"]
    return {
        "label": label,
        "plan": slug,
        "development_areas": plan.development_areas.count(),
        "pages": best["pages"],
        "seconds": total,
        "weasyprint_seconds": best["weasyprint_seconds"],
        "pages_per_second": best["pages"] / total,
        # This process's CPU time (WeasyPrint runs in it): holds on a busy machine.
        "cpu_seconds": best["cpu_seconds"],
        "pages_per_cpu_second": best["pages"] / best["cpu_seconds"],
        "own_share": (total - best["weasyprint_seconds"]) / total,
    }


def _ten_times() -> str:
    """A copy of the demo plan with each development area ten times, and priorities."""
    from kulturplan.models import CulturePlan, DevelopmentArea

    if CulturePlan.objects.filter(slug=TEN_TIMES).exists():
        return TEN_TIMES
    demo = CulturePlan.objects.get(slug=DEMO_PLAN)
    plan = CulturePlan.objects.create(
        title="Kulturplan med tio gånger så många utvecklingsområden",
        slug=TEN_TIMES,
        starts_year=2033,
        ends_year=2036,
    )
    for section in demo.sections.all():
        section.pk, section.plan = None, plan
        section.save()
    areas = list(demo.development_areas.prefetch_related("activity_areas"))
    for copy in range(10):
        for area in areas:
            new = DevelopmentArea.objects.create(
                plan=plan,
                position=copy * 100 + area.position,
                slug=f"{area.slug}-{copy}",
                title=f"{area.title} ({copy + 1})",
                description=area.description,
            )
            new.activity_areas.set(area.activity_areas.all())
    return TEN_TIMES


if __name__ == "__main__":
    main(sys.argv[1])
