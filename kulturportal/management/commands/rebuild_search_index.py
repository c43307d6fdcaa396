import time

from django.core.management.base import BaseCommand

from kulturportal import search


class Command(BaseCommand):
    help = (
        "Build the search index anew from the database (every kind, or those named). Safe "
        "in production: the old index serves searches until the new one commits."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kinds", nargs="*", help="Only these kinds (e.g. meeting section); all if none."
        )

    def handle(self, *args, kinds=(), **options):
        started = time.monotonic()
        written = search.rebuild(kinds or None)
        summary = ", ".join(f"{count:,} {kind}" for kind, count in written.items())
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Search index rebuilt in {seconds:.1f} s: {summary}.")
        )
