"""The plan as a PDF, through the core renderer (kulturportal.pdf)."""

import io
import logging
import re
import socket
from html.parser import HTMLParser
from urllib.parse import urljoin

import pikepdf
import pytest
from django.utils import translation
from pypdf import PdfReader

from kulturplan import services
from kulturplan.demo import seed_demo
from kulturplan.document import plan_document
from kulturplan.models import CulturePlan
from kulturportal import pdf
from kulturportal.models import Municipality, RenderedDocument

pytestmark = pytest.mark.django_db
Status = RenderedDocument.Status
PDF_URL = "/kulturplan/2029-2032/pdf/"


@pytest.fixture
def draft(demo):
    """The demo's 2029–2032 draft: nine development areas, 24 of 33 submitted."""
    seed_demo()
    return CulturePlan.objects.get(slug="2029-2032")


@pytest.fixture
def render(django_capture_on_commit_callbacks):
    """plan_document() as the view calls it, with the queued render run when it commits."""

    def make(plan) -> RenderedDocument:
        with django_capture_on_commit_callbacks(execute=True):
            document = plan_document(plan)
        document.refresh_from_db()
        return document

    return make


@pytest.fixture
def rendered(draft, render):
    document = render(draft)
    assert document.status == Status.DONE, document.error
    return document


def pages_of(document) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(document.content)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def _page_of(pages: list[str], heading: str) -> int:
    """The number of the first page after the table of contents with `heading` as a line."""
    for number, page in enumerate(pages[2:], start=3):
        if heading in [line.strip() for line in page.splitlines()]:
            return number
    raise AssertionError(f"{heading} is on no page")


def edit_section(plan, slug, body):
    section = plan.sections.get(slug=slug)
    section.body = body
    return services.save_section(section=section, changed=["body"], actor=None)


# --- The view --------------------------------------------------------------------------------


