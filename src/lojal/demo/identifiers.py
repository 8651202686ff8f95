"""Valid-by-construction Nordic identity numbers, organisation numbers and mobile numbers for demo data.

Each kind of number is a function of a running index: the index is scattered over the kind's number
space by an affine permutation (a bijection), then split into the parts of the number. Different
indices therefore never get the same number, so millions of demo customers load under the database's
one-number-per-country constraint, while neighbouring indices still look unrelated.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

FIRST_BIRTH_DATE = dt.date(1940, 1, 1)
LAST_BIRTH_DATE = dt.date(2005, 12, 31)
_DAY_COUNT = (LAST_BIRTH_DATE - FIRST_BIRTH_DATE).days + 1
_HETU_CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"


class _BirthDay(NamedTuple):
    date: dt.date
    ddmmyy: str
    yymmdd: str
    yyyymmdd: str


_BIRTH_DAYS = [
    _BirthDay(
        day,
        f"{day.day:02d}{day.month:02d}{day.year % 100:02d}",
        f"{day.year % 100:02d}{day.month:02d}{day.day:02d}",
        f"{day.year:04d}{day.month:02d}{day.day:02d}",
    )
    for day in (FIRST_BIRTH_DATE + dt.timedelta(days=offset) for offset in range(_DAY_COUNT))
]


class _Scatter:
    """``index -> (a * index + b) mod size``: a bijection on ``range(size)`` that spreads neighbours apart."""

    def __init__(self, size: int, salt: int) -> None:
        multiplier = 2_654_435_761 + 2 * salt
        while math.gcd(multiplier, size) != 1:
            multiplier += 2
        self.size = size
        self.multiplier = multiplier
        self.offset = (salt * 40_503 + 12_345) % size

    def __call__(self, index: int) -> int:
        if not 0 <= index < self.size:
            raise ValueError(f"Index {index} is outside this number space (0..{self.size - 1}).")
        return (index * self.multiplier + self.offset) % self.size


def _digits(text: str) -> list[int]:
    return [ord(ch) - 48 for ch in text]


def _weighted(text: str, weights: tuple[int, ...]) -> int:
    return sum(w * d for w, d in zip(weights, _digits(text), strict=False))


def luhn_check_digit(payload: str) -> str:
    """The Luhn digit that makes ``payload`` + digit valid (Swedish personnummer and orgnr)."""
    total = 0
    for position, digit in enumerate(reversed(_digits(payload))):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


class PersonNumber(NamedTuple):
    """A generated personal identity number, the birth date it carries and the holder's legal sex."""

    value: str
    birth_date: dt.date
    is_male: bool


# --- Sweden: personnummer YYYYMMDD-NNNC, Luhn over the ten-digit form ------------------------------
_SE_SERIALS = 1000
_se_person_scatter = _Scatter(_DAY_COUNT * _SE_SERIALS, salt=1)


def se_personnummer(index: int) -> PersonNumber:
    spot = _se_person_scatter(index)
    day, serial = _BIRTH_DAYS[spot % _DAY_COUNT], spot // _DAY_COUNT
    birth_number = f"{serial:03d}"
    check = luhn_check_digit(day.yymmdd + birth_number)
    return PersonNumber(f"{day.yyyymmdd}-{birth_number}{check}", day.date, serial % 2 == 1)


# --- Norway: fødselsnummer DDMMYY III K1 K2, two mod-11 check digits --------------------------------
# For every date and first two individual digits at least eight of the ten third digits give valid
# check digits (checked over the whole date range), so the rank among the valid ones is the last part.
_NO_RANKS = 8
_NO_PAIRS = 50
_NO_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_NO_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_no_person_scatter = _Scatter(_DAY_COUNT * _NO_PAIRS * _NO_RANKS, salt=2)


def no_fodselsnummer(index: int) -> PersonNumber:
    spot = _no_person_scatter(index)
    day, rest = _BIRTH_DAYS[spot % _DAY_COUNT], spot // _DAY_COUNT
    pair, rank = divmod(rest, _NO_RANKS)
    # Individual numbers 000-499 belong to 1900-1999 births, 500-999 to 2000-2039 births.
    prefix = day.ddmmyy + f"{pair + (50 if day.date.year >= 2000 else 0):02d}"
    partial_1 = _weighted(prefix, _NO_WEIGHTS_1)
    partial_2 = _weighted(prefix, _NO_WEIGHTS_2)
    found = -1
    for third in range(10):
        check_1 = (11 - (partial_1 + 2 * third) % 11) % 11
        if check_1 == 10:
            continue
        check_2 = (11 - (partial_2 + 3 * third + 2 * check_1) % 11) % 11
        if check_2 == 10:
            continue
        found += 1
        if found == rank:
            return PersonNumber(f"{prefix}{third}{check_1}{check_2}", day.date, third % 2 == 1)
    raise AssertionError("fewer valid Norwegian individual numbers than assumed")  # pragma: no cover


