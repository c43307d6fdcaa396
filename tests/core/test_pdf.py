"""The PDF renderer: an ordinary template in, a stored, tagged PDF out, keyed by its inputs."""

import io
import logging
import re
import urllib.request
from datetime import timedelta
from pathlib import Path

import pikepdf
import pytest
import weasyprint
import weasyprint.urls
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from pypdf import PdfReader

from kulturportal import pdf
from kulturportal.models import RenderedDocument
from kulturportal.pdf import render_document

pytestmark = pytest.mark.django_db
Status = RenderedDocument.Status

PLAN_TEMPLATE = """{% extends "kulturportal/pdf_base.html" %}
{% block content %}
<h1 class="pdf-title">{{ title }}</h1>
<nav class="pdf-toc" aria-label="Innehåll">
  <ol>
    <li><a href="#prioriteringar">Prioriteringar</a></li>
    <li><a href="#bilaga">Bilaga</a></li>
  </ol>
</nav>
<section id="prioriteringar">
  <h2>Prioriteringar</h2>
  <p>{{ text }}</p>
  <table>
    <thead><tr><th>Kommun</th><th>Prioritering</th></tr></thead>
    <tbody>
      {% for name in municipalities %}<tr><td>{{ name }}</td><td>Läsfrämjande</td></tr>{% endfor %}
    </tbody>
  </table>
  {% if image %}<img src="{{ image }}" alt="">{% endif %}
</section>
<section id="bilaga" class="pdf-page-break"><h2>Bilaga</h2><p>Remissinstanser.</p></section>
{% endblock %}
"""
TITLE = "Regional kulturplan för Skåne 2027–2030"


@pytest.fixture
def plan_template(settings, tmp_path):
    """A feature template of the usual shape, found as "test_pdf/plan.html"."""
    (tmp_path / "test_pdf").mkdir()
    (tmp_path / "test_pdf" / "plan.html").write_text(PLAN_TEMPLATE)
    engines = [dict(engine) for engine in settings.TEMPLATES]
    engines[0]["DIRS"] = [tmp_path, *engines[0]["DIRS"]]
    settings.TEMPLATES = engines
    return "test_pdf/plan.html"


@pytest.fixture
def make_document(plan_template, django_capture_on_commit_callbacks):
    """document_for() as a view calls it; the queued render runs when the "request" ends."""

    def make(text="Kulturen i Skåne ska vara till för alla.", *, title=TITLE, **extra):
        context = {"text": text, "municipalities": ["Lund", "Malmö", "Ystad"], **extra}
        with django_capture_on_commit_callbacks(execute=True):
            document = pdf.document_for(
                plan_template, context, title=title, lang="sv", filename="kulturplan.pdf"
            )
        document.refresh_from_db()
        return document

    return make


@pytest.fixture
def renders(monkeypatch):
    """Counts the calls into WeasyPrint; the renders themselves are real."""
    calls = []
    real = pdf.render_html_to_pdf

    def counting(html, **kwargs):
        calls.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf, "render_html_to_pdf", counting)
    return calls


@pytest.fixture
def fake_weasyprint(monkeypatch):
    """For tests about the bookkeeping: a render that costs nothing."""
    calls = []

    def fake(html, **kwargs):
        calls.append(html)
        return b"%PDF-1.7 fake", 1

    monkeypatch.setattr(pdf, "render_html_to_pdf", fake)
    return calls


def _pending(**fields):
    values = {"key": "k" * 64, "title": TITLE, "filename": "kulturplan.pdf", "html": "<p>x</p>"}
    return RenderedDocument.objects.create(**{**values, **fields})


def _get(rf, path="/kulturplan/1/pdf/"):
    request = rf.get(path)
    request.user = AnonymousUser()
    return request


# --- The PDF itself ---------------------------------------------------------------------


def test_a_document_renders_to_a_tagged_accessible_pdf(make_document):
    document = make_document()
    assert document.status == Status.DONE
    assert document.pages == 2 and document.rendered_at is not None
    assert document.render_seconds >= document.weasyprint_seconds > 0

    text = PdfReader(io.BytesIO(document.content)).pages[0].extract_text()
    assert TITLE in text
    assert "Kulturen i Skåne ska vara till för alla." in text
    assert "sida 1 av 2" in text

    with pikepdf.open(io.BytesIO(document.content)) as tagged:
        root = tagged.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "sv"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(tagged.docinfo.Title) == TITLE
        assert 'pdfuaid:part="1"' in str(tagged.open_metadata())


