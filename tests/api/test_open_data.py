"""The open-data API: what API users expect (cursor pages, ETag and 304, CORS, the rate
limit, CSV, read-only), a valid OpenAPI description, and no personal data from any
endpoint: no e-mail address, no person's name, no draft, nothing held back, no meeting
that is not public."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from openapi_spec_validator import validate

from consultations import services as consultations
from consultations.models import Question, Round, text_hash
from followup import figures as followup_figures
from forums.models import Invitation, Meeting
from kulturportal.api import main
from kulturportal.demo import seed_app_demos
from kulturportal.models import Organisation, OrganisationKind, User

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SECRETS = ("ekorrboet", "hermelinen", "kvastfenan", "blåmesarna")


@pytest.fixture
def world(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_app_demos()
    official = User.objects.get(email="handlaggare@example.se")
    folk_rep = User.objects.get(email="forening@example.se")
    now = timezone.now()
    times = dict(starts_at=now + timedelta(days=9), ends_at=now + timedelta(days=9, hours=2))
    closed = Meeting.objects.create(
        title="Slutet möte om kvastfenan",
        forum_type="arlig",
        organiser=official,
        status=Meeting.Status.SCHEDULED,
        is_public=False,
        **times,
    )
    Invitation.objects.create(meeting=closed, email="kalle.anka@example.se", name="Kalle Anka")
    Meeting.objects.create(
        title="Utkast om blåmesarna", forum_type="arlig", organiser=official, **times
    )
    folk = Organisation.objects.get(slug="folkhogskolorna-i-skane")
    folk.email = "kansli@folkhogskolorna.example.se"
    folk.save()
    referral = Round.objects.get(slug="remiss-kulturplan-2029-2032")
    draft = consultations.response_for(referral, folk)
    consultations.save_answers(
        response=draft,
        posted=[
            consultations.Posted(
                question=referral.questions.first(),
                value="Utkast om ekorrboet",
                base_hash=text_hash(""),
            )
        ],
        actor=folk_rep,
    )
    reported = Round.objects.get(slug="kulturplan-2025-2028")
    published = reported.responses.filter(published_content__isnull=False).first()
    question = reported.questions.filter(kind=Question.Kind.TEXT).first()
    answer = published.answers.get(question=question)
    answer.text += " Hemligt om hermelinen, mejla info@example.se."
    answer.save()
    submission = published.current_submission
    for item in submission.content["answers"]:
        if item["question"] == question.pk:
            item["text"] = answer.text
    submission.save()
    consultations.review_publication(
        response=published,
        keep=[],
        held_back=False,
        reason="",
        held_back_parts={str(question.pk): "Uppgifter om en enskild"},
        actor=official,
    )
    return {"closed": closed, "published": published, "reported": reported}


def _schema() -> dict:
    return main.openapi_schema()


def test_the_openapi_description_is_valid(db):
    schema = _schema()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert len(schema["paths"]) >= 22


def _example_path(path: str, world) -> str:
    values = {
        "{code}": "1281",
        "{meeting_id}": str(Meeting.objects.public().first().pk),
        "{number}": "1",
        # The follow-up: the newest year with approved reports (the demo approves 2024's).
        "{year}": str(max((c.year for c in followup_figures.years()), default=2024)),
    }
    for key, value in values.items():
        path = path.replace(key, value)
    slug = {
        "/sub-regions/": "sydvast",
        "/organisations/": "folkhogskolorna-i-skane",
        "/plans/": "2025-2028",
        "/consultations/": world["reported"].slug,
    }
    for prefix, value in slug.items():
        if prefix in path:
            path = path.replace("{slug}", value)
    return path


def _every_answer(client, world) -> list[tuple[str, str]]:
    """Every GET of the API, and its CSV where it has one, every page followed."""
    answers = []
    for path, operations in _schema()["paths"].items():
        url = _example_path(path, world)
        formats = [""]
        content = operations["get"]["responses"]["200"]["content"]
        if "text/csv" in content:
            formats.append("format=csv")
        for fmt in formats:
            next_url = f"{url}?{fmt}" if fmt else url
            while next_url:
                response = client.get(next_url)
                assert response.status_code == 200, next_url
                body = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                ).decode()
                answers.append((next_url, body))
                next_url = None
                if not fmt and response.get("Link"):
                    next_url = response["Link"].split(">")[0].lstrip("<")
    return answers


def test_no_endpoint_gives_away_personal_data(client, world):
    names = {u.get_full_name() for u in User.objects.all() if u.get_full_name()}
    names |= {"Kalle Anka", "Hanna Handläggare"}
    answers = _every_answer(client, world)
    assert len(answers) >= 22
    for url, body in answers:
        assert not EMAIL.search(body), f"{url}: {EMAIL.search(body).group()}"
        for name in names:
            assert name not in body, f"{url} names {name}"
        for secret in SECRETS:
            assert secret not in body, f"{url} shows {secret}"


def test_the_published_response_is_there_without_the_held_back_answer(client, world):
    url = f"/api/v1/consultations/{world['reported'].slug}/responses/"
    items = client.get(url).json()["items"]
    mine = next(
        i for i in items if i["registration_number"] == world["published"].registration_number
    )
    held = [a for a in mine["answers"] if a["held_back"]]
    assert held and all(a["text"] is None for a in held)


def test_only_public_meetings(client, world):
    ids = {m["id"] for m in client.get("/api/v1/meetings/?limit=200").json()["items"]}
    assert ids == set(Meeting.objects.public().values_list("pk", flat=True))
    assert client.get(f"/api/v1/meetings/{world['closed'].pk}/").status_code == 404


def test_pages_follow_a_cursor_to_the_end(client, demo):
    codes, url = [], "/api/v1/municipalities/?limit=5"
    while url:
        page = client.get(url).json()
        codes += [m["code"] for m in page["items"]]
        url = page["next"]
    assert len(codes) == 33 and codes == sorted(codes)


def test_a_cursor_from_nowhere_is_a_page_that_does_not_exist(client, demo):
    assert client.get("/api/v1/municipalities/?cursor=bm9wZQ").status_code == 404
    assert client.get("/api/v1/municipalities/?cursor=%%%").status_code == 404


def test_filters_match_the_pages(client, demo):
    page = client.get("/api/v1/municipalities/?sub_region=nordost&limit=50").json()
    assert page["items"] and {m["sub_region"]["slug"] for m in page["items"]} == {"nordost"}
    bad = client.get("/api/v1/organisations/?kind=nonsense")
    assert bad.status_code == 422


def test_an_unchanged_answer_is_304(client, demo):
    first = client.get("/api/v1/municipalities/1281/")
    etag = first["ETag"]
    assert client.get("/api/v1/municipalities/1281/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    since = first["Last-Modified"]
    again = client.get("/api/v1/municipalities/1281/", HTTP_IF_MODIFIED_SINCE=since)
    assert again.status_code == 304
    changed = client.get("/api/v1/municipalities/1281/", HTTP_IF_NONE_MATCH='"other"')
    assert changed.status_code == 200
    # A list may lose a row without any row's time moving: only its ETag counts.
    listed = client.get("/api/v1/municipalities/")
    assert (
        client.get(
            "/api/v1/municipalities/", HTTP_IF_MODIFIED_SINCE=listed["Last-Modified"]
        ).status_code
        == 200
    )


def test_any_site_may_read_and_nothing_may_write(client, demo):
    response = client.get("/api/v1/municipalities/")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options("/api/v1/municipalities/")
    assert preflight.status_code == 204
    assert "GET" in preflight["Access-Control-Allow-Methods"]
    refused = client.post("/api/v1/municipalities/", {})
    assert refused.status_code == 405 and "GET" in refused["Allow"]


def test_too_many_requests_are_told_when_to_come_back(client, demo, settings):
    settings.API_RATE_LIMIT = 3
    answers = [client.get("/api/v1/activity-areas/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 61
    assert answers[0]["RateLimit-Remaining"] == "2"


def test_csv_is_the_whole_table_and_safe_in_excel(client, demo):
    Organisation.objects.create(
        name="=HYPERLINK(1)", slug="formel", kind=OrganisationKind.CIVIL_SOCIETY
    )
    response = client.get("/api/v1/organisations/?format=csv&q=HYPERLINK")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffslug;namn")
    assert "'=HYPERLINK(1)" in text


def test_the_priorities_matrix_as_json_and_csv(client, demo):
    seed_app_demos()
    matrix = client.get("/api/v1/plans/2025-2028/priorities/").json()
    assert len(matrix["municipalities"]) == 33
    assert matrix["submitted"] == sum(1 for m in matrix["municipalities"] if m["submitted"])
    csv = b"".join(client.get("/api/v1/plans/2025-2028/priorities/?format=csv").streaming_content)
    assert csv.decode().count("\n") == 34


def test_the_readable_documentation_lists_every_endpoint(client, demo):
    content = client.get("/oppna-data/").content.decode()
    for path in _schema()["paths"]:
        assert f"GET {path}" in content
    english = client.get("/en/oppna-data/").content.decode()
    assert "Open data" in english
