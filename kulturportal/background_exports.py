"""Spreadsheets too big to build during a request: a worker writes them to a file, and the
person who asked downloads it from a progress page.

Why in the background: a table of tens of thousands of rows takes longer to query and
write than a request may take (the web worker's timeout, the proxy's), and while it is
built it holds a web process that others are waiting for. So a view calls start(), which
stores an ExportFile and queues build_export (below) after commit, and answers
with respond(): a redirect to /exporter/<token>/, a page that refreshes itself until the
file is there (kulturportal/export_views.py).

The feature apps say what the rows are. Each registers a builder by name from its
AppConfig.ready(), so the core names no app; the builder gets the JSON params the view
passed and gives back ExportRows:

    # forums/apps.py, in ready():
    background_exports.register("forums.replies", reply_rows)

    # forums/views/replies.py:
    export = background_exports.start(
        user=request.user, builder="forums.replies", params={"meeting": meeting.pk},
        fmt="xlsx", filename=f"svar-{meeting.pk}.xlsx", title=meeting.title,
    )
    return background_exports.respond(request, export)

A builder runs in the worker, with the language of the person who asked: it must check
nothing about permissions (the view did) and must not trust that the params are still
true (a row may be gone: give fewer rows, or raise, and the export fails).

Memory stays flat with the number of rows: `rows` is an iterable the writer consumes one
row at a time (a generator over queryset.iterator(), never a list); CSV is written line by
line and XLSX in openpyxl's write-only mode, both into a temporary file on disk, which is
then copied to the default storage. Every text cell goes through kulturportal/exports.py,
so formula injection is neutralised the same way as in every other download.

Each task claims its row with a conditional update (PENDING → RUNNING), so a duplicated or
re-delivered task builds nothing twice. A worker killed mid-build leaves a RUNNING row;
after STALE_AFTER it is shown as failed, and "Försök igen" queues it anew.
"""

import io
import json
import logging
import secrets
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation

from kulturportal import exports
from kulturportal.models import ExportFile
from kulturportal.tasks import task

logger = logging.getLogger(__name__)
Status = ExportFile.Status

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": exports.CSV_CONTENT_TYPE, "xlsx": exports.XLSX_CONTENT_TYPE}
# rows_done is written after every this many rows: one cheap UPDATE, not one per row.
PROGRESS_EVERY = 500
SOFT_TIME_LIMIT = 15 * 60
TIME_LIMIT = 16 * 60
# Pending or running this long after it was asked for: the task was lost or its worker
# killed (the hard limit stops any build long before), so the export counts as failed.
STALE_AFTER = timedelta(hours=1)
KEEP_FOR = timedelta(days=7)
REFRESH_SECONDS = 2


@dataclass(frozen=True)
class ExportRows:
    """What a builder gives: the header row, the rows (iterated once, never held), how
    many there will be if known (for the progress page), and the XLSX sheet's name."""

    headers: Sequence[str]
    rows: Iterable[Sequence]
    total: int | None = None
    sheet_title: str = "Data"
    widths: Sequence[int] | None = None  # XLSX column widths in characters, if not guessed


Builder = Callable[[dict[str, Any]], ExportRows]
_builders: dict[str, Builder] = {}


def register(name: str, builder: Builder) -> None:
    """Make a builder known by name; call it from the app's AppConfig.ready()."""
    if _builders.get(name, builder) is not builder:
        raise ValueError(f"Another export builder is already registered as {name!r}")
    _builders[name] = builder


def builder_for(name: str) -> Builder:
    try:
        return _builders[name]
    except KeyError:
        raise LookupError(f"No export builder is registered as {name!r}") from None


