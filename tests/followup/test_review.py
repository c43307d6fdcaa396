"""The official's review: what the checks found stays visible; approve, or return with a
comment; the organisation is told by e-mail, once; only approved figures are public."""

import pytest

from followup import services
from followup.models import AnnualReport
from kulturportal.models import AuditEntry, OutgoingEmail
from tests.followup import world


@pytest.fixture
def submitted(current_round, opera, opera_rep, last_year_approved):
    values = world.figures(
        income_state=59_000_000,
        income_region=120_000_000,
        income_own=58_000_000,
        explanations={
            "state_grant": "En miljon betalades ut i januari.",
            "jump__income_own": "Jubileumssäsongen sålde slut.",
        },
        reach={"1280": 280, "1286": 4},
    )
    return world.filed(current_round, opera, opera_rep, values, submit=True)


def _review_url(report) -> str:
    return f"/uppfoljning/{report.round.year}/hantera/rapporter/{report.pk}/"


def test_the_official_sees_what_the_checks_found_and_the_explanations(client, official, submitted):
    client.force_login(official)
    page = client.get(_review_url(submitted)).content.decode()
    assert "beslutet för 2025 är 60" in page
    assert "En miljon betalades ut i januari." in page
    assert "Jubileumssäsongen sålde slut." in page
    assert "+45 %" in page  # the comparison with last year's approved figure


def test_returning_needs_a_comment_and_tells_the_organisation(
    client, official, submitted, opera_rep
):
    client.force_login(official)
    url = _review_url(submitted)
    refused = client.post(url + "komplettering/", {"comment": "  "})
    assert refused.status_code == 400
    assert "komplettera" in " ".join(refused.context["form"].errors["comment"])
    response = client.post(url + "komplettering/", {"comment": "Publiken saknas."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == AnnualReport.Status.RETURNED
    emails = OutgoingEmail.objects.filter(dedupe_key__startswith="followup-returned:")
    assert [e.to for e in emails] == [opera_rep.email]
    assert "Publiken saknas." in emails[0].body_text
    assert AuditEntry.objects.filter(action="report.returned").exists()
    # The organisation sees the comment on its form and submits again.
    client.force_login(opera_rep)
    form_page = client.get(submitted.form_url()).content.decode()
    assert "Det här behöver kompletteras" in form_page and "Publiken saknas." in form_page
    services.submit_report(report=submitted, actor=opera_rep)
    submitted.refresh_from_db()
    assert submitted.status == AnnualReport.Status.SUBMITTED
    assert submitted.current_submission.number == 2


def test_approving_makes_the_figures_public_and_tells_the_organisation(
    client, official, submitted, opera_rep
):
    public = f"/uppfoljning/{world.CURRENT}/organisationer/malmo-opera/"
    assert client.get(public).status_code == 404  # submitted: not public yet
    client.force_login(official)
    assert client.post(_review_url(submitted) + "godkann/", {"comment": ""}).status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == AnnualReport.Status.APPROVED
    review = submitted.reviews.get()
    emails = OutgoingEmail.objects.filter(dedupe_key__startswith=f"followup-approved:{review.pk}:")
    assert [e.to for e in emails] == [opera_rep.email]
    client.logout()
    assert client.get(public).status_code == 200
    # Approving again (a double click) is refused, and sends nothing more.
    with pytest.raises(services.NotAwaitingReview):
        services.approve(report=submitted, actor=official)
    assert submitted.reviews.count() == 1 and emails.count() == 1


def test_drafts_and_returned_reports_are_never_public(
    client, official, current_round, opera, opera_rep, folk, folk_high_school_rep
):
    draft = world.filed(current_round, folk, folk_high_school_rep, world.figures(income_own=1))
    returned = world.filed(
        current_round,
        opera,
        opera_rep,
        world.figures(income_state=60_000_000, reach={"1280": 999}),
        submit=True,
    )
    services.return_report(report=returned, comment="Saknas.", actor=official)
    assert draft.status == AnnualReport.Status.DRAFT
    for url in (
        f"/uppfoljning/{world.CURRENT}/",
        f"/uppfoljning/{world.CURRENT}/organisationer/malmo-opera/",
        f"/uppfoljning/{world.CURRENT}/organisationer/folkhogskolorna-i-skane/",
    ):
        assert client.get(url).status_code == 404, url
    assert "999" not in client.get("/uppfoljning/").content.decode()
