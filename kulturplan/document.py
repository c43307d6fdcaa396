"""The plan as a PDF: the same content as the web page, rendered by the core renderer."""

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kulturplan.models import CulturePlan
from kulturplan.overview import matrix
from kulturportal import pdf

# The appendix splits the matrix so a column stays readable on an A4 page lying down.
APPENDIX_COLUMNS = 8


def plan_context(plan: CulturePlan) -> dict:
    table = matrix(plan)
    chunks = [
        (start, table.areas[start : start + APPENDIX_COLUMNS])
        for start in range(0, len(table.areas), APPENDIX_COLUMNS)
    ]
    return {
        "plan": plan,
        "sections": list(plan.sections.all()),
        "areas": table.areas,
        "matrix": table,
        "appendix": [
            {
                "first": start + 1,
                "last": start + len(areas),
                "areas": areas,
                "groups": [
                    {
                        "sub_region": group.sub_region,
                        "rows": [
                            (row.municipality, row.submitted, [row.ranks.get(a.pk) for a in areas])
                            for row in group.rows
                        ],
                    }
                    for group in table.groups
                ],
            }
            for start, areas in chunks
        ],
        "running_title": plan.title,
        # Shown on the cover; part of the hash, so the date changes only with the content.
        "version_label": _("Version %(number)s") % {"number": plan.version},
        "status_label": plan.get_status_display(),
    }


def plan_document(plan: CulturePlan):
    language = (get_language() or "sv")[:2]
    return pdf.document_for(
        "kulturplan/plan_pdf.html",
        plan_context(plan),
        title=plan.title,
        lang=language,
        filename=f"kulturplan-{plan.slug}.pdf",
    )
