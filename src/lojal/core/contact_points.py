"""Phone numbers to E.164 and email addresses to one lower-case form, so that any spelling matches."""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext as _
from email_validator import EmailNotValidError, validate_email

from lojal.core.errors import ValidationError


def phone_normalise(value: str, *, region: str | None = None, field: str = "phone") -> str:
    """Return ``value`` in E.164 ("+46701234567"); "070-123 45 67" is read in the default region.

    Raises :class:`ValidationError` naming ``field`` when it is not a possible number.
    """
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, (region or settings.DEFAULT_COUNTRY).upper())
    except phonenumbers.NumberParseException:
        raise ValidationError.for_field(field, _("This is not a phone number.")) from None
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError.for_field(field, _("This phone number is not valid.")) from None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


NORDIC_REGIONS = ("SE", "NO", "DK", "FI")


def phone_candidates(value: str) -> list[str]:
    """The E.164 numbers ``value`` could be: in the default region first, then in the other Nordic
    countries (a Norwegian "412 34 567" typed on a Swedish install); for search."""
    found: list[str] = []
    international = value.strip().startswith(("+", "00"))
    regions = [settings.DEFAULT_COUNTRY.upper()]
    if not international:
        regions += [region for region in NORDIC_REGIONS if region not in regions]
    for region in regions:
        try:
            number = phone_normalise(value, region=region)
        except ValidationError:
            continue
        if number not in found:
            found.append(number)
    return found


def phone_display(e164: str) -> str:
    """A readable international form of an E.164 number ("+46 70 123 45 67")."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# Plain ASCII addresses (nearly all of them) are checked with this; anything else takes the full
# validator, which also handles internationalised domains and quoted local parts.
_PLAIN_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"
)

# Left to the full validator, which refuses addresses in these reserved domains.
_SPECIAL_USE_TOP_DOMAINS = {"arpa", "invalid", "local", "localhost", "onion", "test", "internal", "alt"}


def email_normalise(value: str, *, field: str = "email") -> str:
    """Return the address with its domain in lower case and IDNA-normalised; the local part is kept.

    Nordic mail systems treat local parts case-insensitively, so the stored form is lower-cased whole.
    """
    candidate = value.strip().lower()
    if (
        len(candidate) <= 254
        and len(candidate.split("@", 1)[0]) <= 64
        and _PLAIN_EMAIL.match(candidate)
        and candidate.rsplit(".", 1)[1] not in _SPECIAL_USE_TOP_DOMAINS
    ):
        return candidate
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError.for_field(
            field, _("This is not a valid email address: %(reason)s") % {"reason": str(error)}
        ) from None
    return result.normalized.lower()