def start(
    *, user, builder: str, params: dict[str, Any], fmt: str, filename: str, title: str
) -> ExportFile:
    """The person's export of these rows: one already on its way, or a new one queued
    after commit. `params` must be JSON (it is stored, and the builder gets it back)."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    builder_for(builder)  # a misspelt name fails in the request, not in the worker
    params = json.loads(json.dumps(params))  # as the builder will get them back
    on_its_way = ExportFile.objects.filter(
        requested_by=user,
        builder=builder,
        format=fmt,
        status__in=[Status.PENDING, Status.RUNNING],
        created_at__gte=timezone.now() - STALE_AFTER,
    )
    # Compared here, not in SQL: JSON equality differs between databases, and a person
    # has a handful of exports on their way at most.
    for export in on_its_way.only("pk", "params", "token", "status"):
        if export.params == params:
            export.refresh_from_db()
            return export
    if not filename.lower().endswith(f".{fmt}"):
        filename = f"{filename}.{fmt}"
    export = ExportFile.objects.create(
        token=secrets.token_urlsafe(32),
        requested_by=user,
        builder=builder,
        params=params,
        format=fmt,
        filename=filename[:200],
        title=title[:300],
    )
    _queue(export)
    return export


def respond(request: HttpRequest, export: ExportFile) -> HttpResponseRedirect:
    """Send the person to the export's progress page."""
    return HttpResponseRedirect(progress_url(export))


def progress_url(export: ExportFile) -> str:
    return reverse("export_progress", kwargs={"token": export.token})


def restart(export: ExportFile) -> bool:
    """Queue a failed (or stale) export again; whether this call did.

    Only from failed or stale, so a double click queues it once. The export counts as
    asked for now: STALE_AFTER and KEEP_FOR run from here.
    """
    queued = ExportFile.objects.filter(_failed_or_stale(), pk=export.pk).update(
        status=Status.PENDING,
        rows_done=0,
        rows_total=None,
        error="",
        finished_at=None,
        created_at=timezone.now(),
    )
    if queued == 1:
        _queue(export)
    return queued == 1


def file_missing(export: ExportFile) -> None:
    """A done export whose file is gone (storage lost, say) fails, so it can be made anew."""
    ExportFile.objects.filter(pk=export.pk, status=Status.DONE).update(
        status=Status.FAILED, file="", error="The stored file is missing"
    )


def is_stale(export: ExportFile) -> bool:
    return export.status in (Status.PENDING, Status.RUNNING) and (
        timezone.now() - export.created_at > STALE_AFTER
    )


def _failed_or_stale() -> Q:
    return Q(status=Status.FAILED) | Q(
        status__in=[Status.PENDING, Status.RUNNING],
        created_at__lt=timezone.now() - STALE_AFTER,
    )


# --- Queueing ---------------------------------------------------------------------------


def _queue(export: ExportFile) -> None:
    # robust: a broker that is down must not turn the person's request into an error; the
    # row then stays pending, _dispatch marks it failed, and "Försök igen" queues it again.
    # In the embedded default (make run) a thread stands in for the worker (in_thread), as
    # for PDFs, so the request answers at once with the progress page.
    transaction.on_commit(lambda: _dispatch(export.pk), robust=True)
    if not transaction.get_connection().in_atomic_block and not settings.PDF_RENDER_IN_THREAD:
        # No transaction: an in-process (eager) task has run already.
        export.refresh_from_db()


