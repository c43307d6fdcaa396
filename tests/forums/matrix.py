"""The forums' rows of the permission matrix, and the arguments for their URLs."""

from django.core.files.base import ContentFile

from tests.matrix import (
    LOGGED_IN,
    LOGGED_IN_READ_ONLY,
    NOT_FOUND,
    OFFICIALS,
    OFFICIALS_REDIRECT,
    PUBLIC,
    READ_ONLY,
    answers,
    before_mfa,
)

MEMBERS_AND_OFFICIALS = answers(
    "404",
    anonymous="L",
    official="200",
    lund_chief="200",
    malmo_chief="200",
    official_without_mfa="M",
)

NOT_STARTED = {**OFFICIALS, "official": "409"}

ROWS = {
    # The public side
    "forums:meeting_list": (PUBLIC, READ_ONLY),
    "forums:meeting_detail": (PUBLIC, READ_ONLY),
    "forums:meeting_ics": (PUBLIC, READ_ONLY),
    "forums:forum_feed": (PUBLIC, READ_ONLY),
    "forums:network_feed": (PUBLIC, READ_ONLY),
    "forums:document_download": (PUBLIC, READ_ONLY),
    "forums:minutes_file": (NOT_FOUND, READ_ONLY),  # nothing published yet
    "forums:reply": (PUBLIC, PUBLIC),  # the personal link works for whoever holds it
    # Networks are for their members and officials
    "forums:network_list": (LOGGED_IN, LOGGED_IN_READ_ONLY),
    "forums:network_detail": (MEMBERS_AND_OFFICIALS, LOGGED_IN_READ_ONLY),
    # Management is for regional officials
    "forums:meeting_create": (OFFICIALS, OFFICIALS),
    "forums:meeting_manage": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:meeting_edit": (OFFICIALS, OFFICIALS),
    "forums:meeting_audience": (OFFICIALS, OFFICIALS),
    "forums:audience_rule_delete": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "forums:meeting_send": (OFFICIALS, OFFICIALS_REDIRECT),
    # The e-mail as its recipient sees it, framed on the send page.
    "forums:meeting_send_preview": (OFFICIALS, LOGGED_IN_READ_ONLY),
    # A POST without the confirmation step's "bekrafta" shows the confirmation (200).
    "forums:meeting_cancel": (OFFICIALS, OFFICIALS),
    "forums:document_upload": (LOGGED_IN_READ_ONLY, {**OFFICIALS, "official": "400"}),
    "forums:meeting_replies": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:replies_csv": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:replies_xlsx": (OFFICIALS, LOGGED_IN_READ_ONLY),
    "forums:invitation_resend": (LOGGED_IN_READ_ONLY, OFFICIALS_REDIRECT),
    "forums:meeting_badges": (OFFICIALS, LOGGED_IN_READ_ONLY),
    # The demo's meeting is weeks away: attendance and minutes wait until it starts (409).
    "forums:meeting_attendance": (OFFICIALS, NOT_STARTED),
    "forums:attendance_walk_in": (LOGGED_IN_READ_ONLY, NOT_STARTED),
    "forums:minutes_edit": (OFFICIALS, NOT_STARTED),
    # Only the appointed adjuster (Lund's culture chief) reviews the minutes.
    "forums:minutes_review": (
        answers("404", anonymous="L", lund_chief="200", official_without_mfa="M"),
        # An empty POST neither approves nor asks for changes (400).
        answers("404", anonymous="L", lund_chief="400", official_without_mfa="M"),
    ),
}

# The open data: public meetings only, the same for everyone (before MFA too).
ROWS.update(
    {
        "api:meeting_list": before_mfa(PUBLIC, READ_ONLY),
        "api:meeting_detail": before_mfa(PUBLIC, READ_ONLY),
    }
)

ADMIN_ROWS = {
    "admin:forums_network_changelist": OFFICIALS,
    "admin:forums_meeting_add": answers("403", anonymous="L", official_without_mfa="M"),
    "admin:forums_meeting_changelist": OFFICIALS,
}

FIXED_KWARGS = {
    "forums:forum_feed": {"forum_type": "arlig"},
    "forums:network_detail": {"slug": "kulturchefsnatverk-skane"},
    "forums:network_feed": {"slug": "kulturchefsnatverk-skane"},
    "forums:meeting_list": {},
    "forums:meeting_create": {},
    "forums:network_list": {},
    "forums:network_from_priorities": {},
}


def build_world() -> dict:
    """The demo's meetings, with a document, an audience rule and minutes to review."""
    from forums.demo import seed_forums
    from forums.models import Adjustment, Meeting, MeetingDocument, Minutes
    from kulturportal.models import User

    seed_forums()
    lund_chief = User.objects.get(email="kulturchef.lund@example.se")
    meeting = Meeting.objects.get(title="Årlig kulturpolitisk överläggning")
    document = MeetingDocument(
        meeting=meeting, title="Underlag", content_type="application/pdf", size=9
    )
    document.file.save("underlag.pdf", ContentFile(b"%PDF-1.4\n"))
    minutes = Minutes.objects.create(meeting=meeting, text="Anteckningar")
    Adjustment.objects.create(minutes=minutes, adjuster=lund_chief)
    return {
        "meeting": meeting,
        "rule": meeting.audience_rules.first(),
        "document": document,
        "invitation": meeting.invitations.get(email=lund_chief.email),
    }


def url_kwargs(name: str, world: dict) -> dict | None:
    if name == "api:meeting_list":
        return {}
    if name == "api:meeting_detail":
        return {"meeting_id": world["meeting"].pk}
    if not name.startswith("forums:"):
        return None
    if name in FIXED_KWARGS:
        return FIXED_KWARGS[name]
    meeting = world["meeting"]
    by_name = {
        "forums:audience_rule_delete": {"pk": meeting.pk, "rule_pk": world["rule"].pk},
        "forums:document_download": {"pk": meeting.pk, "document_pk": world["document"].pk},
        "forums:invitation_resend": {"pk": meeting.pk, "invitation_pk": world["invitation"].pk},
        "forums:reply": {"signed_token": world["invitation"].reply_path().split("/")[-2]},
    }
    return by_name.get(name, {"pk": meeting.pk})
