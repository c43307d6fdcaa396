import argparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kulturportal import search, volume


class Command(BaseCommand):
    help = (
        "Add realistic volume for performance work: at --scale 1, 500 organisations, "
        "2,000 people with their roles, 300 meetings and 15,000 invitations (no e-mail is "
        "sent); --scale 10 is ten times that. Deterministic."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="How much: 1 or 10, say.")
        parser.add_argument(
            "--seed", type=int, default=volume.DEFAULT_SEED, help="The same seed, the same data."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Remove volume made before, then add anew."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )
        # A slice of the scale, so a test can run the real command in well under a second.
        parser.add_argument("--fraction", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args, scale, seed, replace, force, fraction, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_volume creates thousands of made-up people with the published demo "
                "password; it refuses to run with DEBUG=false. Pass --force for a test database."
            )
        if scale < 1 or not 0 < fraction <= 1:
            raise CommandError("--scale is a whole number from 1 up.")
        try:
            created = volume.seed_volume(scale * fraction, seed=seed, replace=replace)
        except volume.VolumeExists:
            raise CommandError(
                "This database already has volume. Pass --replace to make it anew."
            ) from None
        search.rebuild()  # bulk writes index nothing themselves
        _analyze()
        summary = ", ".join(f"{count:,} {what}" for what, count in created.items())
        self.stdout.write(self.style.SUCCESS(f"Volume in place at scale {scale}: {summary}."))


def _analyze() -> None:
    """Fresh statistics for the planner: after a bulk load PostgreSQL's autovacuum has not
    yet seen the new rows, and the pages at scale 10 took plans fit for an empty database."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
