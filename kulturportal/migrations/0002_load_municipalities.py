"""Skåne's four default sub-regions and 33 municipalities, from data/municipalities.csv.

The code is the key; names and the grouping stay editable in the portal.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations
from django.utils.text import slugify

DATA = Path(__file__).resolve().parent.parent / "data" / "municipalities.csv"

SUB_REGIONS = [
    # corner, name, slug, meeting town
    ("NV", "Nordväst", "nordvast", "Helsingborg"),
    ("NO", "Nordost", "nordost", "Kristianstad"),
    ("SO", "Sydost", "sydost", "Ystad"),
    ("SV", "Sydväst", "sydvast", "Malmö"),
]


def load(apps, schema_editor):
    SubRegion = apps.get_model("kulturportal", "SubRegion")
    Municipality = apps.get_model("kulturportal", "Municipality")
    by_corner = {}
    for position, (corner, name, slug, town) in enumerate(SUB_REGIONS):
        by_corner[corner], _ = SubRegion.objects.get_or_create(
            slug=slug, defaults={"name": name, "meeting_town": town, "position": position}
        )
    with DATA.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            Municipality.objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "official_name": row["scb_name"],
                    "slug": slugify(row["name"]),
                    "sub_region": by_corner[row["corner"]],
                    "seat_lat": Decimal(row["seat_lat"]),
                    "seat_lon": Decimal(row["seat_lon"]),
                },
            )


def unload(apps, schema_editor):
    apps.get_model("kulturportal", "Municipality").objects.all().delete()
    apps.get_model("kulturportal", "SubRegion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("kulturportal", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
