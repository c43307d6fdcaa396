"""The official's completion board for the draft plan 2029–2032: who has submitted, per
sub-region, who is missing and whom to ask; and the reminders, which go only to the culture
chiefs of the missing municipalities, at most once a day."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from kulturplan import services
from kulturplan.models import Registration
from kulturportal.models import (
    AuditEntry,
    DailyReminder,
    Municipality,
    OutgoingEmail,
    Role,
    RoleAssignment,
    SubRegion,
    User,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BOARD = "/kulturplan/2029-2032/hantera/inrapportering/"
REMIND = "/kulturplan/2029-2032/hantera/inrapportering/paminn/"

# Who has not submitted in the demo's draft plan, and the culture chief each has.
MISSING = {
    "Lund": "Lena Lundberg",
    "Trelleborg": "Tove Trell",
    "Simrishamn": "Simon Sjöholm",
    "Hörby": "Harriet Hörberg",
    "Bjuv": None,
    "Perstorp": None,
    "Åstorp": None,
    "Örkelljunga": None,
    "Östra Göinge": None,
}
REMINDED = {
    "kulturchef.lund@example.se",
    "kulturchef.trelleborg@example.se",
    "kulturchef.simrishamn@example.se",
    "kulturchef.horby@example.se",
}


def _submitted(plan) -> int:
    return Registration.objects.submitted().filter(plan=plan).count()


def _missing_list(html) -> dict[str, str]:
    """{municipality: the rest of its line} from the board's lists of the missing."""
    lines = {}
    for block in re.findall(r'<ul class="missing-list">(.*?)</ul>', html, re.S):
        for item in re.findall(r"<li>(.*?)</li>", block, re.S):
            name, _colon, rest = strip_tags(item).partition(":")
            lines[name.strip()] = " ".join(rest.split())
    return lines


def _chiefs_of_submitted(plan) -> set[str]:
    submitted = Registration.objects.submitted().filter(plan=plan).values("municipality")
    return set(
        RoleAssignment.objects.filter(
            role=Role.CULTURE_CHIEF, municipality__in=submitted
        ).values_list("user__email", flat=True)
    )


@pytest.fixture
def board(official_client, draft_plan):
    """The board as the regional official sees it now."""

    def get() -> str:
        response = official_client.get(BOARD)
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.fixture
def lund_submits(lund_chief, lund, draft_plan, save_as):
    def submit():
        registration = services.registration_for(draft_plan, lund)
        save_as(
            lund_chief,
            registration,
            {"barn-och-unga": (1, "Kulturgarantin i skolan.")},
            submit=True,
        )

    return submit


