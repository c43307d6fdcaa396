"""Workflows of the plan: edit its text, move it through its statuses, open registration,
register priorities, remind the missing. Each owns its transaction, takes the person it acts
for (`actor`) and writes the audit log.

AlreadyReminded and NoOneToRemind are the core's (kulturportal/boards.py), named here for
the views.
"""

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kulturplan.board import completion
from kulturplan.models import (
    CulturePlan,
    DevelopmentArea,
    PlanVersion,
    Priority,
    Registration,
    RegistrationWindow,
    Section,
    Submission,
    SubmittedPriority,
)
from kulturportal import audit, search
from kulturportal.boards import (  # noqa: F401 - the reminder's refusals, for the views
    AlreadyReminded,
    BoardRow,
    Contact,
    NoOneToRemind,
    remind_missing_once_a_day,
)
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import templated_email
from kulturportal.models import AuditEntry, Municipality

audit.register_actions(
    {
        "plan.created": gettext_lazy("Planen skapad"),
        "plan.status": gettext_lazy("Planens status ändrad"),
        "plan.version_saved": gettext_lazy("Version sparad"),
        "section.saved": gettext_lazy("Avsnitt sparat"),
        "section.created": gettext_lazy("Avsnitt skapat"),
        "section.deleted": gettext_lazy("Avsnitt borttaget"),
        "development_area.deleted": gettext_lazy("Utvecklingsområde borttaget"),
        "development_area.saved": gettext_lazy("Utvecklingsområde sparat"),
        "development_area.created": gettext_lazy("Utvecklingsområde skapat"),
        "window.opened": gettext_lazy("Anmälan öppnad"),
        "window.closed": gettext_lazy("Anmälan stängd"),
        "window.cancelled": gettext_lazy("Anmälan som inte hade öppnat borttagen"),
        "priorities.saved": gettext_lazy("Prioriteringar sparade som utkast"),
        "priorities.submitted": gettext_lazy("Prioriteringar inskickade"),
        "priorities.reminded": gettext_lazy("Påminnelse skickad"),
    },
    details={
        "submission": gettext_lazy("Inskickning"),
        "version_number": gettext_lazy("Version"),
        "recipients": gettext_lazy("Mottagare"),
        "municipalities": gettext_lazy("Kommuner"),
        "note": gettext_lazy("Anteckning"),
        "opens_at": gettext_lazy("Öppnar"),
        "copied_from": gettext_lazy("Kopia av"),
    },
)


class PlanLocked(Exception):
    """An adopted or archived plan's text is never changed."""


class WindowClosed(Exception):
    """Priorities are registered only while a registration window is open."""


class StaleRegistration(Exception):
    """Someone saved the municipality's priorities after this form was opened."""

    def __init__(self, registration: Registration, entries: list[AuditEntry]):
        super().__init__(registration.version)
        self.registration = registration
        self.entries = entries


