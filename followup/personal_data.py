"""The follow-up's part of a person's data export (kulturportal/personal_data.py): the
annual reports they worked on for their organisation, the versions they submitted with
the explanations they wrote, and the files they attached."""

from django.db.models import Q

from followup.models import AnnualReport, ReportContent, ReportFile
from kulturportal.personal_data import when


def export(user) -> dict:
    return {"annual_reports": _reports(user)}


def _reports(user) -> list[dict]:
    worked_on = Q(updated_by=user) | Q(contents__submitted_by=user) | Q(files__uploaded_by=user)
    reports = (
        AnnualReport.objects.filter(pk__in=AnnualReport.objects.filter(worked_on).values("pk"))
        .select_related("round", "organisation")
        .order_by("round__year")
    )
    versions = _by_report(ReportContent.objects.filter(submitted_by=user, report__in=reports))
    files = _by_report(ReportFile.objects.filter(uploaded_by=user, report__in=reports))
    return [
        {
            "year": r.round.year,
            "organisation": r.organisation.name,
            "status": r.get_status_display(),
            "versions_you_submitted": [
                {
                    "version": c.number,
                    "submitted": when(c.submitted_at),
                    "explanations": c.explanations,
                }
                for c in versions.get(r.pk, [])
            ],
            "files_you_attached": [
                {"file": f.filename, "uploaded": when(f.created_at), "removed": when(f.removed_at)}
                for f in files.get(r.pk, [])
            ],
        }
        for r in reports
    ]


def _by_report(rows) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.report_id, []).append(row)
    return grouped
