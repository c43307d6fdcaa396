"""Search per persona, as the permission matrix does: for each secret in the demo world,
exactly the people who may open it find it, and no one else sees its text, not even in a
highlighted passage. Built once for the module, rolled back at its end."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from consultations import services as consultations
from consultations.models import Question, Round, text_hash
from forums.models import Invitation, Meeting, Minutes, Network, NetworkMembership
from kulturportal import search
from kulturportal.demo import DEMO_PASSWORD, seed_app_demos, seed_demo_people, seed_reference_data
from kulturportal.models import Municipality, Organisation, Role, RoleAssignment, User
from tests.conftest import make_nobody, make_other_org_rep
from tests.matrix import PERSONAS

EVERYONE = set(PERSONAS) - {"official_without_mfa"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("search-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        seed_reference_data()
        seed_demo_people()
        seed_app_demos()
        people = _people()
        TOTP.activate(people["official"], generate_totp_secret())
        built = {"people": people, **_secrets(people)}
        search.rebuild()
        yield built
        transaction.set_rollback(True)


def _people() -> dict[str, User]:
    emails = {
        "official": "handlaggare@example.se",
        "lund_chief": "kulturchef.lund@example.se",
        "malmo_chief": "kulturchef.malmo@example.se",
        "ystad_politician": "politiker.ystad@example.se",
        "folk_high_school_rep": "forening@example.se",
    }
    people = {p: User.objects.get(email=e) for p, e in emails.items()}
    people["nobody"] = make_nobody()
    people["other_org_rep"] = make_other_org_rep()
    late = User.objects.create_user("ny.handlaggare@example.se", DEMO_PASSWORD, is_staff=True)
    RoleAssignment.objects.create(user=late, role=Role.REGIONAL_OFFICIAL)
    people["official_without_mfa"] = late
    return people


def _secrets(people) -> dict:
    official = people["official"]
    now = timezone.now()
    meeting = dict(organiser=official, forum_type="arlig", starts_at=now + timedelta(days=20))
    meeting["ends_at"] = meeting["starts_at"] + timedelta(hours=2)
    public = Meeting.objects.create(
        title="Möte om solrosfältet", status=Meeting.Status.SCHEDULED, **meeting
    )
    closed = Meeting.objects.create(
        title="Slutet möte om kvastfenan",
        description="Inte för allmänheten: sjöjungfrun",
        status=Meeting.Status.SCHEDULED,
        is_public=False,
        **meeting,
    )
    Invitation.objects.create(
        meeting=closed, email=people["lund_chief"].email, user=people["lund_chief"]
    )
    Meeting.objects.create(title="Utkast om blåmesarna", **meeting)
    Minutes.objects.create(meeting=public, text="Ej publicerat: tallkottarna i skogen")
    network = Network.objects.create(
        name="Nätverk om myrstacken", slug="myrstacken", form=Network.Form.THEMATIC
    )
    NetworkMembership.objects.create(network=network, user=people["lund_chief"])

    folk = Organisation.objects.get(slug="folkhogskolorna-i-skane")
    lund = Municipality.objects.get(code="1281")
    referral = Round.objects.get(slug="remiss-kulturplan-2029-2032")
    question = referral.questions.first()
    _answer(referral, folk, question, "Utkast om ekorrboet och grankvisten", people, "folk")
    _answer(referral, lund, question, "Lunds utkast om grävlingen och lodjuret", people, "lund")

    consultation = Round.objects.get(slug="kulturplan-2029-2032")
    text_questions = [q for q in consultation.questions.all() if q.kind == Question.Kind.TEXT]
    first, second = text_questions[:2]
    response = consultations.response_for(consultation, folk)
    consultations.save_answers(
        response=response,
        posted=[
            consultations.Posted(
                question=first,
                value=f"Publicerat om ängsblomman. Ring {_rep_name(people)} på 070-123 45 67.",
                base_hash=text_hash(""),
            ),
            consultations.Posted(
                question=second,
                value="Tillbakahållet om hermelinen och snöugglan",
                base_hash=text_hash(""),
            ),
        ],
        actor=people["folk_high_school_rep"],
    )
    _answer_required(consultation, response, people["folk_high_school_rep"])
    consultations.submit(response=response, actor=people["folk_high_school_rep"])
    Round.objects.filter(pk=consultation.pk).update(
        opens_at=now - timedelta(days=30), closes_at=now - timedelta(minutes=1)
    )
    consultation.refresh_from_db()
    consultations.publish_responses(round=consultation, actor=official)
    response.refresh_from_db()
    consultations.review_publication(
        response=response,
        keep=[],
        held_back=False,
        reason="",
        held_back_parts={str(second.pk): "Uppgifter om en enskild"},
        actor=official,
    )
    return {"public": public, "closed": closed, "network": network}


def _rep_name(people) -> str:
    return people["folk_high_school_rep"].get_full_name()


def _answer(round, respondent, question, text, people, who):
    response = consultations.response_for(round, respondent)
    actor = people["folk_high_school_rep"] if who == "folk" else people["lund_chief"]
    consultations.save_answers(
        response=response,
        posted=[consultations.Posted(question=question, value=text, base_hash=text_hash(""))],
        actor=actor,
    )


def _answer_required(round, response, actor):
    stored = {a.question_id for a in response.answers.all()}
    posted = []
    for question in round.questions.filter(required=True).exclude(pk__in=stored):
        value = question.choices[0] if question.choices else "Svar"
        posted.append(consultations.Posted(question=question, value=value, base_hash=text_hash("")))
    if posted:
        consultations.save_answers(response=response, posted=posted, actor=actor)


@pytest.fixture
def page_as(world, db, settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = True

    def get(persona: str, query: str):
        client = Client()
        if persona != "anonymous":
            client.force_login(world["people"][persona])
        return client.get("/sok/", {"q": query})

    return get


def _hits(response) -> int:
    return len(re.findall(r'class="search-hit"', response.content.decode()))


# word searched → (who finds it, a phrase beside it in the text that no one else may see)
SECRETS = {
    "solrosfältet": (EVERYONE, None),
    "kvastfenan": ({"official", "lund_chief"}, "sjöjungfrun"),
    "blåmesarna": ({"official"}, None),
    "tallkottarna": (set(), "skogen"),
    "myrstacken": ({"official", "lund_chief"}, None),
    "ekorrboet": ({"folk_high_school_rep"}, "grankvisten"),
    "grävlingen": ({"lund_chief"}, "lodjuret"),
    # The published text is found by everyone; the held-back answer and the redacted
    # phone number only by the organisation itself, in its own response.
    "ängsblomman": (EVERYONE, None),
    "hermelinen": ({"folk_high_school_rep"}, "snöugglan"),
    "070-123": ({"folk_high_school_rep"}, None),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("word", sorted(SECRETS))
def test_each_finds_what_they_may_open_and_nothing_else(page_as, persona, word):
    allowed, beside = SECRETS[word]
    response = page_as(persona, word)
    if persona == "official_without_mfa":
        assert response.status_code == 302  # sent to set up two-step verification first
        return
    assert response.status_code == 200
    found = _hits(response) > 0
    assert found == (persona in allowed), f"{persona} searching {word!r}"
    if beside and persona not in allowed:
        assert beside not in response.content.decode()


def test_the_published_hit_shows_the_redacted_text(page_as, world):
    content = page_as("anonymous", "ängsblomman").content.decode()
    assert "<mark>ängsblomman</mark>" in content
    assert "070-123" not in content
    assert _rep_name(world["people"]) not in content
    assert "[telefonnummer borttaget" in content


def test_an_invitee_finds_the_closed_meeting_only_while_invited(page_as, world):
    Invitation.objects.filter(meeting=world["closed"]).delete()
    assert _hits(page_as("lund_chief", "kvastfenan")) == 0