def test_table_headers_repeat_and_the_toc_gives_page_numbers(make_document):
    document = make_document(municipalities=[f"Kommun {n}" for n in range(120)])
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages]
    assert len(pages) == document.pages > 3
    assert all("Kommun Prioritering" in page for page in pages[1:-1])
    assert f"sida 2 av {len(pages)}" in pages[1]
    assert TITLE in pages[1]  # the running header
    assert re.search(r"Prioriteringar \.{10,}\s*1\n", pages[0])
    assert re.search(rf"Bilaga \.{{10,}}\s*{len(pages)}\n", pages[0])
    assert "Remissinstanser." in pages[-1]


# --- Keyed by what went in --------------------------------------------------------------


def test_the_same_inputs_find_the_same_stored_file(make_document, renders):
    first = make_document()
    again = make_document()
    assert again.pk == first.pk
    assert RenderedDocument.objects.count() == 1
    assert len(renders) == 1
    assert again.rendered_at == first.rendered_at
    assert bytes(again.content) == bytes(first.content)


def test_changed_content_gives_a_new_key_and_a_new_render(make_document, fake_weasyprint):
    first = make_document("Den första texten.")
    second = make_document("En ändrad text.")
    assert second.key != first.key
    assert RenderedDocument.objects.count() == 2
    assert len(fake_weasyprint) == 2
    assert make_document("En ändrad text.", title="En annan titel").key != second.key


def test_a_changed_stylesheet_gives_a_new_key(monkeypatch):
    html = '<link rel="stylesheet" href="/static/pdf/base.css"><p>x</p>'
    before = pdf.document_key(html, title=TITLE, lang="sv")
    real = pdf.read_static

    def edited(path):
        content = real(path)
        return content + b"\nh1 { color: red }" if path == "pdf/base.css" else content

    monkeypatch.setattr(pdf, "read_static", edited)
    assert pdf.document_key(html, title=TITLE, lang="sv") != before
    assert pdf.document_key(html, title=TITLE, lang="en") != before


def test_the_key_names_the_weasyprint_version():
    assert weasyprint.__version__ in pdf.RENDERER_VERSION


def test_titles_cannot_break_out_of_the_css_string():
    value = pdf.css_string('Plan "2027" </style><script>')
    assert value.startswith('"') and value.endswith('"')
    assert '"' not in value[1:-1] and "<" not in value
    assert pdf.page_number_css() == '"sida " counter(page) " av " counter(pages)'


# --- Only the portal's own static files -------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/x.png",
        "file:///etc/passwd",
        "http://portal.invalid/etc/passwd",
        "/static/../../../etc/passwd",
        "http://portal.invalid/static/%2e%2e/%2e%2e/pyproject.toml",
        "http://portal.invalid.example.com/static/pdf/base.css",
        "/static/pdf/missing.css",
    ],
)
def test_the_fetcher_refuses_everything_but_static_files(url, caplog):
    with caplog.at_level(logging.WARNING, logger="kulturportal.pdf"), pytest.raises(pdf.RefusedURL):
        pdf.fetch_static(url)
    assert "refused" in caplog.text
    with pytest.raises(pdf.RefusedURL):
        pdf.static_files_fetcher()(url)


def test_the_fetcher_serves_static_files_and_data_urls():
    stylesheet = Path(django_settings.BASE_DIR, "static/pdf/base.css").read_bytes()
    assert pdf.fetch_static("/static/pdf/base.css") == (stylesheet, "text/css")
    fetcher = pdf.static_files_fetcher()
    response = fetcher("http://portal.invalid/static/pdf/base.css")
    assert response.read() == stylesheet and response.content_type == "text/css"
    assert fetcher("data:text/plain;base64,aGVq").read() == b"hej"


def test_an_outside_image_is_left_out_never_fetched(make_document, monkeypatch, caplog):
    opened = []
    real_open = urllib.request.OpenerDirector.open

    def watching(self, url, *args, **kwargs):
        opened.append(getattr(url, "full_url", url))
        return real_open(self, url, *args, **kwargs)

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", watching)
    with caplog.at_level(logging.WARNING, logger="kulturportal.pdf"):
        document = make_document(image="https://example.com/tracker.png")
    assert document.status == Status.DONE
    assert "refused to fetch https://example.com/tracker.png" in caplog.text
    assert not [url for url in opened if "example.com" in str(url)]
    assert isinstance(pdf.static_files_fetcher(), weasyprint.urls.URLFetcher)


