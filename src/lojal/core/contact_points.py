"""Phone numbers to E.164 and email addresses to one lower-case form, so that any spelling matches."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

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
    region = (region or settings.DEFAULT_COUNTRY).upper()
    fast = _nordic_fast(text, region)
    if fast is not None:
        return fast
    return _library_normalise(text, region, field)


# The common Nordic forms ("070-123 45 67", "+46 70 123 45 67", "412 34 567") are read here with the
# library's own metadata: digits with spaces or hyphens, a national number that is a valid mobile or
# fixed-line number of the region. Anything else, and every rejection, takes the library's full parse.
# tests/core/test_phone_fast_path.py checks that both give the same answer.
_FAST_TEXT = re.compile(r"\+?[0-9][0-9 -]{4,22}", re.ASCII)
_SEPARATORS = str.maketrans("", "", " -")


@dataclass(frozen=True)
class _RegionRule:
    country_code: str
    national_prefix: str  # "0" in SE and FI; "" where numbers are dialled without one (NO, DK)
    # By length: one pattern that a valid national number of that length matches whole (the general
    # description as a look-ahead, then the fixed-line or the mobile one), the same as checking each.
    by_length: dict[int, re.Pattern[str]]
    any_length: re.Pattern[str] | None

    def valid(self, national: str) -> bool:
        pattern = self.by_length.get(len(national), self.any_length)
        return pattern is not None and pattern.fullmatch(national) is not None


def _combined(general: str, kinds: list[str]) -> re.Pattern[str] | None:
    if not kinds:
        return None
    return re.compile(f"(?=(?:{general})\\Z)(?:{'|'.join(f'(?:{kind})' for kind in kinds)})")


@lru_cache(maxsize=8)
def _region_rule(region: str) -> _RegionRule | None:
    if region not in NORDIC_REGIONS:
        return None
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or metadata.national_prefix_transform_rule:
        return None
    prefix = metadata.national_prefix_for_parsing or ""
    if prefix not in ("", "0"):
        return None
    descriptions = []
    for description in (metadata.general_desc, metadata.fixed_line, metadata.mobile):
        if description is None or not description.national_number_pattern:
            return None
        lengths = frozenset(length for length in description.possible_length if length > 0)
        descriptions.append((description.national_number_pattern, lengths))
    (general, general_lengths), *kinds = descriptions
    every_length = set(general_lengths).union(*(lengths for _pattern, lengths in kinds))

    def for_length(length: int | None) -> re.Pattern[str] | None:
        if general_lengths and (length is None or length not in general_lengths):
            return None
        return _combined(
            general,
            [
                pattern
                for pattern, lengths in kinds
                if not lengths or (length is not None and length in lengths)
            ],
        )

    by_length = {length: pattern for length in every_length if (pattern := for_length(length)) is not None}
    return _RegionRule(str(metadata.country_code), prefix, by_length, for_length(None))


def _nordic_fast(text: str, region: str) -> str | None:
    """The E.164 form of a plainly written Nordic number, or None to leave it to the library."""
    if not _FAST_TEXT.fullmatch(text):
        return None
    rule = _region_rule(region)
    if rule is None:
        return None
    digits = text.translate(_SEPARATORS)
    if digits.startswith("+"):
        digits = digits[1:]
        if not digits.startswith(rule.country_code):
            return None
        national = digits[len(rule.country_code) :]
    elif rule.national_prefix:
        if not digits.startswith(rule.national_prefix):
            return None
        national = digits[len(rule.national_prefix) :]
    else:
        national = digits
    if not national or national[0] == "0" or not rule.valid(national):
        return None
    return f"+{rule.country_code}{national}"


def _library_normalise(text: str, region: str, field: str) -> str:
    try:
        parsed = phonenumbers.parse(text, region)
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
