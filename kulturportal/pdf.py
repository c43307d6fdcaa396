"""PDFs: an ordinary template in, a stored file out, keyed by a hash of everything that went in.

A view calls document_for(), which renders the template to HTML (cheap), finds or creates
the RenderedDocument for its key and, for a new one, queues the render after commit; then
respond(), which serves the PDF once a worker has made it and a self-refreshing progress
page until then. WeasyPrint runs only in the task (render_document, below):

    @require_http_methods(["GET", "HEAD", "POST"])  # POST: "try again" after a failure
    def plan_pdf(request, pk):
        plan = ...
        document = pdf.document_for(
            "kulturplan/plan_pdf.html", {"plan": plan},
            title=plan.title, lang=get_language(), filename=f"kulturplan-{plan.pk}.pdf",
        )
        return pdf.respond(request, document)

Unchanged inputs give the same key, so the stored file is served again; any change (the
HTML, the title, the language, WeasyPrint's version, a static file the HTML uses) gives a
new key and a new render. Templates extend kulturportal/pdf_base.html (see static/pdf/base.css
for the running title, the page numbers, repeating table headers and the table of contents).
"""

import functools
import hashlib
import io
import logging
import mimetypes
import posixpath
import re
import time
from datetime import timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from kulturportal.caching import uncacheable
from kulturportal.models import RenderedDocument
from kulturportal.tasks import task

logger = logging.getLogger(__name__)
Status = RenderedDocument.Status

# Part of every key: a new WeasyPrint, or a change here that alters the output, renders anew.
# Read from the package metadata: importing WeasyPrint takes a second and is for workers.
RENDERER_VERSION = f"kulturportal-pdf/2 weasyprint/{version('weasyprint')}"
# Tagged (structure tree, /MarkInfo), with /Lang and the title shown as the window title.
PDF_VARIANT = "pdf/ua-1"
# Relative URLs resolve against a host that cannot exist, so /static/... is recognisable
# and nothing else can be mistaken for the portal's own files.
BASE_URL = "http://portal.invalid/"
SOFT_TIME_LIMIT = 120
TIME_LIMIT = 150
# Waiting or rendering longer than the hard limit: the task was lost or its worker killed.
STUCK_AFTER = timedelta(seconds=TIME_LIMIT)
RETRY_FAILED_AFTER = timedelta(minutes=1)
REFRESH_SECONDS = 2


def document_for(
    template_name: str, context: dict[str, Any], *, title: str, lang: str = "sv", filename: str
) -> RenderedDocument:
    """The stored document for this template and context, queued for rendering if new."""
    html = render_html(template_name, context, title=title, lang=lang)
    key = document_key(html, title=title, lang=lang)
    # Race-safe: the key is unique, and get_or_create fetches the row when a concurrent
    # request's INSERT wins (IntegrityError).
    document, created = RenderedDocument.objects.get_or_create(
        key=key, defaults={"title": title, "lang": lang, "filename": filename, "html": html}
    )
    if created:
        _queue_render(document)
    elif not document.is_done():
        _retry_if_due(document)
    return document


def render_html(template_name: str, context: dict[str, Any], *, title: str, lang: str) -> str:
    """The template as HTML, in the document's language, with what pdf_base.html needs."""
    with translation.override(lang):
        running_title = context.get("running_title", title)
        return render_to_string(
            template_name,
            {
                "title": title,
                **context,
                "lang": lang,
                "running_title": running_title,
                "running_title_css": css_string(running_title),
                "page_number_css": page_number_css(),
            },
        )


def page_number_css() -> SafeString:
    """The footer as a CSS content value: "sida " counter(page) " av " counter(pages).

    Translated as one sentence, then cut at its placeholders: CSS holds no translations.
    """
    # Translators: the page footer of every PDF, e.g. "sida 3 av 12".
    sentence = gettext("sida %(page)s av %(pages)s")
    parts = re.split(r"(%\((?:page|pages)\)s)", sentence)
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    values = [counters.get(part) or css_string(part) for part in parts if part]
    return mark_safe(" ".join(values))  # noqa: S308 -- each literal part is escaped