# --- Denmark: CPR DDMMYY-SSSS; the 7th digit and the year give the century; mod-11 kept for realism ---
_DK_CENTURY_DIGITS_1900 = (0, 1, 2, 3, 4, 9)
_DK_CENTURY_DIGITS_2000 = (4, 5, 6, 7, 8, 9)
_DK_RANKS = 9
_DK_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3)
_dk_person_scatter = _Scatter(_DAY_COUNT * 6 * 10 * _DK_RANKS, salt=3)


def dk_cpr(index: int) -> PersonNumber:
    spot = _dk_person_scatter(index)
    day, rest = _BIRTH_DAYS[spot % _DAY_COUNT], spot // _DAY_COUNT
    rest, rank = divmod(rest, _DK_RANKS)
    century_choice, eighth = divmod(rest, 10)
    centuries = _DK_CENTURY_DIGITS_2000 if day.date.year >= 2000 else _DK_CENTURY_DIGITS_1900
    prefix = f"{day.ddmmyy}{centuries[century_choice]}{eighth}"
    partial = _weighted(prefix, _DK_WEIGHTS)
    found = -1
    for ninth in range(10):
        last = (-(partial + 2 * ninth)) % 11
        if last == 10:
            continue
        found += 1
        if found == rank:
            return PersonNumber(f"{prefix[:6]}-{prefix[6:]}{ninth}{last}", day.date, last % 2 == 1)
    raise AssertionError("fewer valid Danish serials than assumed")  # pragma: no cover


# --- Finland: henkilötunnus DDMMYYCZZZQ, check character from the number mod 31 ---------------------
_FI_INDIVIDUALS = 898  # 002-899; 900-999 are temporary numbers
_fi_person_scatter = _Scatter(_DAY_COUNT * _FI_INDIVIDUALS, salt=4)


def fi_hetu(index: int) -> PersonNumber:
    spot = _fi_person_scatter(index)
    day, individual = _BIRTH_DAYS[spot % _DAY_COUNT], 2 + spot // _DAY_COUNT
    sign = "A" if day.date.year >= 2000 else "-"
    check = _HETU_CHECK_CHARACTERS[int(f"{day.ddmmyy}{individual:03d}") % 31]
    return PersonNumber(f"{day.ddmmyy}{sign}{individual:03d}{check}", day.date, individual % 2 == 1)


# --- Organisation numbers -------------------------------------------------------------------------
_se_org_scatter = _Scatter(8 * 10**6, salt=5)


def se_orgnr(index: int) -> str:
    """Aktiebolag numbers 55X-... (group 5, third digit 2-9), Luhn-checked, as "NNNNNN-NNNN"."""
    spot = _se_org_scatter(index)
    payload = f"55{2 + spot // 10**6}{spot % 10**6:06d}"
    return f"{payload[:6]}-{payload[6:]}{luhn_check_digit(payload)}"


_NO_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3)
_no_org_scatter = _Scatter(2 * 10**6 * 9, salt=6)


def no_orgnr(index: int) -> str:
    """Nine digits starting 8 or 9; mod 11 with weights 3,2,7,6,5,4,3,2; as "NNN NNN NNN"."""
    rest, rank = divmod(_no_org_scatter(index), 9)
    prefix = f"{8 + rest // 10**6}{rest % 10**6:06d}"
    partial = _weighted(prefix, _NO_ORG_WEIGHTS)
    found = -1
    for eighth in range(10):
        remainder = (partial + 2 * eighth) % 11
        check = 0 if remainder == 0 else 11 - remainder
        if check == 10:
            continue
        found += 1
        if found == rank:
            number = f"{prefix}{eighth}{check}"
            return f"{number[:3]} {number[3:6]} {number[6:]}"
    raise AssertionError("fewer valid Norwegian organisation numbers than assumed")  # pragma: no cover


_DK_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3)
_dk_org_scatter = _Scatter(9 * 10**5 * 9, salt=7)


def dk_cvr(index: int) -> str:
    """Eight digits, no leading zero; weights 2,7,6,5,4,3,2,1 sum to a multiple of 11."""
    rest, rank = divmod(_dk_org_scatter(index), 9)
    prefix = f"{1 + rest // 10**5}{rest % 10**5:05d}"
    partial = _weighted(prefix, _DK_CVR_WEIGHTS)
    found = -1
    for seventh in range(10):
        last = (-(partial + 2 * seventh)) % 11
        if last == 10:
            continue
        found += 1
        if found == rank:
            return f"{prefix}{seventh}{last}"
    raise AssertionError("fewer valid CVR numbers than assumed")  # pragma: no cover


