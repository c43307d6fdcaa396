"""The dependency direction where import-linter cannot look: templates, and URL names in
strings. The core (templates/, kulturportal/) names no app's template or URL; the apps name
only what their import contracts allow (pyproject.toml). A page that needs another app's
part asks the core's registries (kulturportal/panels.py) instead."""

import re
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
APPS = ["forums", "kulturplan", "consultations", "followup"]
# Who may not name whom: the same as the import contracts.
FORBIDDEN = {
    "core": APPS,
    "kulturplan": ["forums", "consultations", "followup"],
    "forums": ["consultations", "followup"],
    "consultations": ["forums", "followup"],
}
# {% url 'forums:…' %}, {% include "forums/…" %}, {% extends "forums/…" %}
TEMPLATE_REFERENCE = re.compile(r"""\{%\s*(?:url|include|extends)\s+['"](\w+)[:/]""")
# reverse("forums:…"), redirect("forums:…") and the like in Python
URL_NAME = re.compile(r"""['"](\w+):[a-z_]+['"]""")


def _templates(owner: str) -> list[Path]:
    roots = [BASE / "templates", BASE / "kulturportal" / "templates"]
    if owner != "core":
        roots = [BASE / owner / "templates"]
    return [path for root in roots if root.exists() for path in root.rglob("*") if path.is_file()]


def _python(owner: str) -> list[Path]:
    package = BASE / ("kulturportal" if owner == "core" else owner)
    return [p for p in package.rglob("*.py") if "migrations" not in p.parts]


def _named(paths, pattern) -> set[tuple[str, str]]:
    return {
        (str(path.relative_to(BASE)), match)
        for path in paths
        for match in pattern.findall(path.read_text(encoding="utf-8", errors="replace"))
    }


@pytest.mark.parametrize("owner", sorted(FORBIDDEN))
def test_templates_name_no_app_they_may_not_import(owner):
    found = _named(_templates(owner), TEMPLATE_REFERENCE)
    wrong = sorted((path, app) for path, app in found if app in FORBIDDEN[owner])
    assert not wrong, f"{owner}'s templates name another app: {wrong}"


@pytest.mark.parametrize("owner", sorted(FORBIDDEN))
def test_code_names_no_url_of_an_app_it_may_not_import(owner):
    found = _named(_python(owner), URL_NAME)
    wrong = sorted((path, app) for path, app in found if app in FORBIDDEN[owner])
    assert not wrong, f"{owner} names another app's URL: {wrong}"


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The patterns catch the forms a template and the code use."""
    assert TEMPLATE_REFERENCE.findall("{% url 'forums:meeting_list' %}") == ["forums"]
    assert TEMPLATE_REFERENCE.findall('{% include "consultations/_x.html" %}') == ["consultations"]
    assert URL_NAME.findall('reverse("kulturplan:overview", args=[1])') == ["kulturplan"]
