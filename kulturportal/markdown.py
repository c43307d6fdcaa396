"""Markdown written by officials, rendered to HTML that is safe to show to anyone.

markdown-it parses with raw HTML switched off, and nh3 then cleans the result against a short
allow-list: the parser is not a sanitiser, so the cleaner has the last word.
"""

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

ALLOWED_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "br",
    "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

# The page has the plan in <h1> and its sections in <h2>: the author's top heading level,
# whether written "#" or "##", is a heading inside a section, so it becomes <h3>. Deeper
# levels stop at <h4>, and no level is ever skipped on the way down.
FIRST_HEADING_LEVEL = 3
LAST_HEADING_LEVEL = 4


def _shift_headings(state) -> None:
    headings = [t for t in state.tokens if t.type in ("heading_open", "heading_close")]
    if not headings:
        return
    top = min(int(t.tag[1]) for t in headings)
    for token in headings:
        level = int(token.tag[1]) - top + FIRST_HEADING_LEVEL
        token.tag = f"h{min(level, LAST_HEADING_LEVEL)}"


def _mark_column_headers(state) -> None:
    # Markdown tables only have a header row, so every <th> heads a column.
    for token in state.tokens:
        if token.type == "th_open":
            token.attrSet("scope", "col")


def _image_as_alt_text(self, tokens, idx, options, env) -> str:
    # Images are not allowed; the alt text keeps what the author meant to say.
    return escapeHtml(self.renderInlineAsText(tokens[idx].children, options, env))


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.core.ruler.push("shift_headings", _shift_headings)
    md.core.ruler.push("mark_column_headers", _mark_column_headers)
    md.add_render_rule("image", _image_as_alt_text)
    return md


_MD = _parser()


def clean_html(rendered: str) -> str:
    """Only the allowed tags, attributes and link schemes of `rendered` survive."""
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> SafeString:
    """The text as cleaned HTML, ready for a template."""
    return mark_safe(clean_html(_MD.render(text or "")))  # noqa: S308 - cleaned by nh3 just above


def markdown_text(text: str) -> str:
    """The text as a reader sees it, without markup: for search and for comparing versions.

    Plain text, not HTML: whoever shows it must escape it again (templates do)."""
    stripped = nh3.clean(_MD.render(text or ""), tags=set(), strip_comments=True)
    return html.unescape(stripped).strip()
