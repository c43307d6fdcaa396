"""The seven activity areas of the model, with fixed codes (förordning 2010:2012)."""

from django.db import migrations

AREAS = [
    (
        "teater-dans-musik",
        "Professionell teater-, dans- och musikverksamhet",
        "Professional theatre, dance and music",
    ),
    (
        "museer-kulturmiljo",
        "Museiverksamhet och kulturmiljöarbete",
        "Museums and cultural environment work",
    ),
    (
        "bibliotek-litteratur",
        "Biblioteksverksamhet och läs- och litteraturfrämjande",
        "Libraries and the promotion of reading and literature",
    ),
    ("bild-och-form", "Professionell bild- och formverksamhet", "Professional visual arts and design"),
    ("arkiv", "Regional enskild arkivverksamhet", "Regional private archives"),
    ("film", "Filmkulturell verksamhet", "Film culture"),
    ("hemslojd", "Främjande av hemslöjd", "Promotion of handicraft"),
]


def load(apps, schema_editor):
    ActivityArea = apps.get_model("kulturplan", "ActivityArea")
    for position, (code, name_sv, name_en) in enumerate(AREAS, start=1):
        ActivityArea.objects.update_or_create(
            code=code, defaults={"name_sv": name_sv, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("kulturplan", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
