"""The referral's daily reminders move to the core's one table of daily reminders."""

from django.db import migrations


def move_reminders(apps, schema_editor):
    RoundReminder = apps.get_model("consultations", "RoundReminder")
    DailyReminder = apps.get_model("kulturportal", "DailyReminder")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not RoundReminder.objects.exists():
        return
    round_type, _created = ContentType.objects.get_or_create(
        app_label="consultations", model="round"
    )
    DailyReminder.objects.bulk_create(
        DailyReminder(
            content_type=round_type,
            object_id=r.round_id,
            sent_on=r.sent_on,
            sent_at=r.sent_at,
            recipients=r.recipients,
        )
        for r in RoundReminder.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0002_publish_consent"),
        ("kulturportal", "0011_activity_area_daily_reminder"),
    ]

    operations = [
        migrations.RunPython(move_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="RoundReminder"),
    ]