# --- The plan's text -------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    title: str,
    slug: str,
    starts_year: int,
    ends_year: int,
    copy_from: CulturePlan | None,
    actor,
) -> CulturePlan:
    """A new plan period, as a draft; its text starts as a copy of `copy_from`, if given, so
    the next plan is written from the last one."""
    plan = CulturePlan.objects.create(
        title=title, slug=slug, starts_year=starts_year, ends_year=ends_year
    )
    if copy_from is not None:
        _copy_text(copy_from, plan)
    audit.record(
        "plan.created",
        plan,
        actor=actor,
        details={"copied_from": copy_from.title if copy_from else ""},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(plan)
    return plan


def _copy_text(source: CulturePlan, plan: CulturePlan) -> None:
    Section.objects.bulk_create(
        Section(plan=plan, position=s.position, title=s.title, slug=s.slug, body=s.body)
        for s in source.sections.all()
    )
    for area in source.development_areas.prefetch_related("activity_areas"):
        copy = DevelopmentArea.objects.create(
            plan=plan,
            position=area.position,
            title=area.title,
            slug=area.slug,
            description=area.description,
        )
        copy.activity_areas.set(area.activity_areas.all())


@transaction.atomic
def delete_section(*, section: Section, actor) -> None:
    _require_editable(section.plan)
    audit.record(
        "section.deleted",
        section.plan,
        actor=actor,
        changes={"body": [section.body, None]},
        details={"title": section.title},
    )
    search.reindex_on_commit(section)  # before the delete: its document goes with it
    section.delete()
    invalidate_public_pages_on_commit()


class AreaInUse(Exception):
    """Municipalities have submitted priorities for the area: it stays."""


@transaction.atomic
def delete_development_area(*, area: DevelopmentArea, actor) -> None:
    """Remove an area from a draft; one that municipalities have submitted stays, so no
    submission ever loses a line."""
    _require_editable(area.plan)
    if area.submitted_priorities.exists():
        raise AreaInUse
    audit.record("development_area.deleted", area.plan, actor=actor, details={"title": area.title})
    search.reindex_on_commit(area)  # before the delete: its document goes with it
    Priority.objects.filter(development_area=area).delete()
    area.delete()
    invalidate_public_pages_on_commit()


def _require_editable(plan: CulturePlan) -> None:
    if CulturePlan.objects.get(pk=plan.pk).is_locked:
        raise PlanLocked


@transaction.atomic
def save_section(*, section: Section, changed: list[str], actor) -> Section:
    """Save an edited (or new) section of a plan that is not locked."""
    creating = section.pk is None
    _require_editable(section.plan)
    before = {} if creating else audit.snapshot(Section.objects.get(pk=section.pk), changed)
    section.save()
    audit.record(
        "section.created" if creating else "section.saved",
        section.plan,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(section, changed)),
        details={"title": section.title},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(section)
    return section


AREA_FIELDS = ["title", "slug", "position", "description"]


@transaction.atomic
def save_development_area(*, area: DevelopmentArea, activity_areas, actor) -> DevelopmentArea:
    creating = area.pk is None
    _require_editable(area.plan)
    before = {}
    if not creating:
        stored = DevelopmentArea.objects.get(pk=area.pk)
        before = {**audit.snapshot(stored, AREA_FIELDS), "activity_areas": _area_names(stored)}
    area.save()
    area.activity_areas.set(activity_areas)
    after = {**audit.snapshot(area, AREA_FIELDS), "activity_areas": _area_names(area)}
    audit.record(
        "development_area.created" if creating else "development_area.saved",
        area.plan,
        actor=actor,
        changes=audit.diff(before, after),
        details={"title": area.title},
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(area)
    return area


def _area_names(area: DevelopmentArea) -> str:
    return ", ".join(sorted(a.name_sv for a in area.activity_areas.all()))


def plan_content(plan: CulturePlan) -> dict:
    """The plan's text as it stands, in the form a saved version keeps."""
    return {
        "sections": [
            {"slug": s.slug, "title": s.title, "body": s.body} for s in plan.sections.all()
        ],
        "development_areas": [
            {
                "slug": a.slug,
                "title": a.title,
                "description": a.description,
                "activity_areas": sorted(x.code for x in a.activity_areas.all()),
            }
            for a in plan.development_areas.prefetch_related("activity_areas")
        ],
    }


@transaction.atomic
def save_version(*, plan: CulturePlan, note: str = "", actor) -> PlanVersion:
    """Freeze the text as version N; the text goes on being written as version N+1."""
    plan = CulturePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_locked:
        raise PlanLocked
    version = _freeze(plan, note, actor)
    plan.version = F("version") + 1
    plan.save(update_fields=["version", "updated_at"])
    audit.record(
        "plan.version_saved",
        plan,
        actor=actor,
        details={"version_number": version.number, "note": note},
    )
    invalidate_public_pages_on_commit()
    return version


def _freeze(plan: CulturePlan, note: str, actor) -> PlanVersion:
    return PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        note=note,
        created_by=audit.person(actor),
        content=plan_content(plan),
    )


@transaction.atomic
def change_status(*, plan: CulturePlan, status: str, actor) -> CulturePlan:
    """Move the plan on. Adopting freezes the text as its final version and locks it."""
    plan = CulturePlan.objects.select_for_update().get(pk=plan.pk)
    if status not in plan.next_statuses():
        raise ValueError(f"{plan.status} → {status} is not a step a plan takes")
    before = audit.snapshot(plan, ["status"])
    if status == CulturePlan.Status.ADOPTED:
        _freeze(plan, _("Antagen version"), actor)
        plan.adopted_on = timezone.localdate()
    plan.status = status
    plan.save(update_fields=["status", "adopted_on", "updated_at"])
    audit.record(
        "plan.status",
        plan,
        actor=actor,
        changes=audit.diff(before, audit.snapshot(plan, ["status"])),
    )
    invalidate_public_pages_on_commit()
    search.reindex_on_commit(plan)
    return plan


# --- Registration windows --------------------------------------------------------------------


@transaction.atomic
def open_window(*, plan: CulturePlan, opens_at: datetime, closes_at: datetime, actor):
    window = RegistrationWindow.objects.create(plan=plan, opens_at=opens_at, closes_at=closes_at)
    audit.record(
        "window.opened",
        plan,
        actor=actor,
        changes={"closes_at": [None, audit.jsonable(closes_at)]},
        details={"opens_at": audit.jsonable(opens_at)},
    )
    invalidate_public_pages_on_commit()
    return window


@transaction.atomic
def close_window(*, window: RegistrationWindow, actor) -> RegistrationWindow:
    """Close an open window now; one that has closed already stays as it was."""
    window = RegistrationWindow.objects.select_for_update().get(pk=window.pk)
    now = timezone.now()
    if window.has_closed(now):
        return window
    if window.opens_at > now:
        # Closing a window that has not opened means it never opens: it goes.
        audit.record(
            "window.cancelled",
            window.plan,
            actor=actor,
            details={"opens_at": audit.jsonable(window.opens_at)},
        )
        window.delete()
        invalidate_public_pages_on_commit()
        return window
    before = audit.jsonable(window.closes_at)
    window.closes_at = now
    window.save(update_fields=["closes_at", "updated_at"])
    audit.record(
        "window.closed",
        window.plan,
        actor=actor,
        changes={"closes_at": [before, audit.jsonable(now)]},
    )
    invalidate_public_pages_on_commit()
    return window


def window_for(plan: CulturePlan, moment=None) -> RegistrationWindow | None:
    """The open window, else the latest one (to say when it closed or will open)."""
    windows = list(plan.registration_windows.all())
    moment = moment or timezone.now()
    for window in windows:
        if window.is_open(moment):
            return window
    return windows[0] if windows else None


# --- Priorities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    development_area: DevelopmentArea
    rank: int
    motivation: str
    contact_name: str = ""
    contact_email: str = ""


def registration_for(plan: CulturePlan, municipality: Municipality) -> Registration:
    registration, _created = Registration.objects.get_or_create(
        plan=plan, municipality=municipality
    )
    return registration


@transaction.atomic
def save_priorities(
    *,
    registration: Registration,
    lines: list[Line],
    base_version: int,
    submit: bool,
    actor,
    moment: datetime | None = None,
) -> Registration:
    """Replace the municipality's working copy; with `submit`, also send it in as a new
    submission, which is what the public sees.

    Refused when no window is open (WindowClosed, checked here, on the server's clock) and
    when someone saved since the form was opened (StaleRegistration): never a lost update.
    """
    moment = moment or timezone.now()
    if not registration.plan.registration_windows.open_at(moment).exists():
        raise WindowClosed
    _claim(registration, base_version)
    before = _lines_snapshot(registration.priorities.select_related("development_area"))
    registration.priorities.all().delete()
    Priority.objects.bulk_create(
        Priority(registration=registration, **_line_fields(line)) for line in lines
    )
    # An area no longer prioritised shows in the history as going to nothing.
    after = {title: None for title in before} | _lines_snapshot(lines)
    registration.refresh_from_db(fields=["version"])
    registration.updated_by = audit.person(actor)
    details = {"version": registration.version}
    if submit:
        submission = _submit(registration, lines, actor)
        details["submission"] = submission.number
    registration.has_draft_changes = not submit
    registration.save(
        update_fields=["updated_by", "has_draft_changes", "current_submission", "updated_at"]
    )
    audit.record(
        "priorities.submitted" if submit else "priorities.saved",
        registration,
        actor=actor,
        changes=audit.diff(before, after),
        details=details,
    )
    if submit:
        invalidate_public_pages_on_commit()
    return registration


def _claim(registration: Registration, base_version: int) -> None:
    claimed = Registration.objects.filter(pk=registration.pk, version=base_version).update(
        version=F("version") + 1
    )
    if claimed != 1:
        current = Registration.objects.select_related("updated_by").get(pk=registration.pk)
        since = [
            e
            for e in AuditEntry.objects.about(registration)[:20]
            if (e.details or {}).get("version", 0) > base_version
        ]
        raise StaleRegistration(current, since)


def _line_fields(line: Line) -> dict:
    return {
        "development_area": line.development_area,
        "rank": line.rank,
        "motivation": line.motivation,
        "contact_name": line.contact_name,
        "contact_email": line.contact_email,
    }


def _lines_snapshot(lines) -> dict:
    """{area title: "rank. motivation (contact)"}: what the history shows per area."""
    shown = {}
    for line in lines:
        contact = ", ".join(x for x in (line.contact_name, line.contact_email) if x)
        text = f"{line.rank}. {line.motivation}" + (f" ({contact})" if contact else "")
        shown[line.development_area.title] = text
    return shown


def _submit(registration: Registration, lines: list[Line], actor) -> Submission:
    number = registration.submissions.count() + 1
    submission = Submission.objects.create(
        registration=registration, number=number, submitted_by=audit.person(actor)
    )
    SubmittedPriority.objects.bulk_create(
        SubmittedPriority(submission=submission, **_line_fields(line)) for line in lines
    )
    registration.current_submission = submission
    return submission


# --- Reminders to the missing -----------------------------------------------------------------


@transaction.atomic
def send_reminders(*, window: RegistrationWindow, actor, today: date | None = None) -> int:
    """Remind the culture chiefs of the municipalities that have not submitted; once a day
    per window (the core's boards). Returns the number of e-mails queued."""
    today = today or timezone.localdate()
    if not window.is_open():
        raise WindowClosed
    reminder, reminded = remind_missing_once_a_day(
        about=window,
        board=completion(window.plan, on=today),
        email=partial(_reminder_email, window),
        actor=actor,
        today=today,
    )
    audit.record(
        "priorities.reminded",
        window.plan,
        actor=actor,
        details={
            "recipients": reminder.recipients,
            "municipalities": sorted(row.party.name for row in reminded),
        },
    )
    return reminder.recipients


def _reminder_email(window: RegistrationWindow, row: BoardRow, chief: Contact, reminder):
    municipality = row.party
    with translation.override(chief.language):
        form_url = settings.SITE_URL + reverse("kulturplan:priorities", args=[municipality.slug])
    return templated_email(
        to=chief.email,
        name="kulturplan/emails/priorities_reminder",
        context={
            "plan": window.plan,
            "window": window,
            "municipality": municipality,
            "recipient": chief,
            "form_url": form_url,
        },
        language=chief.language,
        dedupe_key=f"kulturplan-reminder:{window.pk}:{reminder.sent_on}:{chief.email}",
    )
