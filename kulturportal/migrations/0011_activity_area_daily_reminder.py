"""The seven activity areas move from the plan to the core (the plan, the organisations and
the follow-up all point at them), and the daily reminders of the plan's and the referral's
boards become one table.

The activity areas' table keeps its name here (kulturplan_activityarea): only Django's state
moves, so the plan's links to it stay as they are; 0012 renames it once the plan's state
points here."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

AREA_CHOICES = [
    ("teater-dans-musik", "Professionell teater-, dans- och musikverksamhet"),
    ("museer-kulturmiljo", "Museiverksamhet och kulturmiljöarbete"),
    ("bibliotek-litteratur", "Biblioteksverksamhet och läs- och litteraturfrämjande"),
    ("bild-och-form", "Professionell bild- och formverksamhet"),
    ("arkiv", "Regional enskild arkivverksamhet"),
    ("film", "Filmkulturell verksamhet"),
    ("hemslojd", "Främjande av hemslöjd"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("kulturportal", "0010_inbound_email"),
        ("kulturplan", "0002_load_activity_areas"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ActivityArea",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                choices=AREA_CHOICES,
                                editable=False,
                                max_length=30,
                                unique=True,
                                verbose_name="kod",
                            ),
                        ),
                        ("name_sv", models.CharField(max_length=200, verbose_name="namn på svenska")),
                        ("name_en", models.CharField(max_length=200, verbose_name="namn på engelska")),
                        ("position", models.PositiveSmallIntegerField(default=0, verbose_name="ordning")),
                    ],
                    options={
                        "verbose_name": "verksamhetsområde",
                        "verbose_name_plural": "verksamhetsområden",
                        "ordering": ["position"],
                        "db_table": "kulturplan_activityarea",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="DailyReminder",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("sent_on", models.DateField(verbose_name="datum")),
                (
                    "sent_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="skickad"),
                ),
                ("recipients", models.PositiveIntegerField(default=0, verbose_name="mottagare")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
                (
                    "sent_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="skickad av",
                    ),
                ),
            ],
            options={
                "verbose_name": "påminnelse",
                "verbose_name_plural": "påminnelser",
                "ordering": ["-sent_at"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_type", "object_id", "sent_on"), name="one_daily_reminder_per_day"
                    )
                ],
            },
        ),
    ]
