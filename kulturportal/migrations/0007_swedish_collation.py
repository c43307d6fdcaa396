"""The "sv" collation that kulturportal/collation.py orders by; SQLite gets it per
connection instead."""

from django.db import migrations

CREATE = "CREATE COLLATION IF NOT EXISTS sv (provider = icu, locale = 'sv-SE')"
DROP = "DROP COLLATION IF EXISTS sv"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("kulturportal", "0006_rendered_document")]

    operations = [migrations.RunPython(create, drop)]
