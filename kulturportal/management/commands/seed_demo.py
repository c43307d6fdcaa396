from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kulturportal import search
from kulturportal.demo import (
    DEMO_PASSWORD,
    seed_app_demos,
    seed_demo_people,
    seed_reference_data,
    seed_structure_people,
)


class Command(BaseCommand):
    help = "Load the reference data and the demo people. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates people with a published password; it refuses to run with "
                "DEBUG=false. Pass --force if this really is a demo server."
            )
        seed_reference_data()
        logins = seed_demo_people()
        seed_structure_people()
        seed_app_demos()
        search.rebuild()  # the demo is found as a whole, whatever wrote it
        self.stdout.write(
            self.style.SUCCESS(f"Demo data in place. Logins (password: {DEMO_PASSWORD}):")
        )
        for email, role in logins:
            self.stdout.write(f"  {email:32} {role}")
