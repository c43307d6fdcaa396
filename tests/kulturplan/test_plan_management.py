"""A new plan period written from the last one, and sections and areas taken out of a draft."""

from kulturplan import services
from kulturplan.models import CulturePlan, DevelopmentArea, Priority, Section
from kulturportal.models import AuditEntry


def _new_plan_post(**fields):
    return {
        "title": "Regional kulturplan för Skåne 2033–2036",
        "slug": "2033-2036",
        "starts_year": "2033",
        "ends_year": "2036",
        **fields,
    }


def test_a_new_plan_starts_as_a_draft_copy_of_the_one_chosen(official_client, draft_plan):
    response = official_client.post(
        "/hantera/kulturplaner/ny/", _new_plan_post(copy_from=draft_plan.pk)
    )
    assert response.status_code == 302
    plan = CulturePlan.objects.get(slug="2033-2036")
    assert plan.is_draft and plan.version == 1
    assert [s.title for s in plan.sections.all()] == [s.title for s in draft_plan.sections.all()]
    copies = {
        a.slug: {x.code for x in a.activity_areas.all()} for a in plan.development_areas.all()
    }
    originals = {
        a.slug: {x.code for x in a.activity_areas.all()} for a in draft_plan.development_areas.all()
    }
    assert copies == originals
    assert not plan.registrations.exists()  # the priorities are the municipalities' to give
    entry = AuditEntry.objects.about(plan).get()
    assert entry.action == "plan.created" and entry.details["copied_from"] == draft_plan.title


def test_a_period_that_ends_before_it_starts_is_refused_and_the_title_kept(official_client, plans):
    response = official_client.post(
        "/hantera/kulturplaner/ny/", _new_plan_post(starts_year="2036", ends_year="2033")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Sista året kan inte komma före det första." in html
    assert 'value="Regional kulturplan för Skåne 2033–2036"' in html
    assert not CulturePlan.objects.filter(slug="2033-2036").exists()


def test_a_taken_short_name_is_refused(official_client, draft_plan):
    response = official_client.post("/hantera/kulturplaner/ny/", _new_plan_post(slug="2029-2032"))
    assert response.status_code == 400
    assert CulturePlan.objects.filter(slug="2029-2032").count() == 1


def test_the_lund_chief_may_not_create_a_plan(lund_client, plans):
    assert lund_client.post("/hantera/kulturplaner/ny/", _new_plan_post()).status_code == 403
    assert not CulturePlan.objects.filter(slug="2033-2036").exists()


def test_a_section_taken_out_of_a_draft_keeps_its_text_in_the_history(official_client, draft_plan):
    section = draft_plan.sections.get(slug="strategier")
    url = f"/kulturplan/{draft_plan.slug}/hantera/avsnitt/{section.pk}/ta-bort/"
    assert official_client.post(url).status_code == 302
    assert not Section.objects.filter(pk=section.pk).exists()
    entry = AuditEntry.objects.about(draft_plan).first()
    assert entry.action == "section.deleted"
    assert entry.changes["body"] == [section.body, None]


def test_a_section_of_an_adopted_plan_stays(official_client, adopted_plan):
    section = adopted_plan.sections.first()
    url = f"/kulturplan/{adopted_plan.slug}/hantera/avsnitt/{section.pk}/ta-bort/"
    response = official_client.post(url, follow=True)
    assert "låst" in response.content.decode()
    assert Section.objects.filter(pk=section.pk).exists()


def test_an_area_municipalities_submitted_stays(official_client, draft_plan):
    area = draft_plan.development_areas.get(slug="barn-och-unga")
    url = f"/kulturplan/{draft_plan.slug}/hantera/utvecklingsomraden/{area.pk}/ta-bort/"
    response = official_client.post(url, follow=True)
    assert "kan inte tas bort" in response.content.decode()
    assert DevelopmentArea.objects.filter(pk=area.pk).exists()


def test_an_area_only_in_drafts_goes_with_the_draft_lines(official, draft_plan, lund_registration):
    area = DevelopmentArea.objects.create(plan=draft_plan, title="Nytt område", slug="nytt")
    Priority.objects.create(
        registration=lund_registration, development_area=area, rank=1, motivation="Utkast"
    )
    services.delete_development_area(area=area, actor=official)
    assert not DevelopmentArea.objects.filter(pk=area.pk).exists()
    assert not Priority.objects.filter(development_area_id=area.pk).exists()
