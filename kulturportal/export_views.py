"""The progress page and the download of a background export (kulturportal/background_exports.py).

Only the person who asked for an export sees it: anyone else, officials and staff
included, gets 404, as if the token did not exist. The pages are private and change from
one second to the next, so no browser or proxy may keep them (never_cache); the page cache
never sees them, as it serves anonymous visitors only.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kulturportal import background_exports, uploads
from kulturportal.models import ExportFile

Status = ExportFile.Status


def _own_export(request, token: str) -> ExportFile:
    return get_object_or_404(ExportFile, token=token, requested_by=request.user)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])  # POST: "try again" after a failure
def export_progress(request, token):
    export = _own_export(request, token)
    if request.method == "POST":
        if export.status == Status.FAILED or background_exports.is_stale(export):
            background_exports.restart(export)
        return redirect("export_progress", token=export.token)
    context = {
        "export": export,
        "reload_url": request.path,
        "refresh_seconds": background_exports.REFRESH_SECONDS,
        "keep_days": background_exports.KEEP_FOR.days,
    }
    if export.status == Status.DONE:
        context["size"] = _size(export)
        if context["size"] is None:  # the file is gone (deleted, or storage lost)
            background_exports.file_missing(export)
            return render(request, "kulturportal/exports/failed.html", context)
        return render(request, "kulturportal/exports/done.html", context)
    if export.status == Status.FAILED or background_exports.is_stale(export):
        return render(request, "kulturportal/exports/failed.html", context)
    return render(request, "kulturportal/exports/progress.html", context)


@never_cache
@login_required
@require_safe
def export_download(request, token):
    export = _own_export(request, token)
    if export.status != Status.DONE:
        raise Http404
    return uploads.serve(
        export.file,
        filename=export.filename,
        content_type=background_exports.CONTENT_TYPES.get(
            export.format, "application/octet-stream"
        ),
    )


def _size(export: ExportFile) -> int | None:
    if not export.file:
        return None
    try:
        return export.file.size
    except OSError:
        return None
