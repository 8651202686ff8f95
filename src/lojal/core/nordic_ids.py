"""Nordic national identity and organisation numbers: validated with python-stdnum, stored normalised.

Stored forms (``compact``) are separator-free digits so that one index serves every spelling a user
types: Swedish personnummer and samordningsnummer as 12 digits (century included), everything
else as the digits (and, for Finnish HETU, the century sign and check character) in the number.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.dk import cpr as dk_cpr
from stdnum.dk import cvr as dk_cvr
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import hetu as fi_hetu
from stdnum.fi import ytunnus as fi_ytunnus
from stdnum.no import fodselsnummer as no_fnr
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer as se_pnr

from lojal.core.errors import ValidationError

Holder = Literal["person", "organisation"]
COUNTRIES = ("SE", "NO", "DK", "FI")


@dataclass(frozen=True)
class NationalId:
    """A validated number: its country, what kind it is, the stored form and the display form."""

    country: str
    kind: str
    compact: str
    formatted: str

    @property
    def holder(self) -> Holder:
        return "organisation" if self.kind in ORGANISATION_KINDS else "person"


ORGANISATION_KINDS = {"se_orgnr", "no_orgnr", "dk_cvr", "fi_ytunnus"}
KIND_LABELS = {
    "se_personnummer": "personnummer",
    "se_samordningsnummer": "samordningsnummer",
    "se_orgnr": "organisationsnummer",
    "no_fodselsnummer": "fødselsnummer",
    "no_orgnr": "organisasjonsnummer",
    "dk_cpr": "CPR-nummer",
    "dk_cvr": "CVR-nummer",
    "fi_hetu": "henkilötunnus",
    "fi_ytunnus": "Y-tunnus",
}
_DIGITS = re.compile(r"\D")


def _digits(value: str) -> str:
    return _DIGITS.sub("", value)


_SE_PERSON_PLAIN = re.compile(r"(?:18|19|20)?[0-9]{6}[-+]?[0-9]{4}", re.ASCII)


def _luhn_valid(digits: str) -> bool:
    """The Luhn check of ASCII digits, as arithmetic (stdnum's luhn, without its generality)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _se_person(value: str) -> NationalId:
    """A personnummer or samordningsnummer written plainly ("19880320-0016", "880320-0016",
    "8803200016") is read here; the same checks as :func:`_se_person_library` without its second
    pass through stdnum (which checks the same date and Luhn digit again). Anything else, and every
    rejection, goes through the library path (tests/core/test_nordic_ids.py checks they agree)."""
    cleaned = value.strip()
    if not _SE_PERSON_PLAIN.fullmatch(cleaned):
        return _se_person_library(value)
    digits = cleaned.replace("-", "").replace("+", "")
    ten = digits[-10:]
    if not _luhn_valid(ten):
        return _se_person_library(value)
    day = int(ten[4:6])
    kind = "se_personnummer"
    if day > 60:
        kind = "se_samordningsnummer"
        day -= 60
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        today = dt.date.today()
        year = 2000 + int(ten[:2])
        if year > today.year:
            year -= 100
        if "+" in cleaned:
            year -= 100
    try:
        birth = dt.date(year, int(ten[2:4]), day)
    except ValueError:
        return _se_person_library(value)
    if birth > dt.date.today():
        return _se_person_library(value)
    compact = f"{year:04d}{ten[2:]}"
    return NationalId("SE", kind, compact, f"{compact[:8]}-{compact[8:]}")


def _se_person_library(value: str) -> NationalId:
    cleaned = value.strip().replace(" ", "")
    digits = _digits(cleaned)
    if len(digits) not in (10, 12):
        raise StdnumError()
    ten = digits[-10:]
    if not luhn.is_valid(ten):
        raise StdnumError()
    day = int(ten[4:6])
    kind = "se_personnummer"
    if day > 60:
        kind = "se_samordningsnummer"
        day -= 60
    month = int(ten[2:4])
    if len(digits) == 12:
        century = int(digits[:2])
        if century not in (18, 19, 20):
            raise StdnumError()
        year = century * 100 + int(ten[:2])
    else:
        today = dt.date.today()
        year = 2000 + int(ten[:2])
        if year > today.year:
            year -= 100
        if "+" in cleaned:  # "+" marks a holder aged 100 or more
            year -= 100
    birth = dt.date(year, month, day)  # raises ValueError on an impossible date
    if birth > dt.date.today():
        raise StdnumError()
    compact = f"{year:04d}{ten[2:]}"
    if kind == "se_personnummer":
        se_pnr.validate(f"{compact[:8]}-{compact[8:]}")
    return NationalId("SE", kind, compact, f"{compact[:8]}-{compact[8:]}")


def _se_org(value: str) -> NationalId:
    digits = _digits(value)
    if len(digits) == 12 and digits.startswith("16"):
        digits = digits[2:]
    compact = se_orgnr.validate(digits)
    return NationalId("SE", "se_orgnr", compact, se_orgnr.format(compact))


def _no_person(value: str) -> NationalId:
    compact = no_fnr.validate(_digits(value))
    return NationalId("NO", "no_fodselsnummer", compact, no_fnr.format(compact))


def _no_org(value: str) -> NationalId:
    compact = no_orgnr.validate(_digits(value))
    return NationalId("NO", "no_orgnr", compact, no_orgnr.format(compact))


def _dk_person(value: str) -> NationalId:
    compact = dk_cpr.validate(_digits(value))
    return NationalId("DK", "dk_cpr", compact, dk_cpr.format(compact))


def _dk_org(value: str) -> NationalId:
    compact = dk_cvr.validate(_digits(value))
    return NationalId("DK", "dk_cvr", compact, compact)


def _fi_person(value: str) -> NationalId:
    compact = fi_hetu.validate(value.strip().upper())
    return NationalId("FI", "fi_hetu", compact, compact)


def _fi_org(value: str) -> NationalId:
    compact = fi_ytunnus.validate(value.strip())
    return NationalId("FI", "fi_ytunnus", compact, fi_ytunnus.format(compact))


_PARSERS = {
    ("SE", "person"): _se_person,
    ("SE", "organisation"): _se_org,
    ("NO", "person"): _no_person,
    ("NO", "organisation"): _no_org,
    ("DK", "person"): _dk_person,
    ("DK", "organisation"): _dk_org,
    ("FI", "person"): _fi_person,
    ("FI", "organisation"): _fi_org,
}


def national_id_parse(*, country: str, holder: Holder, value: str, field: str = "national_id") -> NationalId:
    """Validate ``value`` as a person's or an organisation's number of ``country``.

    Raises :class:`ValidationError` naming ``field`` when the number is malformed or its check fails.
    """
    parser = _PARSERS.get((country.upper(), holder))
    if parser is None:
        raise ValidationError.for_field(
            "national_id_country", _("National numbers are supported for SE, NO, DK and FI only.")
        )
    try:
        return parser(value)
    except (StdnumError, ValueError):
        if holder == "person":
            reason = _("This is not a valid personal identity number for %(country)s.")
        else:
            reason = _("This is not a valid organisation number for %(country)s.")
        raise ValidationError.for_field(field, reason % {"country": country.upper()}) from None


def national_id_candidates(text: str) -> list[tuple[str, str]]:
    """Every (country, compact) pair that ``text`` could be, for search: any spelling, any separators."""
    found: list[tuple[str, str]] = []
    for (country, _holder), parser in _PARSERS.items():
        try:
            parsed = parser(text)
        except (StdnumError, ValueError, IndexError):
            continue
        if (country, parsed.compact) not in found:
            found.append((country, parsed.compact))
    return found


def national_id_mask(*, kind: str, formatted: str) -> str:
    """A display form that hides the personal part of a person's number; organisations stay visible."""
    if not formatted or kind in ORGANISATION_KINDS:
        return formatted
    visible = max(len(formatted) - 4, 0)
    return formatted[:visible] + "****"