def css_string(text: str) -> SafeString:
    """A quoted CSS string that cannot end the string or the <style> element it is in."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in '"\\<>&' or ord(char) < 32 else char for char in str(text)
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 -- every special character is escaped


def document_key(html: str, *, title: str, lang: str) -> str:
    parts = [html, title, lang, RENDERER_VERSION, static_fingerprint(html)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def respond(request: HttpRequest, document: RenderedDocument) -> HttpResponse:
    """The PDF if it is made; else a page that says it is on its way, or that it failed.

    A POST (the failure page's "try again") queues a failed document again.
    """
    if request.method == "POST":
        if document.is_failed():
            _queue_again(document)
        return HttpResponseRedirect(request.get_full_path())
    if document.is_done():
        return _pdf_response(document)
    context = {
        "document": document,
        "reload_url": request.get_full_path(),
        "refresh_seconds": REFRESH_SECONDS,
    }
    if document.is_failed():
        response = render(request, "kulturportal/pdf_failed.html", context, status=503)
    else:
        response = render(request, "kulturportal/pdf_progress.html", context, status=202)
    response["Cache-Control"] = "no-store"
    return uncacheable(response)


def _pdf_response(document: RenderedDocument) -> HttpResponse:
    response = HttpResponse(bytes(document.content or b""), content_type="application/pdf")
    disposition = content_disposition_header(False, document.filename)
    response["Content-Disposition"] = disposition or "inline"
    # The key makes the content immutable; a short lifetime keeps a superseded one brief.
    patch_cache_control(response, public=True, max_age=300)
    return response


def _queue_render(document: RenderedDocument) -> None:
    # In the embedded default a thread stands in for the worker (in_thread), so the
    # request still answers at once with the progress page.
    render_document.delay(document.pk)
    if not transaction.get_connection().in_atomic_block and not settings.PDF_RENDER_IN_THREAD:
        # No transaction: an in-process (eager) task has run already.
        document.refresh_from_db()


def _retry_if_due(document: RenderedDocument) -> None:
    waited = timezone.now() - document.status_changed_at
    if waited > (RETRY_FAILED_AFTER if document.is_failed() else STUCK_AFTER):
        _queue_again(document)


def _queue_again(document: RenderedDocument) -> None:
    # Only from the state this request saw: many viewers of one stuck document queue it once.
    now = timezone.now()
    queued = RenderedDocument.objects.filter(
        pk=document.pk, status=document.status, status_changed_at=document.status_changed_at
    ).update(status=Status.PENDING, status_changed_at=now)
    if queued == 1:
        document.status, document.status_changed_at = Status.PENDING, now
        _queue_render(document)


def render_stored(document_id: int) -> bool:
    """Render one stored document unless it is done or another worker has it.

    Returns whether this call rendered (or tried to). Records the whole time and the time
    inside WeasyPrint, so a benchmark can tell what the rest costs.
    """
    started = time.monotonic()
    if not _claim(document_id):
        return False
    document = RenderedDocument.objects.get(pk=document_id)
    weasyprint_seconds = None
    try:
        weasyprint_started = time.monotonic()
        content, pages = render_html_to_pdf(document.html, title=document.title, lang=document.lang)
        weasyprint_seconds = time.monotonic() - weasyprint_started
    except Exception as error:  # Whatever went wrong, the row must not stay claimed.
        logger.exception("PDF %s (%s) could not be rendered", document_id, document.filename)
        _finish(
            document_id,
            status=Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            render_seconds=time.monotonic() - started,
        )
        return True
    _finish(
        document_id,
        status=Status.DONE,
        content=content,
        pages=pages,
        error="",
        weasyprint_seconds=weasyprint_seconds,
        render_seconds=time.monotonic() - started,
        rendered_at=timezone.now(),
    )
    return True


def _claim(document_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status__in=[Status.PENDING, Status.FAILED]) | Q(
        status=Status.RENDERING, status_changed_at__lt=now - STUCK_AFTER
    )
    claimed = RenderedDocument.objects.filter(claimable, pk=document_id).update(
        status=Status.RENDERING, status_changed_at=now
    )
    return claimed == 1


def _finish(document_id: int, **fields: Any) -> None:
    RenderedDocument.objects.filter(pk=document_id, status=Status.RENDERING).update(
        status_changed_at=timezone.now(), **fields
    )


def render_html_to_pdf(html: str, *, title: str, lang: str) -> tuple[bytes, int]:
    """The PDF (PDF/UA-1: tagged, with /Lang and the title as window title) and its pages."""
    import weasyprint

    source = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=static_files_fetcher())
    document = source.render(pdf_variant=PDF_VARIANT)
    # The stored title and language win over whatever the template's <head> said.
    document.metadata.title = title
    document.metadata.lang = lang
    return scope_table_headers(document.write_pdf(pdf_variant=PDF_VARIANT)), len(document.pages)


def scope_table_headers(pdf: bytes) -> bytes:
    """Give every table header cell (TH) of the structure tree its /Scope, which PDF/UA asks
    for and WeasyPrint does not yet write (Kozea/WeasyPrint#2508): a screen reader can
    then tell a column's header from a row's. Our templates' convention decides: a header
    in a THead row heads its column, one in a row of its own (a group's heading, spanning
    the table) heads the rows below as a column header, and any other heads its row."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.get("/StructTreeRoot")
        if root is None:
            return pdf
        _scope_headers(root, in_head=False)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()


def _scope_headers(node, *, in_head: bool) -> None:
    import pikepdf

    if isinstance(node, pikepdf.Array):
        for kid in node:
            _scope_headers(kid, in_head=in_head)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    kind = node.get("/S")
    if kind == "/TR":
        cells = [kid for kid in _kids(node) if isinstance(kid, pikepdf.Dictionary)]
        alone = len(cells) == 1
        for cell in cells:
            if cell.get("/S") == "/TH":
                scope = "/Column" if in_head or alone else "/Row"
                cell["/A"] = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name(scope))
        return
    kids = node.get("/K")
    if kids is not None:
        _scope_headers(kids, in_head=in_head or kind == "/THead")


def _kids(node) -> list:
    import pikepdf

    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def warm_up() -> None:
    """One tiny render: WeasyPrint's imports and fontconfig's font cache, paid up front."""
    try:
        render_html_to_pdf("<p>Kulturportalen</p>", title="warm-up", lang="sv")
    except Exception:  # a worker that cannot warm up still starts; the real render will say
        logger.exception("The PDF renderer could not warm up")


class RefusedURL(ValueError):
    pass


def fetch_static(url: str) -> tuple[bytes, str]:
    """The content and type of one of the portal's static files; RefusedURL for any other.

    A template that names an outside address (an image in pasted text, say) must not make
    the worker fetch it: that would tell a stranger who reads what, or reach internal
    services. WeasyPrint logs a refused resource and goes on without it.
    """
    path = static_path(url)
    content = read_static(path) if path else None
    if path is None or content is None:
        logger.warning("PDF: refused to fetch %s", url[:200])
        raise RefusedURL(f"Not one of the portal's static files: {url[:200]}")
    return content, mimetypes.guess_type(path)[0] or "application/octet-stream"


def static_files_fetcher() -> Any:
    """A WeasyPrint URL fetcher for static files (fetch_static) and data: URLs alone."""
    return _fetcher_class()()


@functools.cache
def _fetcher_class() -> type:
    # Defined on first use, so that the web processes never import WeasyPrint.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            content, content_type = fetch_static(url)
            return URLFetcherResponse(url, content, headers={"Content-Type": content_type})

    return StaticFilesFetcher


def static_path(url: str) -> str | None:
    """The static file's path (pdf/base.css) for a URL under STATIC_URL, else None."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    address = urljoin(BASE_URL, url).split("#", 1)[0].split("?", 1)[0]
    if not address.startswith(prefix):
        return None
    path = unquote(address[len(prefix) :])
    if not path or "\\" in path or "\0" in path or posixpath.normpath(path) != path:
        return None  # Empty, or a way out of the static folders (../, //, absolute).
    return path


def read_static(path: str) -> bytes | None:
    """A static file's bytes: from the source folders, or collected (hashed names)."""
    try:
        found = finders.find(path)
        if found:
            return Path(found).read_bytes()
        if staticfiles_storage.exists(path):
            with staticfiles_storage.open(path) as file:
                return file.read()
    except (SuspiciousFileOperation, OSError, ValueError):
        pass
    return None


# href="…", src="…", url(…) and @import "…": what may point at a static file.
_REFERENCE = re.compile(
    r"""(?:\b(?:href|src)\s*=\s*["']([^"']+)["'])"""
    r"""|(?:url\(\s*["']?([^"')\s]+))"""
    r"""|(?:@import\s+["']([^"']+)["'])""",
    re.IGNORECASE,
)


def static_fingerprint(html: str) -> str:
    """A hash of the static files the HTML uses and those their stylesheets use, so an
    edited stylesheet, font or image gives a new key."""
    todo = [urljoin(BASE_URL, ref) for ref in _references(html)]
    hashes: dict[str, str] = {}
    while todo:
        url = todo.pop()
        path = static_path(url)
        if path is None or path in hashes:
            continue
        content = read_static(path)
        hashes[path] = hashlib.sha256(content).hexdigest() if content is not None else "missing"
        if content is not None and path.endswith(".css"):
            css = content.decode("utf-8", errors="replace")
            todo.extend(urljoin(url, ref) for ref in _references(css))
    listing = "\n".join(f"{path} {digest}" for path, digest in sorted(hashes.items()))
    return hashlib.sha256(listing.encode()).hexdigest()


def _references(text: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in _REFERENCE.finditer(text)]


@task(acks_late=True, in_thread=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=TIME_LIMIT)
def render_document(document_id: int) -> None:
    """Make one stored PDF. Claims the row first, so a duplicated task renders nothing."""
    render_stored(document_id)
