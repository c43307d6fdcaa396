import pytest
from django.utils.safestring import SafeString
from django.utils.translation import override

from kulturplan.textdiff import changed, diff_html, diff_inline, diff_summary

ADDED = '<ins><span class="visually-hidden">Tillagt: </span>'
REMOVED = '<del><span class="visually-hidden">Borttaget: </span>'

SECTION = (
    "Regionen stödjer kulturlivet i hela Skåne.\n\nBiblioteken är mötesplatser för alla invånare."
)


@pytest.fixture(autouse=True)
def _swedish():
    with override("sv"):
        yield


def test_identical_text_has_no_changes():
    html = diff_html(SECTION, SECTION)
    assert "<ins" not in html
    assert "<del" not in html
    assert diff_summary(SECTION, SECTION) == (0, 0)
    assert not changed(SECTION, SECTION)


def test_the_output_is_safe_for_templates():
    assert isinstance(diff_html("a", "b"), SafeString)


def test_an_added_word_is_marked_with_a_hidden_label():
    new = SECTION.replace("hela Skåne", "hela södra Skåne")
    html = diff_html(SECTION, new)
    assert f"i hela {ADDED}södra</ins> Skåne." in html
    assert "<del" not in html
    assert diff_summary(SECTION, new) == (1, 0)
    assert changed(SECTION, new)


def test_a_removed_word_is_marked_with_a_hidden_label():
    new = SECTION.replace("för alla invånare", "för invånare")
    html = diff_html(SECTION, new)
    assert f"för {REMOVED}alla</del> invånare." in html
    assert "<ins" not in html
    assert diff_summary(SECTION, new) == (0, 1)


def test_a_replaced_word_is_removed_then_added():
    html = diff_html("Musik för barn.", "Teater för barn.")
    assert html == (
        f'<div class="diff"><p>{REMOVED}Musik</del> {ADDED}Teater</ins> för barn.</p></div>'
    )
    assert diff_summary("Musik för barn.", "Teater för barn.") == (1, 1)


def test_a_word_removed_at_the_end_is_kept_apart_from_the_one_before():
    assert diff_html("Kultur för alla", "Kultur för") == (
        f'<div class="diff"><p>Kultur för {REMOVED}alla</del></p></div>'
    )


def test_a_word_added_at_the_start():
    assert diff_html("kultur", "Mer kultur") == (
        f'<div class="diff"><p>{ADDED}Mer</ins> kultur</p></div>'
    )


def test_html_in_the_text_is_escaped():
    old = 'Se <a href="x">länk</a> & mer'
    new = 'Se <script>alert("x")</script> & mer'
    html = diff_html(old, new)
    assert "<script>" not in html
    assert "<a " not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&amp; mer" in html


def test_paragraphs_stay_paragraphs():
    new = SECTION.replace("alla invånare", "alla som bor här")
    html = diff_html(SECTION, new)
    assert html.startswith('<div class="diff"><p>Regionen stödjer kulturlivet i hela Skåne.</p>')
    assert html.count("<p>") == 2
    assert html.endswith("</p></div>")


def test_an_added_paragraph_is_one_insertion_and_the_rest_is_untouched():
    new = (
        "Regionen stödjer kulturlivet i hela Skåne.\n\n"
        "Ett nytt stycke om musik.\n\n"
        "Biblioteken är mötesplatser för alla invånare."
    )
    html = diff_html(SECTION, new)
    assert html.count("<p>") == 3
    assert f"<p>{ADDED}Ett nytt stycke om musik.</ins></p>" in html
    assert "<p>Biblioteken är mötesplatser för alla invånare.</p>" in html
    assert diff_summary(SECTION, new) == (5, 0)


def test_an_edited_paragraph_after_an_added_one_is_compared_with_its_old_self():
    new = (
        "Regionen stödjer kulturlivet i hela Skåne.\n\n"
        "Ett nytt stycke om musik.\n\n"
        "Biblioteken är öppna mötesplatser för alla invånare."
    )
    html = diff_html(SECTION, new)
    assert f"<p>Biblioteken är {ADDED}öppna</ins> mötesplatser för alla invånare.</p>" in html
    assert diff_summary(SECTION, new) == (6, 0)


def test_a_removed_paragraph():
    old = SECTION + "\n\nDetta stryks."
    html = diff_html(old, SECTION)
    assert html.endswith(f"<p>{REMOVED}Detta stryks.</del></p></div>")
    assert diff_summary(old, SECTION) == (0, 2)


def test_a_rewritten_paragraph_is_shown_removed_and_added_whole():
    old = "Kultur i skolan varje vecka."
    new = "Fler scener på landsbygden."
    html = diff_html(old, new)
    assert html == (
        f'<div class="diff"><p>{REMOVED}Kultur i skolan varje vecka.</del></p>'
        f"<p>{ADDED}Fler scener på landsbygden.</ins></p></div>"
    )


def test_line_breaks_within_a_paragraph_are_kept():
    html = diff_html("- musik\n- teater", "- musik\n- dans")
    assert html.startswith('<div class="diff"><p>- musik<br>- ')


def test_no_newlines_of_its_own_for_pages_that_keep_whitespace():
    # The diff may be shown with white-space: pre-wrap, where a newline is a line break.
    html = diff_html(SECTION + "\n\nrad ett\nrad två", SECTION + "\n\nrad ett\nrad tre")
    assert "\n" not in html


def test_a_title_diff_has_no_block_elements():
    html = diff_inline("Kultur i Skåne", "Kultur i hela Skåne")
    assert isinstance(html, SafeString)
    assert html == f"Kultur i {ADDED}hela</ins> Skåne"
    assert diff_inline("Samma", "Samma") == "Samma"
    assert diff_inline("<b>", "") == f"{REMOVED}&lt;b&gt;</del>"


def test_spacing_alone_is_no_change():
    assert not changed("Kultur  för\r\nalla", "Kultur för alla\n")
    assert diff_summary("a\n\n\n\nb", "a\n\nb") == (0, 0)


def test_empty_versions():
    assert diff_html("", "") == '<div class="diff"></div>'
    assert diff_summary("", "Ny text här") == (3, 0)
    assert diff_summary("Gammal text", "") == (0, 2)
    assert changed("", "Ny")
    assert not changed("", "  \n")
