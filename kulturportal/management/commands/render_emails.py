"""Render every e-mail the portal sends, in every language, to files for review.

The samples come from kulturportal.email_samples, where each app registers its own; an
e-mail template without a sample is an error, so no e-mail goes unreviewed.
"""

from pathlib import Path

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.template import engines
from django.utils import translation

from kulturportal import email_samples
from kulturportal.emails import render_email

SUBJECT_SUFFIX = "_subject.txt"


def email_templates_on_disk() -> dict[str, Path]:
    """Every e-mail the template engine can find (an emails/<name>_subject.txt of the core
    or <app>/emails/<name>_subject.txt of an app), by name: its path without the suffix."""
    found: dict[str, Path] = {}
    for directory in engines["django"].template_dirs:
        for pattern in (f"emails/*{SUBJECT_SUFFIX}", f"*/emails/*{SUBJECT_SUFFIX}"):
            for path in sorted(Path(directory).glob(pattern)):
                name = path.relative_to(directory).as_posix().removesuffix(SUBJECT_SUFFIX)
                found.setdefault(name, path)
    return found


def render_sample(name: str, context: dict, language: str) -> tuple[str, str, str]:
    """Subject, text and HTML, exactly as they would be sent; HTML is "" if there is none."""
    if email_samples.is_allauth(name):
        to = context.get("email", "mottagare@example.se")
        with translation.override(language):
            return get_adapter().render_message(name, to, context)
    return render_email(name, context, language)


def file_stem(name: str) -> str:
    """forums/emails/meeting_invitation stays as it is; account/email/login_code becomes
    account/login_code."""
    if email_samples.is_allauth(name):
        return "account/" + name.removeprefix(email_samples.ALLAUTH_PREFIX)
    return name


class Command(BaseCommand):
    help = (
        "Render every e-mail (ours and allauth's) in every language with sample data, to "
        "<out>/<language>/<name>.subject.txt, .txt and .html, for review. Writes nothing "
        "to the database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out",
            type=Path,
            default=settings.VAR_DIR / "email-review",
            help="Directory to write to (default: var/email-review/).",
        )

    def handle(self, *args, out: Path, **options):
        samples = email_samples.samples()
        missing = [path for name, path in email_templates_on_disk().items() if name not in samples]
        if missing:
            listed = ", ".join(str(path) for path in missing)
            raise CommandError(
                f"No sample registered for {listed}. Register one with "
                "kulturportal.email_samples.register() in the app that sends it."
            )
        languages = [code for code, _name in settings.LANGUAGES]
        written = 0
        # The samples are unsaved objects; should one ever write, nothing of it is kept.
        with transaction.atomic():
            for name, context_factory in samples.items():
                for language in languages:
                    written += self._write(out, name, context_factory(), language)
            transaction.set_rollback(True)
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(samples)} e-mails × {len(languages)} languages = {written} files in {out}"
            )
        )

    def _write(self, out: Path, name: str, context: dict, language: str) -> int:
        try:
            subject, text, html = render_sample(name, context, language)
        except Exception as error:
            raise CommandError(f"Could not render {name} ({language}): {error}") from error
        stem = file_stem(name)
        parts = {".subject.txt": subject + "\n", ".txt": text + "\n"}
        if html:
            parts[".html"] = html + "\n"
        for suffix, content in parts.items():
            path = out / language / f"{stem}{suffix}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            self.stdout.write(f"  {path.relative_to(out)}")
        return len(parts)
