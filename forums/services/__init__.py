"""The dialogue's workflows, a module per thing a newcomer can name (as pretix's
base/services/):

- audience: who a meeting reaches, by rule;
- scheduling: a meeting planned, edited, sent and cancelled;
- delivery: each invitee's e-mail and calendar entry, rendered and sent by tasks;
- replies: the reply page's and the calendar's answers;
- reminders: 7 and 1 days before, run by beat;
- minutes: attendance and the minutes after the meeting;
- retention: dietary and access needs deleted a set time after the meeting;
- networks: thematic networks from the plan's priorities.

Each write owns its transaction, takes the person it acts for (`actor`) and writes the
audit log; e-mail is written to the outbox with the change and sent after the commit. The
public names are re-exported here: `services.record_reply(…)`.
"""

from forums.services.audience import (
    Recipient,
    add_audience_rule,
    network_members,
    remove_audience_rule,
    resolve_audience,
)
from forums.services.delivery import (
    PENDING_GRACE,
    EmailPreview,
    calendar_key,
    changes_for,
    language_of,
    meeting_context,
    preview_email,
    reply_headers,
    reply_url,
    resend,
    send_overdue,
    send_pending,
    send_version,
)
from forums.services.minutes import (
    NotStarted,
    add_walk_in,
    approve_minutes,
    mark_attendance,
    publish_minutes,
    request_minutes_changes,
    save_minutes,
    send_minutes_for_review,
)
from forums.services.networks import (
    NetworkExists,
    create_thematic_network,
)
from forums.services.reminders import (
    REMINDER_DAYS,
    send_due_reminders,
)
from forums.services.replies import (
    REPLY_FIELDS,
    ReplyRefused,
    record_reply,
)
from forums.services.retention import (
    NEEDS_FIELDS,
    forget_needs,
    retention_days,
)
from forums.services.scheduling import (
    AUDITED_FIELDS,
    CHANGE_LABELS,
    MEETING_FIELDS_IN_CALENDAR,
    ROUND_FIELDS_IN_CALENDAR,
    StaleMeeting,
    cancel_meeting,
    invite_more,
    notification_summary,
    save_meeting,
    schedule_and_invite,
    update_meeting,
    upload_document,
    validate_schedulable,
)

__all__ = [
    "AUDITED_FIELDS",
    "CHANGE_LABELS",
    "MEETING_FIELDS_IN_CALENDAR",
    "NEEDS_FIELDS",
    "PENDING_GRACE",
    "REMINDER_DAYS",
    "REPLY_FIELDS",
    "ROUND_FIELDS_IN_CALENDAR",
    "EmailPreview",
    "NetworkExists",
    "NotStarted",
    "Recipient",
    "ReplyRefused",
    "StaleMeeting",
    "add_audience_rule",
    "add_walk_in",
    "approve_minutes",
    "calendar_key",
    "cancel_meeting",
    "changes_for",
    "create_thematic_network",
    "forget_needs",
    "invite_more",
    "language_of",
    "mark_attendance",
    "meeting_context",
    "network_members",
    "notification_summary",
    "preview_email",
    "publish_minutes",
    "record_reply",
    "remove_audience_rule",
    "reply_headers",
    "reply_url",
    "request_minutes_changes",
    "resend",
    "resolve_audience",
    "retention_days",
    "save_meeting",
    "save_minutes",
    "schedule_and_invite",
    "send_due_reminders",
    "send_minutes_for_review",
    "send_overdue",
    "send_pending",
    "send_version",
    "update_meeting",
    "upload_document",
    "validate_schedulable",
]
