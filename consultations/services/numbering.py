"""Registration numbers (diarienummer): one per response, gap-free per prefix and year."""

from consultations.models import (
    RegistrationSequence,
)


def take_registration_number(prefix: str, year: int) -> str:
    """The next number of the year, e.g. "KN 2029/0042": gap-free, because the counter's
    row stays locked until the submission commits, and a rollback gives the number back."""
    RegistrationSequence.objects.bulk_create(
        [RegistrationSequence(prefix=prefix, year=year)], ignore_conflicts=True
    )
    sequence = RegistrationSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix} {year}/{sequence.last:04d}"
