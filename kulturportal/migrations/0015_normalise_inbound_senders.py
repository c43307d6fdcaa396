"""The inbox now stores a sender's address in one form (kulturportal/inbound.py); the rows
stored before get that form too, so the personal-data export and the limit per sender
find them."""

from django.db import migrations


def normalise_senders(apps, schema_editor):
    from kulturportal.emails import normalise_address  # a pure function, kept stable

    InboundEmail = apps.get_model("kulturportal", "InboundEmail")
    for row in InboundEmail.objects.exclude(sender="").only("pk", "sender").iterator():
        normal = normalise_address(row.sender)[:300]
        if normal != row.sender:
            InboundEmail.objects.filter(pk=row.pk).update(sender=normal)


class Migration(migrations.Migration):
    dependencies = [("kulturportal", "0014_search")]

    operations = [migrations.RunPython(normalise_senders, migrations.RunPython.noop)]
