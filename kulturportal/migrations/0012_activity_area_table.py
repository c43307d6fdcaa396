"""The activity areas' table takes the core's name, now that the plan's links point here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kulturportal", "0011_activity_area_daily_reminder"),
        ("kulturplan", "0003_activity_areas_to_core_reminders"),
    ]

    operations = [migrations.AlterModelTable(name="activityarea", table=None)]
