"""The consultation bodies' member organisations move to the core, where the consultations
use them too: copy the rows, then drop the forums' table."""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    old = apps.get_model("forums", "BodyMembership")
    new = apps.get_model("kulturportal", "BodyMembership")
    new.objects.bulk_create(
        new(body_id=m.body_id, organisation_id=m.organisation_id, created_at=m.created_at)
        for m in old.objects.all()
    )


def copy_back(apps, schema_editor):
    old = apps.get_model("forums", "BodyMembership")
    new = apps.get_model("kulturportal", "BodyMembership")
    old.objects.bulk_create(
        old(body_id=m.body_id, organisation_id=m.organisation_id) for m in new.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0005_meeting_announced_at"),
        ("kulturportal", "0009_body_membership_requests_exports"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="BodyMembership"),
    ]
