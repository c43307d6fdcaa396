"""The culture plan's part of a person's data export (kulturportal/personal_data.py): the
priorities they submitted for their municipality, the lines naming them as the contact,
and the plan versions they saved."""

from django.db.models import Q

from kulturplan.models import PlanVersion, Priority, Submission, SubmittedPriority
from kulturportal.personal_data import when


def export(user) -> dict:
    return {
        "plan_priorities_submitted": _submissions(user),
        "plan_priorities_naming_you": _contact_lines(user),
        "plan_versions_saved": _versions(user),
    }


def _submissions(user) -> list[dict]:
    submissions = (
        Submission.objects.filter(submitted_by=user)
        .select_related("registration__plan", "registration__municipality")
        .prefetch_related("lines__development_area")
        .order_by("submitted_at")
    )
    return [
        {
            "plan": s.registration.plan.title,
            "municipality": s.registration.municipality.name,
            "submission": s.number,
            "submitted": when(s.submitted_at),
            "priorities": [_line(line) for line in s.lines.all()],
        }
        for s in submissions
    ]


def _line(line) -> dict:
    return {
        "rank": line.rank,
        "development_area": str(line.development_area),
        "motivation": line.motivation,
        "contact_name": line.contact_name,
        "contact_email": line.contact_email,
    }


def _contact_lines(user) -> list[dict]:
    """Lines in a working copy or a submission that give the person as the contact."""
    named = Q(contact_email__iexact=user.email)
    working = Priority.objects.filter(named).select_related(
        "registration__municipality", "development_area"
    )
    submitted = SubmittedPriority.objects.filter(named).select_related(
        "submission__registration__municipality", "development_area"
    )
    return [
        {"municipality": p.registration.municipality.name, "submitted": False, **_line(p)}
        for p in working
    ] + [
        {"municipality": p.submission.registration.municipality.name, "submitted": True, **_line(p)}
        for p in submitted
    ]


def _versions(user) -> list[dict]:
    versions = PlanVersion.objects.filter(created_by=user).select_related("plan")
    return [
        {"plan": v.plan.title, "version": v.number, "saved": when(v.created_at)}
        for v in versions.order_by("created_at")
    ]
