"""One language at a time, and words rather than codes (issue 20, item 18): every page a
persona can open is rendered in Swedish and in English, and fails where the test can tell
that something leaked: a sentence of the other language's catalogue, or a code of a choice
("needs_action", "org_representative") shown as text."""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation

from tests.test_permission_matrix import MATRIX, _url, log_in_as, world  # noqa: F401

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
PERSONAS = ["anonymous", "official", "lund_chief", "folk_high_school_rep"]
MIN_WORDS = 4  # shorter sentences are said alike in content and interface too often


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Text(HTMLParser):
    """The text a reader sees in one language: text nodes, not markup, scripts or attribute
    values, and not a part marked as another language (lang="sv" on an e-mail's preview
    in an English page, as WCAG 3.1.2 asks)."""

    def __init__(self, language: str):
        super().__init__()
        self.language = language
        self.parts: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (tag, the language in force)

    def _current(self) -> str:
        return self.stack[-1][1] if self.stack else self.language

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        lang = dict(attrs).get("lang") or self._current()
        self.stack.append((tag, "skip" if tag in ("script", "style") else lang[:2]))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self._current() == self.language:
            self.parts.append(data)


def visible_text(html: str, language: str = "sv") -> str:
    parser = _Text(language)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@cache
def sentences() -> tuple[frozenset[str], frozenset[str]]:
    """(Swedish sources, English translations) of the catalogue's whole sentences."""
    text = CATALOGUE.read_text(encoding="utf-8")
    swedish, english = set(), set()
    for block in text.split("\n\n"):
        if block.startswith("#~") or "msgid_plural" in block:
            continue
        msgid = _field(block, "msgid")
        msgstr = _field(block, "msgstr")
        if not msgid or not msgstr or msgid == msgstr:
            continue
        if re.search(r"%\(|%s|\{|<|\\n", msgid + msgstr):
            continue
        if len(msgid.split()) >= MIN_WORDS and len(msgstr.split()) >= MIN_WORDS:
            swedish.add(" ".join(msgid.split()))
            english.add(" ".join(msgstr.split()))
    return frozenset(swedish), frozenset(english)


def _field(block: str, name: str) -> str:
    match = re.search(rf'^{name} ((?:".*"\n?)+)', block, re.M)
    if not match:
        return ""
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1))).replace('\\"', '"')


@cache
def codes() -> frozenset[str]:
    """The stored values of every choice in the portal that look like codes (snake_case)."""
    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in ("kulturportal", "forums", "kulturplan", "consultations"):
            continue
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and "_" in value:
                    found.add(value)
    return frozenset(found)


def _pages(persona: str) -> list[str]:
    return sorted(name for name, (get_row, _post) in MATRIX.items() if get_row[persona] == "200")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_speaks_one_language_and_no_codes(persona, log_in_as, world):  # noqa: F811
    swedish, english = sentences()
    problems = []
    client = log_in_as(persona)
    for name in _pages(persona):
        for language in ("sv", "en"):
            with translation.override(language):
                url = _url(name, world)
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            text = visible_text(response.content.decode(), language)
            other = english if language == "sv" else swedish
            problems += [f"{url}: {sentence!r}" for sentence in other if sentence in text]
            problems += [
                f"{url}: code {code!r}"
                for code in codes()
                if re.search(rf"(?<![\w/-]){re.escape(code)}(?![\w/-])", text)
            ]
    assert not problems, "\n".join(problems[:40])


def test_the_checks_can_fail():
    """The catalogue is read, the codes are found, markup is not text."""
    swedish, english = sentences()
    assert len(swedish) > 100 and len(english) > 100
    assert "needs_action" in codes() and "org_representative" in codes()
    assert visible_text('<p title="needs_action">Kommer <b>inte</b></p>') == "Kommer inte"
    assert visible_text('<p>Coming <span lang="sv">Kommer</span></p>', "en") == "Coming"
    assert isinstance(models.TextChoices, type)


def test_one_word_for_download():
    """Defect (real run, 2026-12-06): the export page said "klar att ladda ned" above its
    "Ladda ner …" link. The portal writes "ladda ner" everywhere (issue 20, item 18)."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    apps = ["kulturportal", "forums", "kulturplan", "consultations", "followup", "templates"]
    found = [
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*")
        if path.suffix in (".html", ".txt", ".py")
        and re.search(r"[Ll]adda(?:s)? ned\b", path.read_text(encoding="utf-8"))
    ]
    assert not found, found