@pytest.fixture
def remind(official, django_capture_on_commit_callbacks):
    """Send the reminders as the official, and deliver them once the transaction commits."""

    def send(window, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_reminders(window=window, actor=official, **kwargs)

    return send


# --- The board -------------------------------------------------------------------------------


def test_the_total_is_the_number_of_municipalities_that_have_submitted(board, draft_plan):
    html = board()
    assert Municipality.objects.count() == 33
    assert _submitted(draft_plan) == 33 - len(MISSING)
    assert f"{_submitted(draft_plan)} av 33 kommuner har skickat in." in html


def test_each_sub_region_has_its_own_count(board, draft_plan):
    html = board()
    for sub_region in SubRegion.objects.all():
        municipalities = Municipality.objects.filter(sub_region=sub_region)
        if not municipalities.exists():
            continue
        submitted = (
            Registration.objects.submitted()
            .filter(plan=draft_plan, municipality__in=municipalities)
            .count()
        )
        assert f"{sub_region.name}: {submitted} av {municipalities.count()}</h2>" in html


def test_each_missing_municipality_is_named_with_its_culture_chief(board, lund_official):
    """Lund's municipal official is not its culture chief: the board does not offer her."""
    missing = _missing_list(board())
    assert set(missing) == set(MISSING)
    for name, chief in MISSING.items():
        if chief:
            assert missing[name].startswith(chief), missing[name]
        else:
            assert missing[name] == "ingen kulturchef registrerad"
    assert "Lind" not in missing["Lund"]


def test_a_draft_begun_shows_on_the_board(board, lund_chief, lund, draft_plan, save_as):
    registration = services.registration_for(draft_plan, lund)
    save_as(lund_chief, registration, {"lasande": (1, "Läsfrämjande för nyanlända.")})
    missing = _missing_list(board())
    assert missing["Lund"].endswith("utkast påbörjat")


def test_after_lund_submits_lund_is_counted(board, draft_plan, lund_submits):
    before = _submitted(draft_plan)
    assert "Lund" in _missing_list(board())
    lund_submits()
    html = board()
    assert f"{before + 1} av 33 kommuner har skickat in." in html
    assert "Lund" not in _missing_list(html)
    done = " ".join(re.findall(r'<ul class="done-list">(.*?)</ul>', html, re.S))
    assert "<li>Lund " in done


# --- Reminders -------------------------------------------------------------------------------


@pytest.fixture
def not_chiefs(lund_official, demo):
    """People a reminder must pass by: Lund's municipal official, Trelleborg's former culture
    chief whose role ended, and Hörby's culture chief whose account is closed."""
    former = UserFactory(email="tidigare.trelleborg@example.se")
    RoleAssignment.objects.create(
        user=former,
        role=Role.CULTURE_CHIEF,
        municipality=Municipality.objects.get(slug="trelleborg"),
        starts_on=date(2020, 1, 1),
        ends_on=date(2024, 12, 31),
    )
    closed = UserFactory(email="avslutad.horby@example.se", is_active=False)
    RoleAssignment.objects.create(
        user=closed, role=Role.CULTURE_CHIEF, municipality=Municipality.objects.get(slug="horby")
    )
    return {lund_official.email, former.email, closed.email}


def test_reminders_go_only_to_the_culture_chiefs_of_the_missing(
    window, draft_plan, not_chiefs, remind, mailoutbox
):
    sent = remind(window)
    assert sent == len(REMINDED)
    queued = set(OutgoingEmail.objects.values_list("to", flat=True))
    assert queued == REMINDED
    assert not queued & _chiefs_of_submitted(draft_plan)
    assert not queued & not_chiefs
    # … and they are delivered, one each.
    assert sorted(to for message in mailoutbox for to in message.to) == sorted(REMINDED)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {
        OutgoingEmail.Status.SENT
    }


def test_the_reminder_tells_the_chief_where_to_register(window, remind, mailoutbox):
    remind(window)
    lunds = next(m for m in mailoutbox if m.to == ["kulturchef.lund@example.se"])
    assert lunds.subject.startswith("Påminnelse:") and "Lund" in lunds.subject
    assert "Hej Lena!" in lunds.body
    assert "Lund har ännu inte skickat in sina prioriteringar" in lunds.body
    assert "/kommuner/lund/prioriteringar/" in lunds.body


def test_the_reminder_round_is_recorded(window, official, remind):
    remind(window)
    reminder = DailyReminder.objects.about(window).get()
    assert reminder.sent_on == timezone.localdate() and reminder.sent_by == official
    assert reminder.recipients == len(REMINDED)
    entry = AuditEntry.objects.about(window.plan).first()
    assert entry.action == "priorities.reminded" and entry.actor == official
    assert entry.details["municipalities"] == sorted(["Hörby", "Lund", "Simrishamn", "Trelleborg"])


def test_a_second_reminder_the_same_day_is_refused(window, remind, mailoutbox):
    remind(window)
    with pytest.raises(services.AlreadyReminded):
        remind(window)
    assert OutgoingEmail.objects.count() == len(REMINDED) == len(mailoutbox)
    assert DailyReminder.objects.count() == 1


def test_the_next_day_the_missing_may_be_reminded_once_more(window, remind, mailoutbox):
    remind(window)
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert remind(window, today=tomorrow) == len(REMINDED)
    assert OutgoingEmail.objects.count() == 2 * len(REMINDED) == len(mailoutbox)
    with pytest.raises(services.AlreadyReminded):
        remind(window, today=tomorrow)
    assert OutgoingEmail.objects.count() == 2 * len(REMINDED)


def test_a_chief_whose_municipality_has_submitted_is_not_reminded(
    window, lund_submits, remind, mailoutbox
):
    lund_submits()
    assert remind(window) == len(REMINDED) - 1
    assert "kulturchef.lund@example.se" not in {to for m in mailoutbox for to in m.to}


def test_no_one_to_remind_when_every_missing_municipality_lacks_a_chief(
    window, draft_plan, save_as, remind
):
    for email in REMINDED:
        chief = User.objects.get(email=email)
        registration = services.registration_for(draft_plan, chief.active_roles[0].municipality)
        save_as(chief, registration, {"lasande": (1, "Läsande.")}, submit=True)
    with pytest.raises(services.NoOneToRemind):
        remind(window)
    assert not OutgoingEmail.objects.exists() and not DailyReminder.objects.exists()


def test_the_official_reminds_from_the_board(
    official_client, board, window, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(REMIND)
    assert response.status_code == 302 and response.url == BOARD
    assert sorted(to for m in mailoutbox for to in m.to) == sorted(REMINDED)
    html = board()
    assert f"Påminnelsen är skickad till {len(REMINDED)} kulturchefer." in html
    assert "En påminnelse är skickad i dag. Nästa kan skickas i morgon." in html
    assert f"Hanna Handläggare påminde {len(REMINDED)} kulturchefer." in html
    assert REMIND not in html  # no button for a second round today


def test_a_second_reminder_from_the_board_the_same_day_is_refused(
    official_client, window, mailoutbox, django_capture_on_commit_callbacks
):
    official_client.post(REMIND)
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(REMIND, follow=True)
    html = response.content.decode()
    assert "Påminnelsen är redan skickad i dag. Nästa kan skickas i morgon." in html
    assert OutgoingEmail.objects.count() == len(REMINDED)
    assert DailyReminder.objects.count() == 1


def test_no_reminder_once_the_window_has_closed(official_client, window, close_window, mailoutbox):
    close_window(window)
    html = official_client.post(REMIND, follow=True).content.decode()
    assert "Anmälan är stängd. Ingen påminnelse skickades." in html
    assert not OutgoingEmail.objects.exists() and not DailyReminder.objects.exists()
    assert "Påminn dem som inte har skickat in" not in html
