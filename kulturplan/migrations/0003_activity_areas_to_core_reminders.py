"""The activity areas now live in the core (kulturportal 0011): the development areas point
there, with no change in the database. The plan's daily reminders move to the core's one
table of daily reminders, kept as they were."""

from django.db import migrations, models


def move_reminders(apps, schema_editor):
    Reminder = apps.get_model("kulturplan", "Reminder")
    DailyReminder = apps.get_model("kulturportal", "DailyReminder")
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not Reminder.objects.exists():
        return
    window, _created = ContentType.objects.get_or_create(
        app_label="kulturplan", model="registrationwindow"
    )
    DailyReminder.objects.bulk_create(
        DailyReminder(
            content_type=window,
            object_id=r.window_id,
            sent_on=r.sent_on,
            sent_at=r.sent_at,
            sent_by_id=r.sent_by_id,
            recipients=r.recipients,
        )
        for r in Reminder.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("kulturplan", "0002_load_activity_areas"),
        ("kulturportal", "0011_activity_area_daily_reminder"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="developmentarea",
                    name="activity_areas",
                    field=models.ManyToManyField(
                        related_name="development_areas",
                        to="kulturportal.activityarea",
                        verbose_name="verksamhetsområden",
                    ),
                ),
                migrations.DeleteModel(name="ActivityArea"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_reminders, migrations.RunPython.noop),
        migrations.DeleteModel(name="Reminder"),
    ]
