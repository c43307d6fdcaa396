from celery import shared_task

from forums import services


@shared_task(soft_time_limit=300, time_limit=360)
def send_due_reminders() -> int:
    """Run by beat: each reminder is keyed by invitee, day and start time, so runs overlap
    safely and a moved meeting is reminded of again at its new time."""
    return services.send_due_reminders()