_FI_ORG_WEIGHTS = (7, 9, 10, 5, 8, 4)
_fi_org_scatter = _Scatter(4 * 10**5 * 9, salt=8)


def fi_ytunnus(index: int) -> str:
    """Seven digits and a check digit (weights 7,9,10,5,8,4,2; remainder 1 is never issued): "NNNNNNN-C"."""
    rest, rank = divmod(_fi_org_scatter(index), 9)
    prefix = f"{rest // 10**5}{rest % 10**5:05d}"
    partial = _weighted(prefix, _FI_ORG_WEIGHTS)
    found = -1
    for seventh in range(10):
        remainder = (partial + 2 * seventh) % 11
        if remainder == 1:
            continue
        found += 1
        if found == rank:
            return f"{prefix}{seventh}-{0 if remainder == 0 else 11 - remainder}"
    raise AssertionError("fewer valid Y-tunnus numbers than assumed")  # pragma: no cover


PERSON_NUMBERS = {"SE": se_personnummer, "NO": no_fodselsnummer, "DK": dk_cpr, "FI": fi_hetu}
ORGANISATION_NUMBERS = {"SE": se_orgnr, "NO": no_orgnr, "DK": dk_cvr, "FI": fi_ytunnus}

# --- Mobile numbers -------------------------------------------------------------------------------


class MobilePlan(NamedTuple):
    """A country's mobile numbering: calling code, leading digits, free digits, trunk prefix."""

    calling_code: str
    prefixes: tuple[str, ...]
    free_digits: int
    trunk: str


MOBILE_PLANS = {
    "SE": MobilePlan("46", ("70", "72", "73", "76"), 7, "0"),
    "NO": MobilePlan("47", ("40", "41", "46", "47", "48", *(f"9{d}" for d in range(10))), 6, ""),
    # Most Danish mobile series do not use 0 as the third digit, so the prefixes carry it.
    "DK": MobilePlan(
        "45",
        tuple(
            f"{series}{third}"
            for series in (
                "20",
                "21",
                "22",
                "23",
                "24",
                "25",
                "29",
                "30",
                "31",
                "40",
                "41",
                "42",
                "50",
                "51",
                "52",
                "53",
                "60",
                "61",
            )
            for third in range(1, 10)
        ),
        5,
        "",
    ),
    "FI": MobilePlan("358", ("40", "41", "44", "45", "46", "50"), 7, "0"),
}
_mobile_scatters = {
    country: _Scatter(len(plan.prefixes) * 10**plan.free_digits, salt=20 + n)
    for n, (country, plan) in enumerate(MOBILE_PLANS.items())
}

#: Highest running index (exclusive) every number space above can serve without repeating a number.
INDEX_LIMIT = min(
    scatter.size
    for scatter in (
        _se_person_scatter,
        _no_person_scatter,
        _dk_person_scatter,
        _fi_person_scatter,
        _se_org_scatter,
        _no_org_scatter,
        _dk_org_scatter,
        _fi_org_scatter,
    )
)
#: Mobile numbers: slot 0 is a customer's own number, slot 1 a second number, slot 2 contact persons.
MOBILE_SLOTS = 3
_MOBILE_SLOT_SIZE = min(s.size for s in _mobile_scatters.values()) // MOBILE_SLOTS


def mobile_national(country: str, index: int, slot: int = 0) -> str:
    """The national significant number (no trunk prefix) of a mobile, e.g. "701234567" in Sweden.

    Distinct (index, slot) pairs below the slot size get distinct numbers.
    """
    plan = MOBILE_PLANS[country]
    spot = _mobile_scatters[country](slot * _MOBILE_SLOT_SIZE + index % _MOBILE_SLOT_SIZE)
    prefix, rest = divmod(spot, 10**plan.free_digits)
    return f"{plan.prefixes[prefix]}{rest:0{plan.free_digits}d}"


def mobile_formatted(country: str, national: str, style: int) -> str:
    """``national`` written as people write it: 0 E.164, 1 spaced international, 2 local, 3 with 00."""
    plan = MOBILE_PLANS[country]
    if style == 0:
        return f"+{plan.calling_code}{national}"
    if style == 3:
        return f"00{plan.calling_code}{national}"
    if country == "SE":
        grouped = f"{national[:2]} {national[2:5]} {national[5:7]} {national[7:]}"
    elif country == "NO":
        grouped = f"{national[:3]} {national[3:5]} {national[5:]}"
    elif country == "DK":
        grouped = f"{national[:2]} {national[2:4]} {national[4:6]} {national[6:]}"
    else:
        grouped = f"{national[:2]} {national[2:5]} {national[5:]}"
    if style == 1:
        return f"+{plan.calling_code} {grouped}"
    if country == "SE":
        return f"0{national[:2]}-{national[2:5]} {national[5:7]} {national[7:]}"
    return f"{plan.trunk}{grouped}"
