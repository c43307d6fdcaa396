import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from kulturportal.markdown import clean_html, markdown_text, render_markdown


def test_the_output_is_safe_for_templates():
    assert isinstance(render_markdown("Kultur för alla"), SafeString)


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


def test_the_authors_first_heading_comes_under_the_section_heading():
    html = render_markdown("# Mål\n\n## Delmål\n\n### Detalj")
    assert "<h3>Mål</h3>" in html
    assert "<h4>Delmål</h4>" in html
    assert "<h4>Detalj</h4>" in html
    assert "<h1>" not in html
    assert "<h2>" not in html


def test_lists():
    html = render_markdown("- bibliotek\n- museer\n\n1. först\n2. sedan")
    assert "<ul>\n<li>bibliotek</li>\n<li>museer</li>\n</ul>" in html
    assert "<ol>\n<li>först</li>\n<li>sedan</li>\n</ol>" in html


def test_a_list_may_start_at_another_number():
    assert '<ol start="3">' in render_markdown("3. tredje\n4. fjärde")


def test_emphasis_and_code():
    html = render_markdown("*viktigt* och **mycket viktigt** och `kod`")
    assert "<em>viktigt</em>" in html
    assert "<strong>mycket viktigt</strong>" in html
    assert "<code>kod</code>" in html


def test_tables_have_column_headers():
    html = render_markdown("| Kommun | Bidrag |\n|---|--:|\n| Lund | 100 |")
    assert '<th scope="col">Kommun</th>' in html
    assert "<td>Lund</td>" in html
    assert "<tbody>" in html
    assert "style=" not in html


def test_blockquotes_and_rules():
    html = render_markdown("> citat\n\n---")
    assert "<blockquote>" in html
    assert "<hr>" in html


def test_links_get_rel_and_keep_title():
    html = render_markdown('[Region Skåne](https://www.skane.se "Regionens webbplats")')
    assert (
        '<a href="https://www.skane.se" title="Regionens webbplats" rel="noopener noreferrer">'
        in html
    )


def test_relative_and_mail_links_are_kept():
    html = render_markdown("[kommuner](/kommuner/) [skriv](mailto:kultur@skane.se)")
    assert 'href="/kommuner/"' in html
    assert 'href="mailto:kultur@skane.se"' in html


def test_images_leave_only_their_alt_text():
    html = render_markdown("![Karta över *Skåne*](https://example.se/karta.png)")
    assert "<img" not in html
    assert "karta.png" not in html
    assert "Karta över Skåne" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "före <script>alert(1)</script> efter",
        "```\n<script>alert(1)</script>\n```",
    ],
)
def test_script_tags_are_never_executable(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "link",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox(1))",
        "[x](ftp://example.se/fil)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
    ],
)
def test_dangerous_links_lose_their_target(link):
    html = render_markdown(link).lower()
    for scheme in ("javascript:", "data:", "vbscript:", "ftp:"):
        assert f'href="{scheme}' not in html


@pytest.mark.parametrize(
    "text",
    [
        '<img src="x" onerror="alert(1)">',
        '<a href="https://example.se" onclick="alert(1)">x</a>',
        '<iframe src="https://example.se"></iframe>',
        "<!-- dold kommentar -->",
    ],
)
def test_raw_html_is_shown_as_text_not_markup(text):
    html = render_markdown(text)
    for markup in ("<img", "<iframe", "<!--", "<a "):
        assert markup not in html


def test_the_cleaner_stops_what_the_parser_lets_through():
    # The parser escapes raw HTML; the cleaner must hold even if that ever changes.
    dirty = (
        '<p onclick="x">a<img src="x" onerror="alert(1)"><iframe src="x"></iframe>'
        "<script>alert(1)</script><!-- c --><style>p{}</style>"
        '<a href="javascript:alert(1)">j</a><a href="data:text/html,x">d</a>'
        '<a href="vbscript:x">v</a><h1>h</h1></p>'
    )
    clean = clean_html(dirty)
    for gone in (
        "onclick",
        "<img",
        "onerror",
        "<iframe",
        "<script",
        "alert(1)",
        "<!--",
        "<style",
        "javascript:",
        "data:",
        "vbscript:",
        "<h1",
    ):
        assert gone not in clean
    assert clean.count('rel="noopener noreferrer"') == 3


def test_plain_text_has_no_markup():
    text = markdown_text("# Mål\n\nKultur & *bildning* för [alla](https://skane.se) <b>")
    assert text == "Mål\nKultur & bildning för alla <b>"


def test_plain_text_of_nothing():
    assert markdown_text("") == ""


def test_the_template_filter():
    template = Template("{% load markdown %}{{ body|markdown }}")
    html = template.render(Context({"body": "# Mål\n\n<script>x</script>"}))
    assert "<h3>Mål</h3>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


def test_a_body_that_starts_at_two_hashes_still_starts_at_h3_without_skipping():
    """Defect: "## Mål" became <h4> right under the section's <h2>, skipping a level."""
    html = render_markdown("## Mål\n\ntext\n\n### Delmål")
    assert "<h3>Mål</h3>" in html and "<h4>Delmål</h4>" in html
