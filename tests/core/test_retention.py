"""Issue 20, item 22: personal data is deleted when its time is up, by a beat task, and the
README and the privacy page say what is kept, how long and why. Each rule deletes what is
due and nothing else; running again deletes nothing more and writes nothing more."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from kulturportal import retention
from kulturportal.models import (
    AuditEntry,
    InboundEmail,
    MembershipRequest,
    Organisation,
    OutgoingAttachment,
    OutgoingEmail,
    RoleAssignment,
    RoleInvitation,
    User,
)
from tests.factories import MeetingFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")


def days_ago(days: int, *, plus_hours: int = 0):
    return timezone.now() - timedelta(days=days, hours=plus_hours)


def _email(status, *, days: int, **hours):
    email = OutgoingEmail.objects.create(
        to="anna@example.se", subject="Inbjudan", body_text="Hej Anna", status=status
    )
    OutgoingEmail.objects.filter(pk=email.pk).update(updated_at=days_ago(days, **hours))
    return email


def test_sent_e_mail_goes_after_its_days_and_queued_e_mail_stays():
    old = _email(OutgoingEmail.Status.SENT, days=180, plus_hours=1)
    old_failed = _email(OutgoingEmail.Status.FAILED, days=200)
    recent = _email(OutgoingEmail.Status.SENT, days=179)
    waiting = _email(OutgoingEmail.Status.QUEUED, days=400)
    assert retention.forget_outgoing_email(timezone.now()) == 2
    left = set(OutgoingEmail.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert old.pk not in left and old_failed.pk not in left
    [entry] = AuditEntry.objects.filter(action="retention.deleted")
    assert entry.actor is None and entry.actor_label == "system"
    assert entry.details == {"deleted": 2, "days": 180}
    assert entry.object_repr == "utgående e-post" and entry.object_id == ""


def test_an_e_mail_with_an_attachment_counts_as_one():
    """Defect (real run, 2026-12-06): one old receipt with its PDF was reported as two
    e-mails deleted (the attachment's row counted too), in the task's result and the log."""
    receipt = _email(OutgoingEmail.Status.SENT, days=400)
    OutgoingAttachment.objects.create(
        email=receipt, filename="kvitto.pdf", content_type="application/pdf", content=b"%PDF"
    )
    assert retention.forget_outgoing_email(timezone.now()) == 1
    [entry] = AuditEntry.objects.filter(action="retention.deleted")
    assert entry.details["deleted"] == 1
    assert not OutgoingAttachment.objects.exists()


def test_a_second_run_deletes_nothing_and_writes_nothing():
    _email(OutgoingEmail.Status.SENT, days=365)
    first = retention.apply_retention()
    assert first["outgoing_email"] == 1
    entries = AuditEntry.objects.count()
    second = retention.apply_retention()
    assert set(second.values()) == {0}
    assert AuditEntry.objects.count() == entries


def test_received_e_mail_goes_after_its_days():
    old = InboundEmail.objects.create(sender="anna@example.se", raw=b"x")
    InboundEmail.objects.filter(pk=old.pk).update(created_at=days_ago(181))
    new = InboundEmail.objects.create(sender="anna@example.se", raw=b"y")
    assert retention.forget_inbound_email(timezone.now()) == 1
    assert list(InboundEmail.objects.values_list("pk", flat=True)) == [new.pk]


def _role_invitation(email, *, expired_days_ago, accepted=False):
    return RoleInvitation.objects.create(
        email=email,
        role="regional_official",
        key_hash=email,
        expires_at=days_ago(expired_days_ago),
        accepted_at=timezone.now() if accepted else None,
    )


def test_unaccepted_role_invitations_go_90_days_after_the_link_died():
    _role_invitation("old@example.se", expired_days_ago=91)
    _role_invitation("recent@example.se", expired_days_ago=30)
    _role_invitation("taken@example.se", expired_days_ago=400, accepted=True)
    assert retention.forget_role_invitations(timezone.now()) == 1
    assert sorted(RoleInvitation.objects.values_list("email", flat=True)) == [
        "recent@example.se",
        "taken@example.se",
    ]


def test_decided_membership_requests_go_a_year_after_the_decision():
    organisation = Organisation.objects.create(name="Teater Ett", slug="teater-ett")
    old = MembershipRequest.objects.create(
        user=UserFactory(), organisation=organisation, status="declined", decided_at=days_ago(366)
    )
    recent = MembershipRequest.objects.create(
        user=UserFactory(), organisation=organisation, status="approved", decided_at=days_ago(10)
    )
    pending = MembershipRequest.objects.create(user=UserFactory(), organisation=organisation)
    MembershipRequest.objects.filter(pk=pending.pk).update(created_at=days_ago(800))
    assert retention.forget_membership_requests(timezone.now()) == 1
    left = set(MembershipRequest.objects.values_list("pk", flat=True))
    assert left == {recent.pk, pending.pk} and old.pk not in left


def test_expired_sessions_go():
    Session.objects.create(session_key="old", session_data="", expire_date=days_ago(1))
    Session.objects.create(
        session_key="live", session_data="", expire_date=timezone.now() + timedelta(hours=1)
    )
    assert retention.forget_sessions(timezone.now()) == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]


def _person(*, joined_days_ago, login_days_ago=None, role_ended_days_ago=None, **fields):
    user = UserFactory(**fields)
    User.objects.filter(pk=user.pk).update(
        date_joined=days_ago(joined_days_ago),
        last_login=days_ago(login_days_ago) if login_days_ago is not None else None,
    )
    if role_ended_days_ago is not None:
        assignment = RoleAssignmentFactory(user=user)
        ended = timezone.localdate() - timedelta(days=role_ended_days_ago)
        RoleAssignment.objects.filter(pk=assignment.pk).update(
            starts_on=ended - timedelta(days=365), ends_on=ended
        )
    return user


def test_accounts_without_a_role_or_a_login_for_two_years_go():
    gone = _person(joined_days_ago=1500, login_days_ago=800, role_ended_days_ago=740)
    never_used = _person(joined_days_ago=800)
    role_ended_lately = _person(joined_days_ago=1500, login_days_ago=800, role_ended_days_ago=100)
    logged_in_lately = _person(joined_days_ago=1500, login_days_ago=30)
    holding_a_role = _person(joined_days_ago=1500, login_days_ago=800)
    RoleAssignmentFactory(user=holding_a_role)
    official = _person(joined_days_ago=1500, login_days_ago=800, is_staff=True)
    organiser = _person(joined_days_ago=1500, login_days_ago=800)
    MeetingFactory(organiser=organiser)
    assert retention.forget_inactive_accounts(timezone.now()) == 2
    left = set(User.objects.values_list("pk", flat=True))
    assert gone.pk not in left and never_used.pk not in left
    kept = {role_ended_lately, logged_in_lately, holding_a_role, official, organiser}
    assert {u.pk for u in kept} <= left
    entries = AuditEntry.objects.filter(action="account.deleted")
    assert entries.count() == 2
    assert {e.actor_label for e in entries} == {"system"}
    assert {e.object_repr for e in entries} == {str(gone), str(never_used)}


def test_the_beat_runs_the_task_daily():
    beat = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "kulturportal.retention.apply_retention" in beat


def test_the_readme_and_the_privacy_page_name_every_rule(client):
    """The README's table names each rule; the privacy page shows each, with its time."""
    page = client.get(reverse("privacy")).content.decode()
    for rule in retention.rules():
        assert f"(`{rule.name}`)" in README, f"the README's retention table lacks {rule.name}"
        assert str(rule.what) in page
        assert retention.kept_for(rule) in page
    for name in settings.RETENTION_DAYS:
        assert f"`RETENTION_{name.upper()}_DAYS`" in README


def test_the_privacy_page_says_the_days_the_settings_say(client, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "outgoing_email": 45}
    page = client.get(reverse("privacy")).content.decode()
    assert "45 dagar efter att det skickades" in page
