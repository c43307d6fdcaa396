"""The plan's text and statuses: edited while a draft, previewed without saving, shown safely
whatever the Markdown says, frozen in versions and compared, locked once adopted; and the
registration windows the official opens and closes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kulturplan import services
from kulturplan.models import CulturePlan, PlanVersion, RegistrationWindow, Section
from kulturportal import audit
from kulturportal.models import AuditEntry
from tests.kulturplan.conftest import local

pytestmark = pytest.mark.django_db


def _section_url(plan, section):
    return f"/kulturplan/{plan.slug}/hantera/avsnitt/{section.pk}/"


def _section_post(section, **overrides):
    data = {
        "title": section.title,
        "slug": section.slug,
        "position": str(section.position),
        "body": section.body,
        "save": "1",
    }
    data.update(overrides)
    return data


# --- An adopted plan is locked ---------------------------------------------------------------


def test_a_section_of_the_adopted_plan_cannot_be_saved(official_client, adopted_plan):
    section = adopted_plan.sections.get(slug="strategier")
    before, entries = section.body, AuditEntry.objects.count()
    response = official_client.post(
        _section_url(adopted_plan, section), _section_post(section, body="Helt ny text.")
    )
    assert response.status_code == 409
    assert "Planen är antagen. Texten är låst och sparades inte." in response.content.decode()
    section.refresh_from_db()
    assert section.body == before
    assert AuditEntry.objects.count() == entries


def test_the_service_refuses_to_save_a_section_of_the_adopted_plan(official, adopted_plan):
    section = adopted_plan.sections.get(slug="strategier")
    before = section.body
    section.body = "Helt ny text."
    with pytest.raises(services.PlanLocked):
        services.save_section(section=section, changed=["body"], actor=official)
    assert Section.objects.get(pk=section.pk).body == before


def test_the_service_reads_the_lock_from_the_database_not_from_the_page(official, draft_plan):
    """The official opened the section while the plan was a draft; a colleague adopted it."""
    section = draft_plan.sections.get(slug="strategier")
    services.change_status(plan=draft_plan, status=CulturePlan.Status.ADOPTED, actor=official)
    assert section.plan.status == CulturePlan.Status.DRAFT  # what the open page knew
    section.body = "Skrivet medan planen antogs."
    with pytest.raises(services.PlanLocked):
        services.save_section(section=section, changed=["body"], actor=official)
    assert "Skrivet medan" not in Section.objects.get(pk=section.pk).body


# --- Preview and Markdown --------------------------------------------------------------------


def test_preview_renders_the_markdown_and_stores_nothing(official_client, draft_plan):
    section = draft_plan.sections.get(slug="strategier")
    before = section.body
    entries = AuditEntry.objects.count()
    response = official_client.post(
        _section_url(draft_plan, section),
        _section_post(section, body="Vi satsar på **läsande** och *film*.", preview="1"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    preview = html[html.index('id="preview-heading"') :]
    assert "Förhandsgranskning (inte sparad)" in preview
    assert "<strong>läsande</strong>" in preview and "<em>film</em>" in preview
    section.refresh_from_db()
    assert section.body == before
    assert AuditEntry.objects.count() == entries


HOSTILE = (
    "Inledning.\n\n<script>alert(1)</script>\n\n[klick](javascript:alert(1))\n\n"
    "<img src=x onerror=alert(1)>\n\n[Region Skåne](https://www.skane.se/)"
)


def _nothing_executable(html, page):
    assert "<script>alert" not in html
    for tag, attributes in page(html).tags:
        assert tag != "img" or attributes.get("src") != "x", attributes
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert not value.strip().lower().startswith("javascript:"), (tag, name, value)


def test_markdown_on_the_plan_page_is_sanitised(client, draft_plan, page):
    Section.objects.filter(plan=draft_plan, slug="inledning").update(body=HOSTILE)
    draft_plan.development_areas.filter(slug="lasande").update(description=HOSTILE)
    response = client.get(f"/kulturplan/{draft_plan.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    _nothing_executable(html, page)
    assert '<a href="https://www.skane.se/" rel="noopener noreferrer">Region Skåne</a>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text, not run


def test_the_preview_is_sanitised_too(official_client, draft_plan, page):
    section = draft_plan.sections.get(slug="inledning")
    response = official_client.post(
        _section_url(draft_plan, section), _section_post(section, body=HOSTILE, preview="1")
    )
    html = response.content.decode()
    preview = html[html.index('id="preview-heading"') :]
    _nothing_executable(preview, page)


# --- Statuses --------------------------------------------------------------------------------


def _change_status(client, plan, status):
    return client.post(f"/kulturplan/{plan.slug}/hantera/status/", {"status": status})


def test_a_draft_goes_to_consultation_and_is_then_adopted(official_client, official, draft_plan):
    assert _change_status(official_client, draft_plan, "consultation").status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == CulturePlan.Status.CONSULTATION
    assert not draft_plan.is_locked and draft_plan.adopted_on is None

    text_at_adoption = services.plan_content(draft_plan)
    working = draft_plan.version
    assert _change_status(official_client, draft_plan, "adopted").status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == CulturePlan.Status.ADOPTED and draft_plan.is_locked
    assert draft_plan.adopted_on == timezone.localdate()
    final = draft_plan.versions.get(number=working)
    assert final.content == text_at_adoption and final.created_by == official
    assert final.note == "Antagen version"
    statuses = [
        e.changes["status"]
        for e in AuditEntry.objects.about(draft_plan)
        if e.action == "plan.status"
    ]
    assert statuses == [["consultation", "adopted"], ["draft", "consultation"]]


def test_an_adopted_plan_is_locked_for_text_and_versions(official, draft_plan):
    services.change_status(plan=draft_plan, status=CulturePlan.Status.ADOPTED, actor=official)
    frozen = draft_plan.versions.get(number=draft_plan.version).content
    section = draft_plan.sections.get(slug="strategier")
    section.body = "Ändrat efteråt."
    with pytest.raises(services.PlanLocked):
        services.save_section(section=section, changed=["body"], actor=official)
    with pytest.raises(services.PlanLocked):
        services.save_version(plan=draft_plan, actor=official)
    draft_plan.refresh_from_db()
    assert draft_plan.versions.get(number=draft_plan.version).content == frozen


def test_an_adopted_plan_does_not_go_back_to_draft(official_client, adopted_plan):
    response = _change_status(official_client, adopted_plan, "draft")
    assert response.status_code == 400
    assert 'id="id_status_error"' in response.content.decode()
    adopted_plan.refresh_from_db()
    assert adopted_plan.status == CulturePlan.Status.ADOPTED
    with pytest.raises(ValueError):
        services.change_status(plan=adopted_plan, status=CulturePlan.Status.DRAFT, actor=None)


# --- Versions and their comparison -----------------------------------------------------------


def test_saving_a_version_freezes_it_and_goes_on_with_the_next(
    official_client, official, draft_plan
):
    assert draft_plan.version == 2  # version 1 was saved before the overläggningar
    response = official_client.post(
        f"/kulturplan/{draft_plan.slug}/hantera/version/", {"note": "Remissversion"}
    )
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.version == 3
    saved = draft_plan.versions.get(number=2)
    assert saved.note == "Remissversion" and saved.created_by == official
    assert saved.content == services.plan_content(draft_plan)
    assert AuditEntry.objects.about(draft_plan).first().details["version_number"] == 2

    section = draft_plan.sections.get(slug="genomforande")
    section.body = section.body.replace("årligen", "två gånger om året")
    services.save_section(section=section, changed=["body"], actor=official)
    saved.refresh_from_db()
    bodies = {s["slug"]: s["body"] for s in saved.content["sections"]}
    assert "följs upp årligen" in bodies["genomforande"]  # the copy does not move


def test_the_comparison_marks_what_was_added_and_removed(official_client, official, draft_plan):
    section = draft_plan.sections.get(slug="genomforande")
    section.body = section.body.replace("årligen", "två gånger om året")
    services.save_section(section=section, changed=["body"], actor=official)
    response = official_client.get(f"/kulturplan/{draft_plan.slug}/versioner/?fran=1&till=2")
    html = response.content.decode()
    assert response.status_code == 200
    part = html[html.index("Genomförande och uppföljning") :]
    part = part[: part.index("</section>")]
    assert '<span class="tag">ändrat</span>' in part
    assert '<del><span class="visually-hidden">Borttaget: </span>årligen</del>' in part
    assert '<ins><span class="visually-hidden">Tillagt: </span>två gånger om året</ins>' in part
    assert "Tillagd text är understruken och markerad med ”Tillagt”" in html


@pytest.mark.parametrize(
    ("slug", "query"),
    [
        ("2029-2032", "fran=1&till=9"),
        ("2029-2032", "fran=7&till=2"),
        ("2025-2028", "fran=2&till=3"),  # an adopted plan has no working version
    ],
)
def test_unknown_version_numbers_are_not_found(client, plans, slug, query):
    assert client.get(f"/kulturplan/{slug}/versioner/?{query}").status_code == 404


def test_a_saved_version_reaches_visitors_at_once(
    client, official, draft_plan, django_capture_on_commit_callbacks
):
    """The plan page a visitor sees is cached; a new version must not wait for the cache."""
    assert "2 (under arbete)" in client.get(f"/kulturplan/{draft_plan.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.save_version(plan=draft_plan, note="Remissversion", actor=official)
    assert "3 (under arbete)" in client.get(f"/kulturplan/{draft_plan.slug}/").content.decode()


# --- Registration windows --------------------------------------------------------------------


def _open_window(client, plan, opens_at, closes_at):
    return client.post(
        f"/kulturplan/{plan.slug}/hantera/anmalan/", {"opens_at": opens_at, "closes_at": closes_at}
    )


def test_a_window_must_close_after_it_opens(official_client, adopted_plan):
    response = _open_window(official_client, adopted_plan, "2027-03-27T12:00", "2027-03-27T11:00")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Anmälan måste stänga efter att den har öppnat." in html
    assert 'id="id_closes_at_error"' in html
    assert adopted_plan.registration_windows.count() == 1  # only the old one


def test_a_window_is_opened_in_swedish_time_across_the_change_to_summer_time(
    official_client, official, adopted_plan
):
    response = _open_window(official_client, adopted_plan, "2027-03-27T12:00", "2027-03-28T12:00")
    assert response.status_code == 302
    window = adopted_plan.registration_windows.get(opens_at__year=2027)
    assert window.opens_at == local(2027, 3, 27, 12)  # 11.00 UTC, winter time
    assert window.closes_at == local(2027, 3, 28, 12)  # 10.00 UTC, summer time
    entry = AuditEntry.objects.about(adopted_plan).first()
    assert entry.action == "window.opened" and entry.actor == official


def test_closing_the_window_now(official_client, official, window, draft_plan):
    response = official_client.post(
        f"/kulturplan/{draft_plan.slug}/hantera/anmalan/{window.pk}/stang/"
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.has_closed() and not window.is_open()
    assert timezone.now() - window.closes_at < timedelta(minutes=1)
    entry = AuditEntry.objects.about(draft_plan).first()
    assert entry.action == "window.closed" and entry.actor == official
    assert not RegistrationWindow.objects.open_at().filter(plan=draft_plan).exists()


def test_closing_a_window_that_has_not_opened_means_it_never_opens(official, draft_plan):
    """ "Stäng anmälan nu" on a window planned for later: no municipality may register in it,
    not even for a second, and the history says what was stored."""
    later = timezone.now() + timedelta(days=60)
    planned = services.open_window(
        plan=draft_plan,
        opens_at=later,
        closes_at=later + timedelta(days=30),
        actor=official,
    )
    services.close_window(window=planned, actor=official)
    assert not RegistrationWindow.objects.filter(pk=planned.pk).exists()
    entry = AuditEntry.objects.about(draft_plan).first()
    assert entry.action == "window.cancelled"
    assert entry.details["opens_at"] == audit.jsonable(later)


def test_a_version_of_the_plan_is_listed_on_the_manage_page(official_client, draft_plan):
    html = official_client.get(f"/kulturplan/{draft_plan.slug}/hantera/").content.decode()
    assert "Arbetsutkast inför överläggningarna" in html
    assert PlanVersion.objects.filter(plan=draft_plan).count() == 1


def test_the_diff_page_compares_the_two_latest_versions_by_default(client, adopted_plan):
    html = client.get(f"/kulturplan/{adopted_plan.slug}/versioner/").content.decode()
    assert "Från version 1 till version 2" in html
    assert "<ins>" in html  # the follow-up paragraph added after the referral
    assert "delar är oförändrade" in html