def test_the_first_visit_waits_and_the_next_gets_the_pdf(
    client, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = client.get(PDF_URL)
    assert response.status_code == 202
    assert response["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh"' in response.content.decode()
    assert len(queued) == 1  # the render, queued after commit and run by the eager worker

    document = RenderedDocument.objects.get()
    assert document.status == Status.DONE, document.error
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="kulturplan-2029-2032.pdf"' in response["Content-Disposition"]
    assert response.content == bytes(document.content)
    assert response.content.startswith(b"%PDF-")
    assert RenderedDocument.objects.count() == 1


def test_a_render_run_by_hand_serves_the_pdf(client, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        assert client.get(PDF_URL).status_code == 202
    document = RenderedDocument.objects.get()
    assert document.status == Status.PENDING
    assert client.get(PDF_URL).status_code == 202  # still waiting
    assert pdf.render_stored(document.pk) is True
    response = client.get(PDF_URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


# --- What is in it ---------------------------------------------------------------------------


def test_the_pdf_has_the_areas_the_municipalities_and_page_numbers(draft, rendered):
    pages = pages_of(rendered)
    total = len(pages)
    assert total == rendered.pages
    assert 6 <= total <= 40
    text = flat("\n".join(pages))
    for area in draft.development_areas.all():
        assert area.title in text, area.title
    for section in draft.sections.all():
        assert section.title in text, section.title
    appendix = flat("\n".join(pages[_page_of(pages, "Bilaga: kommunernas prioriteringar") - 1 :]))
    for name in Municipality.objects.values_list("name", flat=True):
        assert name in appendix, name
    for number, page in enumerate(pages, start=1):
        assert f"sida {number} av {total}" in page, number
    assert draft.title in pages[0]


def test_the_table_of_contents_gives_the_right_page_numbers(draft, rendered):
    pages = pages_of(rendered)
    toc = pages[1]
    assert toc.startswith("Innehåll")
    entries = {
        title.strip(): int(number)
        for title, number in re.findall(r"^(.+?) \.{5,}\s*(\d+)\s*$", toc, re.MULTILINE)
    }
    expected = [
        *draft.sections.values_list("title", flat=True),
        "Utvecklingsområden",
        *draft.development_areas.values_list("title", flat=True),
        "Bilaga: kommunernas prioriteringar",
    ]
    assert list(entries) == expected
    for title, number in entries.items():
        assert 3 <= number <= len(pages), title
        assert title in [line.strip() for line in pages[number - 1].splitlines()], (title, number)


def test_the_pdf_is_tagged_in_swedish_with_the_plans_title(draft, rendered):
    with pikepdf.open(io.BytesIO(rendered.content)) as tagged:
        root = tagged.Root
        assert "/StructTreeRoot" in root
        assert root.MarkInfo.Marked is True
        assert str(root.Lang) == "sv"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(tagged.docinfo.Title) == draft.title
        metadata = tagged.open_metadata()
        assert metadata.get("dc:title") == draft.title
        assert 'pdfuaid:part="1"' in str(metadata)


def test_the_appendix_captions_name_the_areas_they_hold(draft, django_capture_on_commit_callbacks):
    """Nine areas, eight a table: "Utvecklingsområde 1–8", then the ninth alone."""
    with django_capture_on_commit_callbacks(execute=False):
        html = plan_document(draft).html
    captions = re.findall(r"<caption>([^<]*)</caption>", html)
    assert len(captions) == 2
    assert captions[0] == "Utvecklingsområde 1–8"
    assert captions[1] in ("Utvecklingsområde 9", "Utvecklingsområde 9–9")


# --- Keyed by what went in -------------------------------------------------------------------


def test_an_unchanged_plan_reuses_the_stored_file(
    draft, rendered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        again = plan_document(CulturePlan.objects.get(pk=draft.pk))
    assert queued == []  # nothing rendered again
    assert again.pk == rendered.pk and again.key == rendered.key
    again.refresh_from_db()
    assert again.rendered_at == rendered.rendered_at
    assert RenderedDocument.objects.count() == 1


def test_an_edited_section_gives_a_new_key_and_row(
    draft, rendered, django_capture_on_commit_callbacks
):
    edit_section(draft, "inledning", "En helt ny inledning till planen.")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        edited = plan_document(CulturePlan.objects.get(pk=draft.pk))
    assert edited.pk != rendered.pk and edited.key != rendered.key
    assert "En helt ny inledning till planen." in edited.html
    assert edited.status == Status.PENDING and len(queued) == 1
    assert RenderedDocument.objects.count() == 2


def test_a_new_submission_or_another_language_gives_a_new_key(
    draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        first = plan_document(draft)
        lund = Municipality.objects.get(code="1281")
        registration = services.registration_for(draft, lund)
        services.save_priorities(
            registration=registration,
            lines=[
                services.Line(
                    development_area=draft.development_areas.get(slug="lasande"),
                    rank=1,
                    motivation="Läsfrämjande.",
                )
            ],
            base_version=registration.version,
            submit=True,
            actor=None,
        )
        submitted = plan_document(draft)
        with translation.override("en"):
            english = plan_document(draft)
    assert len({first.key, submitted.key, english.key}) == 3
    assert english.lang == "en"
    assert "25 av 33 kommuner" in submitted.html and "24 av 33 kommuner" in first.html


# --- Nothing from outside, nothing that runs ------------------------------------------------


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def markup(html: str) -> _Markup:
    parser = _Markup()
    parser.feed(html)
    return parser


def _outside(url: str) -> bool:
    return url[:5].lower() != "data:" and pdf.static_path(urljoin(pdf.BASE_URL, url)) is None


TRACKERS = "https://example.com/tracker.png", "https://example.com/t.png"


def test_images_in_a_section_are_never_fetched(draft, render, monkeypatch, caplog):
    edit_section(
        draft,
        "inledning",
        f'Se bilden: ![x]({TRACKERS[0]})\n\n<img src="{TRACKERS[1]}">\n\n'
        f'<p style="background: url({TRACKERS[1]})">stil</p>',
    )
    looked_up = []
    real_getaddrinfo = socket.getaddrinfo

    def watching(host, *args, **kwargs):
        looked_up.append(host)
        if "example.com" in str(host):
            raise OSError("no network to example.com in this test")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", watching)
    with caplog.at_level(logging.WARNING, logger="kulturportal.pdf"):
        document = render(draft)
    assert document.status == Status.DONE, document.error
    assert not [host for host in looked_up if "example.com" in str(host)]

    found = markup(document.html)
    fetched = [
        value
        for tag, attrs in found.tags
        for name, value in attrs.items()
        if name in ("src", "srcset", "data", "poster") or (tag == "link" and name == "href")
    ]
    fetched += re.findall(r"url\(\s*['\"]?([^'\")\s]+)", " ".join(found.styles))
    assert not [url for url in fetched if _outside(url)], fetched
    assert not [tag for tag, _attrs in found.tags if tag in ("img", "object", "iframe", "embed")]
    assert not [attrs for _tag, attrs in found.tags if "style" in attrs]
    # Had one slipped through, the renderer's fetcher would have refused it.
    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert all("example.com" in message for message in refused), refused
    for url in TRACKERS:
        with pytest.raises(pdf.RefusedURL):
            pdf.static_files_fetcher()(url)
    with pikepdf.open(io.BytesIO(document.content)) as rendered_pdf:
        images = [
            name
            for page in rendered_pdf.pages
            for name, xobject in (page.Resources.get("/XObject") or {}).items()
            if xobject.get("/Subtype") == "/Image"
        ]
    assert images == []


def test_scripts_in_the_plan_do_not_reach_the_pdfs_html(draft, django_capture_on_commit_callbacks):
    edit_section(
        draft,
        "strategier",
        "<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n"
        '<a href="javascript:alert(2)">y</a>\n\n<img src=x onerror="alert(3)">\n\n'
        "[z](JaVaScRiPt:alert(4)) [w](data:text/html;base64,PHNjcmlwdD4=)",
    )
    area = draft.development_areas.get(slug="lasande")
    area.description = "<svg onload=alert(5)></svg> <iframe src=javascript:alert(6)></iframe>"
    services.save_development_area(area=area, activity_areas=area.activity_areas.all(), actor=None)
    CulturePlan.objects.filter(pk=draft.pk).update(
        title='Plan</title><script>alert(7)</script>"', summary="<script>alert(8)</script>"
    )
    with django_capture_on_commit_callbacks(execute=False):
        document = plan_document(CulturePlan.objects.get(pk=draft.pk))
    found = markup(document.html)
    tags = [tag for tag, _attrs in found.tags]
    assert "script" not in tags and "iframe" not in tags and "svg" not in tags
    for tag, attrs in found.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
            assert not scheme.startswith(("javascript:", "vbscript:", "data:text/html")), (
                tag,
                name,
                value,
            )
    assert "<script" not in document.html.lower()
    # What was written is still there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in document.html
    assert "</style><script>" not in document.html


def test_every_table_header_has_a_scope(rendered):
    """Defect (issue 20): the plan's 98 header cells carried no /Scope (WeasyPrint writes
    none): the matrix's column heads, its municipalities' row heads and the sub-regions'
    group heads are told apart now."""
    from tests.consultations.test_receipt import _table_headers

    with pikepdf.open(io.BytesIO(rendered.content)) as tagged:
        scopes = _table_headers(tagged)
    assert len(scopes) > 40
    assert set(scopes) == {"/Row", "/Column"}
