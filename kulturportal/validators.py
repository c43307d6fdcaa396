"""Validation of Swedish identifiers, with Swedish messages beside the field."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.se import orgnr


def validate_org_number(value: str) -> None:
    try:
        orgnr.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("Ett organisationsnummer har tio siffror, till exempel 232100-0255."),
            code="invalid_length",
        ) from None
    except stdnum_errors.InvalidFormat:
        raise ValidationError(
            _("Organisationsnumret får bara innehålla siffror och ett bindestreck."),
            code="invalid_format",
        ) from None
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("Organisationsnumret stämmer inte: kontrollsiffran är fel. Kontrollera numret."),
            code="invalid_checksum",
        ) from None


def normalise_org_number(value: str) -> str:
    """The stored form, NNNNNN-NNNN, so one organisation cannot be entered twice."""
    return orgnr.format(value)