# --- The task -----------------------------------------------------------------------------


def test_the_task_called_twice_renders_once(fake_weasyprint):
    document = _pending()
    render_document(document.pk)
    render_document(document.pk)
    assert len(fake_weasyprint) == 1
    document.refresh_from_db()
    assert document.status == Status.DONE and bytes(document.content) == b"%PDF-1.7 fake"


def test_a_claim_left_by_a_killed_worker_is_taken_over(fake_weasyprint):
    fresh = _pending(key="a" * 64, status=Status.RENDERING)
    stale = _pending(
        key="b" * 64,
        status=Status.RENDERING,
        status_changed_at=timezone.now() - pdf.STUCK_AFTER - timedelta(seconds=1),
    )
    assert pdf.render_stored(fresh.pk) is False
    assert pdf.render_stored(stale.pk) is True
    assert len(fake_weasyprint) == 1


def test_a_failing_render_is_stored_as_failed(monkeypatch):
    def broken(html, **kwargs):
        raise RuntimeError("Pango is missing")

    monkeypatch.setattr(pdf, "render_html_to_pdf", broken)
    document = _pending()
    render_document(document.pk)
    document.refresh_from_db()
    assert document.status == Status.FAILED
    assert "RuntimeError: Pango is missing" in document.error
    assert document.content is None and document.render_seconds is not None


# --- What the reader gets -------------------------------------------------------------------


def test_a_pending_document_gives_a_page_that_refreshes_itself(rf):
    response = pdf.respond(_get(rf), _pending())
    assert response.status_code == 202
    assert response["Cache-Control"] == "no-store" and response.uncacheable
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "sidan uppdateras av sig själv" in html
    assert 'href="/kulturplan/1/pdf/"' in html


def test_a_done_document_is_served_as_a_pdf(rf, fake_weasyprint):
    document = _pending()
    pdf.render_stored(document.pk)
    document.refresh_from_db()
    response = pdf.respond(_get(rf), document)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="kulturplan.pdf"'
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert response.content == b"%PDF-1.7 fake"


def test_a_failed_document_says_so_and_offers_to_try_again(
    rf, fake_weasyprint, django_capture_on_commit_callbacks
):
    document = _pending(status=Status.FAILED, error="RuntimeError: boom")
    response = pdf.respond(_get(rf), document)
    assert response.status_code == 503 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "PDF:en kunde inte skapas" in html and 'method="post"' in html
    assert "boom" not in html  # the error is for the logs, not for readers

    request = rf.post("/kulturplan/1/pdf/")
    request.user = AnonymousUser()
    with django_capture_on_commit_callbacks(execute=True):
        response = pdf.respond(request, document)
    assert response.status_code == 302 and response["Location"] == "/kulturplan/1/pdf/"
    document.refresh_from_db()
    assert document.status == Status.DONE and len(fake_weasyprint) == 1


def test_a_failure_is_tried_again_on_a_later_visit(make_document, monkeypatch, fake_weasyprint):
    document = make_document()
    RenderedDocument.objects.filter(pk=document.pk).update(
        status=Status.FAILED, status_changed_at=timezone.now()
    )
    assert make_document().status == Status.FAILED  # just failed: not again at once
    RenderedDocument.objects.filter(pk=document.pk).update(
        status_changed_at=timezone.now() - pdf.RETRY_FAILED_AFTER - timedelta(seconds=1)
    )
    assert make_document().status == Status.DONE
    assert len(fake_weasyprint) == 2


def test_a_lost_task_is_queued_again(make_document, fake_weasyprint):
    document = make_document()
    RenderedDocument.objects.filter(pk=document.pk).update(
        status=Status.PENDING,
        status_changed_at=timezone.now() - pdf.STUCK_AFTER - timedelta(seconds=1),
    )
    assert make_document().status == Status.DONE
    assert len(fake_weasyprint) == 2


def test_a_worker_warms_the_renderer_up_without_storing_anything(db):
    pdf.warm_up()
    assert not RenderedDocument.objects.exists()
