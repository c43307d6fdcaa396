from celery import shared_task

from forums import services


@shared_task(soft_time_limit=300, time_limit=360)
def send_due_reminders() -> int:
    """Run by beat: each reminder is keyed by invitee, day and start time, so runs overlap
    safely and a moved meeting is reminded of again at its new time."""
    return services.send_due_reminders()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def send_meeting_version(meeting_id: int, invitation_ids: list[int], told=None) -> int:
    """Render and send a batch of invitees' calendar entries (an invitation, an update or
    a cancellation): each once, however often the task runs."""
    return services.send_pending(meeting_id, invitation_ids, told)


@shared_task(soft_time_limit=120, time_limit=180)
def send_overdue_versions() -> int:
    """Run by beat: entries whose task never ran are handed on."""
    return services.send_overdue()
