"""Word by word comparison of two versions of a plan section.

Paragraphs (separated by a blank line) are matched first and words within them after, so a
change in one paragraph never spills into the next. Changes are marked with <ins> and <del>,
each starting with a visually hidden word: a screen reader says it, copy and paste keeps it,
and nobody has to tell colours apart.
"""

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

EQUAL, INSERTED, DELETED = "equal", "inserted", "deleted"

SIMILAR_ENOUGH = 0.4  # share of words two versions of one paragraph have in common, at least
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_WORD = re.compile(r"(\S+)(\s*)")


@dataclass(frozen=True)
class Word:
    text: str
    space: str  # the whitespace that follows it in its own version


@dataclass(frozen=True)
class Segment:
    kind: str  # EQUAL, INSERTED or DELETED
    words: tuple[Word, ...]


def _paragraphs(text: str) -> list[str]:
    text = (text or "").replace("\r\n", "\n").strip()
    return _PARAGRAPH_BREAK.split(text) if text else []


def _words(paragraph: str) -> list[Word]:
    return [Word(text, space) for text, space in _WORD.findall(paragraph)]


def _diff_words(old: list[Word], new: list[Word]) -> list[Segment]:
    matcher = difflib.SequenceMatcher(
        None, [w.text for w in old], [w.text for w in new], autojunk=False
    )
    segments = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            segments.append(Segment(EQUAL, tuple(new[j1:j2])))
            continue
        if op in ("delete", "replace"):
            segments.append(Segment(DELETED, tuple(old[i1:i2])))
        if op in ("insert", "replace"):
            segments.append(Segment(INSERTED, tuple(new[j1:j2])))
    return segments


def diff_paragraphs(old: str, new: str) -> Iterator[list[Segment]]:
    """The merged text, paragraph by paragraph, each a list of equal, inserted and deleted runs."""
    old_paragraphs, new_paragraphs = _paragraphs(old), _paragraphs(new)
    matcher = difflib.SequenceMatcher(None, old_paragraphs, new_paragraphs, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for paragraph in new_paragraphs[j1:j2]:
                yield [Segment(EQUAL, tuple(_words(paragraph)))]
            continue
        for before, after in _pair(old_paragraphs[i1:i2], new_paragraphs[j1:j2]):
            yield _diff_words(_words(before or ""), _words(after or ""))


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _pair(olds: list[str], news: list[str]) -> Iterator[tuple[str | None, str | None]]:
    """Changed paragraphs side by side, in order: each old one with the most similar new one
    still free, if they are similar enough. The others were added or removed whole, which
    reads better than a word-by-word diff of two unrelated paragraphs."""
    free = 0  # news[free:] are not paired yet
    for before in olds:
        ratios = [_similarity(before, after) for after in news[free:]]
        if not ratios or max(ratios) < SIMILAR_ENOUGH:
            yield before, None
            continue
        match = free + ratios.index(max(ratios))
        for added in news[free:match]:
            yield None, added
        yield before, news[match]
        free = match + 1
    for added in news[free:]:
        yield None, added


def _text(words: tuple[Word, ...], *, last_space: bool = True) -> str:
    parts = [w.text + w.space for w in words]
    if parts and not last_space:
        parts[-1] = words[-1].text
    return _with_breaks("".join(parts))


def _with_breaks(text: str) -> str:
    # No newline characters of our own: the page may show the diff with white-space: pre-wrap.
    return escape(text).replace("\n", "<br>")


def _marked(segment: Segment) -> str:
    tag, label = ("ins", _("Tillagt:")) if segment.kind == INSERTED else ("del", _("Borttaget:"))
    # The space after the last word stays outside the mark, so it is not underlined.
    return (
        f'<{tag}><span class="visually-hidden">{escape(label)} </span>'
        f"{_text(segment.words, last_space=False)}</{tag}>{_space_after(segment)}"
    )


def _space_after(segment: Segment) -> str:
    return _with_breaks(segment.words[-1].space)


def _render_runs(segments: list[Segment]) -> str:
    html = ""
    for segment in segments:
        if not segment.words:
            continue
        if segment.kind == EQUAL:
            html += _text(segment.words)
            continue
        if html and not html[-1].isspace():
            html += " "  # a mark right after a word, as at the end of a paragraph
        html += _marked(segment)
    return html


def diff_html(old: str, new: str) -> SafeString:
    """Both versions merged, with what was added in <ins> and what was removed in <del>:
    a <div class="diff"> with a <p> per paragraph."""
    paragraphs = "".join(f"<p>{_render_runs(p)}</p>" for p in diff_paragraphs(old, new))
    return mark_safe(f'<div class="diff">{paragraphs}</div>')  # noqa: S308 - all text escaped


def diff_inline(old: str, new: str) -> SafeString:
    """The same for a line of text such as a title: no block elements, so it may go in an <h2>.
    Paragraphs, if any, are separated by <br>."""
    lines = "<br>".join(_render_runs(p) for p in diff_paragraphs(old, new))
    return mark_safe(lines)  # noqa: S308 - all text escaped


def diff_summary(old: str, new: str) -> tuple[int, int]:
    """How many words were added and how many removed."""
    added = removed = 0
    for paragraph in diff_paragraphs(old, new):
        for segment in paragraph:
            if segment.kind == INSERTED:
                added += len(segment.words)
            elif segment.kind == DELETED:
                removed += len(segment.words)
    return added, removed


def changed(old: str, new: str) -> bool:
    """Whether a reader would see a difference: spacing and line breaks within a paragraph
    do not count, a new paragraph does."""
    return diff_summary(old, new) != (0, 0)