def _dispatch(export_id: int) -> None:
    # After the commit, so the task hands on at once and a broker error is ours to record.
    try:
        build_export.delay(export_id)
    except Exception as error:  # the broker is unreachable, say
        logger.exception("Export %s could not be queued", export_id)
        ExportFile.objects.filter(pk=export_id, status=Status.PENDING).update(
            status=Status.FAILED,
            error=f"Not queued: {type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )


# --- Building (in the task) -------------------------------------------------------------


def build(export_id: int) -> bool:
    """Build one export unless another task has it or it is built. Whether this call
    built (or tried to). Never raises: a failure is stored on the row."""
    if not _claim(export_id):
        return False
    export = ExportFile.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None:  # deleted (with its person) since the claim
        return False
    stored_name = ""
    try:
        language = export.requested_by.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language), tempfile.TemporaryFile() as output:
            table = builder_for(export.builder)(export.params)
            if table.total is not None:
                _running(export_id).update(rows_total=table.total)
            counted = _Counted(export_id, table.rows)
            _write(output, export.format, table, counted)
            output.seek(0)
            stored_name = export.file.storage.save(
                _stored_name(export), File(output), max_length=100
            )
        finished = _running(export_id).update(
            status=Status.DONE,
            file=stored_name,
            rows_done=counted.done,
            rows_total=counted.done,
            error="",
            finished_at=timezone.now(),
        )
        if finished != 1:  # taken from this task meanwhile (counted as stale): not ours
            export.file.storage.delete(stored_name)
    except Exception as error:  # Whatever went wrong, the row must not stay running.
        logger.exception("Export %s (%s) could not be built", export_id, export.builder)
        if stored_name:
            with suppress(Exception):
                export.file.storage.delete(stored_name)
        _running(export_id).update(
            status=Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
    return True


def _claim(export_id: int) -> bool:
    claimed = ExportFile.objects.filter(pk=export_id, status=Status.PENDING).update(
        status=Status.RUNNING, rows_done=0
    )
    return claimed == 1


def _running(export_id: int):
    return ExportFile.objects.filter(pk=export_id, status=Status.RUNNING)


def _write(output, fmt: str, table: ExportRows, rows: Iterable[Sequence]) -> None:
    if fmt == "csv":
        text = io.TextIOWrapper(output, encoding="utf-8", newline="")
        exports.write_csv(text, table.headers, rows)
        text.flush()
        text.detach()  # leave the binary file open for the copy to storage
    else:
        exports.write_xlsx(
            output, table.headers, rows, sheet_title=table.sheet_title, widths=table.widths
        )


def _stored_name(export: ExportFile) -> str:
    # Random, with no part of the person's text in it: the stored name reveals nothing and
    # is never guessed. The download is named export.filename.
    field = ExportFile._meta.get_field("file")
    return field.generate_filename(export, f"{secrets.token_hex(16)}.{export.format}")


class _Counted:
    """The builder's rows, passed through one at a time, with rows_done stored every
    PROGRESS_EVERY rows."""

    def __init__(self, export_id: int, rows: Iterable[Sequence]):
        self.export_id = export_id
        self.rows = rows
        self.done = 0

    def __iter__(self) -> Iterator[Sequence]:
        for row in self.rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                _running(self.export_id).update(rows_done=self.done)


# --- Cleaning up (beat) -----------------------------------------------------------------


def clean_up() -> int:
    """Delete exports (rows and files) older than KEEP_FOR, and fail those that were lost
    on the way (STALE_AFTER). Returns how many were deleted."""
    now = timezone.now()
    ExportFile.objects.filter(
        status__in=[Status.PENDING, Status.RUNNING], created_at__lt=now - STALE_AFTER
    ).update(status=Status.FAILED, error="Lost: never finished", finished_at=now)
    old = ExportFile.objects.filter(created_at__lt=now - KEEP_FOR)
    deleted = 0
    for pk, name in old.values_list("pk", "file").iterator():
        if name:
            try:
                ExportFile._meta.get_field("file").storage.delete(name)
            except OSError:
                logger.exception("Export file %s could not be deleted", name)
                continue  # kept, and tried again on the next round
        deleted += ExportFile.objects.filter(pk=pk).delete()[0]
    return deleted


# --- Tasks ------------------------------------------------------------------------------


@task(acks_late=True, in_thread=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def build_export(export_id: int) -> None:
    """Build one export file. Claims the row first, so a duplicated task builds nothing;
    a failure is stored on the row (FAILED), never raised, so Celery does not retry."""
    build(export_id)


@task(soft_time_limit=300, time_limit=360)
def clean_up_exports() -> int:
    """Run by beat: delete export files and rows older than a week; fail those lost on
    the way."""
    return clean_up()
