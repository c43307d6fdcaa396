"""The forum pages: bad input beside the field, replies by link, the officials' view."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from forums import services
from forums.models import ForumType, Invitation, Meeting, Minutes

pytestmark = pytest.mark.django_db


def _local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _meeting_post(start, **overrides):
    data = {
        "title": "Tematisk överläggning om läsfrämjande",
        "forum_type": ForumType.THEMATIC,
        "starts_at": _local(start),
        "ends_at": _local(start + timedelta(hours=2)),
        "place": "Stadsbiblioteket, Lund",
        "is_public": "on",
        "sessions-TOTAL_FORMS": "0",
        "sessions-INITIAL_FORMS": "0",
        "agenda-TOTAL_FORMS": "1",
        "agenda-INITIAL_FORMS": "0",
        "agenda-0-title": "Läsfrämjande i kommunerna",
        "agenda-0-presenter": "Lund",
    }
    data.update(overrides)
    return data


def test_official_plans_a_meeting(official_client, in_a_month):
    response = official_client.post(reverse("forums:meeting_create"), _meeting_post(in_a_month))
    meeting = Meeting.objects.get()
    assert response.url == reverse("forums:meeting_manage", args=[meeting.pk])
    assert meeting.status == Meeting.Status.DRAFT
    assert meeting.agenda_items.get().presenter == "Lund"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "START"}, "ends_at", "måste sluta efter"),
        ({"starts_at": "PAST", "ends_at": "PAST_END"}, "starts_at", "Tiden har redan varit"),
        ({"forum_type": ForumType.INSTITUTIONS}, "institution", "Välj vilken kulturinstitution"),
        ({"forum_type": ""}, "forum_type", "antingen en överläggningsform eller ett nätverk"),
        ({"forum_type": ForumType.SUB_REGIONAL}, None, "minst ett delmöte"),
    ],
)
def test_bad_meeting_input_is_refused_beside_the_field_and_kept(
    official_client, in_a_month, overrides, field, message
):
    past = timezone.now() - timedelta(days=1)
    values = {
        "START": _local(in_a_month),
        "PAST": _local(past),
        "PAST_END": _local(past + timedelta(hours=1)),
    }
    data = _meeting_post(in_a_month, **{k: values.get(v, v) for k, v in overrides.items()})
    response = official_client.post(reverse("forums:meeting_create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and message in html
    if field:
        assert f'id="id_{field}_error"' in html
    assert "Tematisk överläggning om läsfrämjande" in html  # what was typed stays
    assert "Läsfrämjande i kommunerna" in html
    assert not Meeting.objects.exists()


def test_pasted_addresses_keep_good_ones_and_report_bad_lines(official_client, annual):
    url = reverse("forums:meeting_audience", args=[annual.pk])
    response = official_client.post(
        url,
        {
            "kind": "emails",
            "emails": "ny@example.se\nfel-adress\nny@example.se\nannan@example.se",
        },
    )
    html = response.content.decode()
    # Numbered as pasted (issue 20, item 18): the bad line was line 2.
    assert "Rad 2: ”fel-adress” är inte en e-postadress." in html
    assert "1 adress stod med mer än en gång och lades till en gång." in html
    rule = annual.audience_rules.get(kind="emails")
    assert rule.emails.split() == ["ny@example.se", "annan@example.se"]
    assert "fel-adress" in html  # left in the box to mend


def test_empty_audience_cannot_be_sent(official_client, annual):
    annual.audience_rules.all().delete()
    url = reverse("forums:meeting_send", args=[annual.pk])
    assert "Målgruppen är tom" in official_client.get(url).content.decode()
    official_client.post(url)
    assert not Invitation.objects.exists()


def test_send_page_shows_the_list_and_the_exact_email_then_sends(
    official_client, annual, django_capture_on_commit_callbacks, mailoutbox
):
    url = reverse("forums:meeting_send", args=[annual.pk])
    html = official_client.get(url).content.decode()
    assert "2 mottagare" in html and "Lena Lundberg" in html and "BEGIN:VCALENDAR" in html
    assert "Inbjudan: Årlig överläggning" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(url)
    assert response.url == reverse("forums:meeting_replies", args=[annual.pk])
    assert len(mailoutbox) == 2


@pytest.mark.parametrize(
    ("content", "name", "ok"),
    [
        (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
            "a.pdf",
            True,
        ),
        (b"just text pretending", "agenda.pdf", False),
        (b"MZ\x90\x00\x03\x00\x00\x00", "handling.docx", False),
    ],
)
def test_documents_are_checked_by_content(
    official_client, annual, settings, tmp_path, content, name, ok
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = official_client.post(
        reverse("forums:document_upload", args=[annual.pk]), {"title": "Underlag", "file": upload}
    )
    assert annual.documents.exists() is ok
    if not ok:
        assert "oavsett vad den heter" in response.content.decode()


def test_oversized_document_is_refused(official_client, annual, settings, tmp_path):
    from forums import forms

    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("stor.pdf", b"%PDF-1.4\n" + b"0" * (forms.MAX_DOCUMENT_BYTES + 1))
    response = official_client.post(
        reverse("forums:document_upload", args=[annual.pk]), {"title": "Stor", "file": big}
    )
    assert "högst 20 MB" in response.content.decode()
    assert not annual.documents.exists()


@pytest.fixture
def scheduled_round(sub_regional_round, send_now):
    send_now(services.schedule_and_invite, meeting=sub_regional_round, actor=None)
    sub_regional_round.refresh_from_db()
    return sub_regional_round


def test_invitee_replies_by_link_choosing_a_session(client, scheduled_round):
    invitation = scheduled_round.invitations.get(email="politiker.ystad@example.se")
    url = invitation.reply_path()
    assert "Kristianstad" in client.get(url).content.decode()
    ystad = scheduled_round.sessions.get(town="Ystad")
    response = client.post(
        url, {"response": "accepted", "session": ystad.pk, "dietary_needs": "Vegetarisk"}
    )
    assert "Tack för ditt svar" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.session == ystad and invitation.dietary_needs == "Vegetarisk"


def test_coming_to_a_round_without_a_session_is_refused(client, scheduled_round):
    invitation = scheduled_round.invitations.first()
    response = client.post(
        invitation.reply_path(), {"response": "accepted", "access_needs": "Hörslinga"}
    )
    html = response.content.decode()
    assert "Välj vilket av delmötena" in html and 'value="Hörslinga"' in html


def test_a_tampered_link_gets_a_clear_page(client, scheduled_round):
    path = scheduled_round.invitations.first().reply_path()
    response = client.get(path[:-3] + "xx/")
    assert response.status_code == 404 and "Länken fungerar inte" in response.content.decode()


def test_replies_to_a_cancelled_or_started_meeting_are_refused(client, scheduled_round):
    invitation = scheduled_round.invitations.first()
    services.cancel_meeting(meeting=scheduled_round, actor=None)
    response = client.post(invitation.reply_path(), {"response": "accepted"})
    assert response.status_code == 410 and "inställt" in response.content.decode()
    Meeting.objects.filter(pk=scheduled_round.pk).update(
        status=Meeting.Status.SCHEDULED, starts_at=timezone.now() - timedelta(minutes=5)
    )
    # A round takes replies until its last session has begun.
    scheduled_round.sessions.update(starts_at=timezone.now() - timedelta(minutes=5))
    response = client.post(invitation.reply_path(), {"response": "declined"})
    assert response.status_code == 410 and "redan börjat" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.NEEDS_ACTION


def test_capacity_puts_late_replies_on_a_waiting_list_and_promotes_them(
    annual, send_now, mailoutbox
):
    annual.capacity = 1
    annual.save()
    send_now(services.schedule_and_invite, meeting=annual, actor=None)
    lund, malmo = annual.invitations.order_by("email")
    services.record_reply(invitation=lund, response="accepted", actor=None)
    malmo = services.record_reply(invitation=malmo, response="accepted", actor=None)
    assert malmo.waitlisted
    send_now(services.record_reply, invitation=lund, response="declined", actor=None)
    malmo.refresh_from_db()
    assert not malmo.waitlisted
    assert mailoutbox[-1].to == [malmo.email] and "fått en plats" in mailoutbox[-1].subject


def test_officials_see_counts_by_answer_municipality_and_session(official_client, scheduled_round):
    ystad = scheduled_round.sessions.get(town="Ystad")
    for invitation in scheduled_round.invitations.all():
        services.record_reply(invitation=invitation, response="accepted", session=ystad, actor=None)
    html = official_client.get(
        reverse("forums:meeting_replies", args=[scheduled_round.pk])
    ).content.decode()
    assert "av 33 kommuner representerade" in html
    assert ">3</span> av 33" in html  # Lund, Malmö and Ystad
    assert "Ystad: 3 kommer" in html


def test_reply_list_exports_as_csv_and_xlsx(official_client, scheduled_round):
    response = official_client.get(reverse("forums:replies_csv", args=[scheduled_round.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][0] == "Namn" and len(rows) == 4
    response = official_client.get(reverse("forums:replies_xlsx", args=[scheduled_round.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 4 and sheet["B2"].value.endswith("@example.se")


def test_attendance_marks_the_meeting_held(official_client, scheduled_round):
    invitation = scheduled_round.invitations.first()
    services.record_reply(
        invitation=invitation,
        response="accepted",
        session=scheduled_round.sessions.first(),
        actor=None,
    )
    Meeting.objects.filter(pk=scheduled_round.pk).update(starts_at=timezone.now())
    official_client.post(
        reverse("forums:meeting_attendance", args=[scheduled_round.pk]),
        {"present": [invitation.pk]},
    )
    invitation.refresh_from_db()
    assert invitation.attended is True
    assert Meeting.objects.get(pk=scheduled_round.pk).status == Meeting.Status.HELD


def test_minutes_are_published_after_both_adjusters_approve(
    client,
    official,
    lund_chief,
    malmo_chief,
    scheduled_round,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    # Minutes are written once the meeting has begun.
    Meeting.objects.filter(pk=scheduled_round.pk).update(
        starts_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("forums:minutes_edit", args=[scheduled_round.pk]),
            {
                "text": "Vi talade om kulturplanen.",
                "adjusters": [lund_chief.pk, malmo_chief.pk],
            },
        )
    minutes = Minutes.objects.get()
    assert minutes.status == Minutes.Status.IN_REVIEW
    assert "Vi talade om" not in client.get(scheduled_round.get_absolute_url()).content.decode()
    review = reverse("forums:minutes_review", args=[scheduled_round.pk])
    for adjuster in (lund_chief, malmo_chief):
        client.force_login(adjuster)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(review, {"godkann": "ja"})
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED
    notified = {m.to[0] for m in mailoutbox if m.subject.startswith("Minnesanteckningar")}
    assert notified == set(scheduled_round.invitations.values_list("email", flat=True))
    client.logout()
    assert "Vi talade om" in client.get(scheduled_round.get_absolute_url()).content.decode()


def test_someone_else_cannot_adjust(client, ystad_politician, scheduled_round):
    Minutes.objects.create(meeting=scheduled_round, text="x")
    client.force_login(ystad_politician)
    review = reverse("forums:minutes_review", args=[scheduled_round.pk])
    assert client.get(review).status_code == 404


def test_public_list_filters_and_hides_drafts(client, annual, scheduled_round):
    html = client.get(reverse("forums:meeting_list")).content.decode()
    assert f">{scheduled_round.title}</a>" in html and f">{annual.title}</a>" not in html
    html = client.get(reverse("forums:meeting_list") + "?typ=arlig").content.decode()
    assert f">{scheduled_round.title}</a>" not in html
    assert client.get(annual.get_absolute_url()).status_code == 404


def test_calendar_feed_is_served_as_text_calendar(client, scheduled_round):
    response = client.get(reverse("forums:forum_feed", args=["delregional"]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    # The feed's own events, one per session: never the invitation's UID (issue 11).
    first = scheduled_round.sessions.order_by("starts_at").first()
    assert scheduled_round.feed_uid(first) in response.content.decode()
    assert scheduled_round.calendar_uid not in response.content.decode()
    cached = client.get(reverse("forums:forum_feed", args=["delregional"]))
    assert cached["Content-Type"] == "text/calendar; charset=utf-8"


def test_culture_chiefs_network_follows_the_role(client, lund_chief, ystad_politician):
    from forums.demo import seed_forums

    seed_forums()
    url = reverse("forums:network_detail", args=["kulturchefsnatverk-skane"])
    client.force_login(lund_chief)
    html = client.get(url).content.decode()
    assert "Lena Lundberg" in html and "Malik Malmsten" in html
    client.force_login(ystad_politician)
    assert client.get(url).status_code == 404


def test_a_new_round_runs_from_its_first_session_to_its_last(official_client, in_a_month):
    sessions = {"sessions-TOTAL_FORMS": "2", "sessions-INITIAL_FORMS": "0"}
    for n, days in enumerate((3, 9)):
        start = in_a_month + timedelta(days=days)
        sessions |= {
            f"sessions-{n}-town": f"Ort {n}",
            f"sessions-{n}-starts_at": _local(start),
            f"sessions-{n}-ends_at": _local(start + timedelta(hours=3)),
        }
    data = _meeting_post(in_a_month, forum_type=ForumType.SUB_REGIONAL) | sessions
    official_client.post(reverse("forums:meeting_create"), data)
    meeting = Meeting.objects.get()
    assert meeting.starts_at == in_a_month + timedelta(days=3)
    assert meeting.ends_at == in_a_month + timedelta(days=9, hours=3)


def test_a_refused_reply_never_says_an_answer_is_saved(client, scheduled_round):
    """Defect (issue 11): after a refused submit the page said "Ditt svar just nu: Kommer"
    while nothing was stored, because the form had written the answer onto the invitation."""
    invitation = scheduled_round.invitations.first()
    response = client.post(invitation.reply_path(), {"response": "accepted"})
    html = response.content.decode()
    assert "Välj vilket av delmötena" in html
    assert "Ditt svar just nu" not in html
    invitation.refresh_from_db()
    assert not invitation.has_replied


def test_a_refused_change_shows_the_answer_that_is_stored(client, scheduled_round):
    invitation = scheduled_round.invitations.first()
    client.post(invitation.reply_path(), {"response": "declined"})
    response = client.post(invitation.reply_path(), {"response": "accepted"})
    html = response.content.decode()
    assert "Ditt svar just nu: Kommer inte" in html


def test_the_audience_form_speaks_swedish():
    """Defect (issue 11): the audience form's network field was labelled "Network"."""
    from forums.forms import AudienceRuleForm

    with translation.override("sv"):
        form = AudienceRuleForm(kind="network")
        labels = {name: str(field.label) for name, field in form.fields.items()}
    assert labels["network"] == "Nätverk"


def test_attendance_waits_until_the_meeting_has_started(official_client, scheduled_round):
    """Defect (issue 11): attendance could be marked for a meeting weeks away."""
    invitation = scheduled_round.invitations.first()
    url = reverse("forums:meeting_attendance", args=[scheduled_round.pk])
    assert "när mötet har börjat" in official_client.get(url).content.decode()
    response = official_client.post(url, {"present": [invitation.pk]})
    assert response.status_code == 409
    invitation.refresh_from_db()
    assert invitation.attended is not True


def test_minutes_wait_until_the_meeting_has_started(official_client, scheduled_round):
    """Defect (issue 11): minutes could be published for a meeting that had not been held."""
    url = reverse("forums:minutes_edit", args=[scheduled_round.pk])
    page = official_client.get(url).content.decode()
    assert "när mötet har börjat" in page and 'name="text"' not in page
    response = official_client.post(url, {"text": "Vi talade om kulturplanen."})
    assert response.status_code == 409
    assert not Minutes.objects.exists()
