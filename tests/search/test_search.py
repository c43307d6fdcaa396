"""Search in Swedish: inflections, compounds, slips, the query syntax, highlighting that
escapes, the index kept current by the services (no signals), and constant queries."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test import Client

from kulturplan import services as plan_services
from kulturplan.models import CulturePlan, Section
from kulturportal import search
from kulturportal.models import SearchDocument
from kulturportal.search.querying import parse

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the widening by pg_trgm is PostgreSQL's"
)
_serial = itertools.count()


@pytest.fixture
def plan(demo):
    plan = CulturePlan.objects.create(
        title="Testplan", slug="testplan", starts_year=2041, ends_year=2044
    )
    texts = {
        "a": "Biblioteken i Skåne ska vara öppna.",
        "b": "Biblioteket i Ystad byggs om.",
        "c": "Folkbiblioteken når alla barn.",
        "d": "Läsfrämjande för vuxna i hela regionen.",
        "e": "Läsfrämjande för barn och unga.",
        "f": "Kulturella och kreativa näringar växer.",
        "g": "Kreativa och kulturella näringar är något annat.",
        "h": "Kulturplanen följs upp varje år.",
    }
    for slug, body in texts.items():
        Section.objects.create(plan=plan, slug=slug, title=f"Avsnitt {slug}", body=body)
    search.rebuild()
    return plan


def _found(text: str, user=None, **options) -> set[str]:
    from django.contrib.auth.models import AnonymousUser

    results = search.search(user or AnonymousUser(), text, **options)
    return {hit.url.rsplit("#", 1)[-1] for hit in results.hits if "#" in hit.url}


def test_inflections_and_compounds(plan):
    assert {"a", "b", "c"} <= _found("bibliotek")


@on_postgres
def test_a_spelling_slip_still_finds(plan):
    assert "h" in _found("kultruplanen")


def test_minus_excludes_a_word(plan):
    found = _found("läsfrämjande -barn")
    assert "d" in found and "e" not in found


def test_quotes_keep_words_together(plan):
    found = _found('"kulturella och kreativa näringar"')
    assert "f" in found and "g" not in found


def test_or_offers_alternatives(plan):
    assert {"b", "h"} <= _found("ystad or kulturplanen")


def test_the_syntax_is_parsed_as_websearch_does():
    query = parse('läsfrämjande -barn "kreativa näringar" or film')
    assert [[(t.text, t.negated, t.phrase) for t in group] for group in query.alternatives] == [
        [("läsfrämjande", False, False), ("barn", True, False), ("kreativa näringar", False, True)],
        [("film", False, False)],
    ]
    assert not parse("-barn")  # only exclusions: nothing to look for


def test_the_passage_is_marked_and_everything_else_escaped(plan):
    Section.objects.create(
        plan=plan, slug="x", title="<script>alert(1)</script> Bibliotek", body="<b>Bibliotek</b>"
    )
    search.rebuild(["avsnitt"])
    content = Client().get("/sok/", {"q": "bibliotek"}).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;" in content
    assert "<mark>" in content


def test_newest_first_and_by_kind(plan):
    results = search.search(AnonymousUser(), "bibliotek", order=search.NEWEST)
    dates = [hit.date for hit in results.hits if hit.date]
    assert dates == sorted(dates, reverse=True)
    only = search.search(AnonymousUser(), "bibliotek", kind="avsnitt")
    assert only.hits and {hit.kind for hit in only.hits} == {"avsnitt"}
    assert any(f.name == "avsnitt" and f.selected for f in only.facets)


def test_a_saved_section_is_found_after_the_commit(plan, django_capture_on_commit_callbacks):
    section = plan.sections.get(slug="a")
    section.body = "Nu handlar det om zebrafinkarna."
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.save_section(section=section, changed=["body"], actor=None)
    assert "a" in _found("zebrafinkarna")
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.delete_section(section=section, actor=None)
    assert not _found("zebrafinkarna")
    assert not SearchDocument.objects.filter(kind="avsnitt", object_id=section.pk).exists()


def test_nothing_is_indexed_before_the_commit(plan, django_capture_on_commit_callbacks):
    section = plan.sections.get(slug="b")
    section.body = "Om sjöstjärnorna."
    with django_capture_on_commit_callbacks(execute=False):
        plan_services.save_section(section=section, changed=["body"], actor=None)
    assert not _found("sjöstjärnorna")


def test_the_command_rebuilds_everything(demo, capsys):
    from kulturportal.demo import seed_app_demos

    seed_app_demos()
    SearchDocument.objects.all().delete()
    call_command("rebuild_search_index")
    kinds = set(SearchDocument.objects.values_list("kind", flat=True))
    assert kinds >= {"kulturplan", "avsnitt", "utvecklingsomrade", "mote", "samrad", "kommun"}
    assert "Search index rebuilt" in capsys.readouterr().out


def test_seed_demo_leaves_a_complete_index(db):
    call_command("seed_demo", force=True)
    assert _found("bibliotek")
    results = search.search(AnonymousUser(), "läsfrämjande")
    assert any(hit.kind == "mote" for hit in results.hits)


def test_the_search_page_makes_as_many_queries_for_ten_times_the_hits(plan, assert_flat_queries):
    def grow(k):
        for _ in range(k):
            n = next(_serial)
            Section.objects.create(
                plan=plan, slug=f"g{n}", title=f"Bibliotek {n}", body="bibliotek"
            )
        search.rebuild(["avsnitt"])

    assert_flat_queries("/sok/?q=bibliotek", grow)
