"""One search box: customer number, a source system's customer id, email, phone (any format),
national/organisation number, or name.

Names are searched with full text on folded words (diacritics removed, prefixes match), with a
fuzzy fallback for typos: pg_trgm on PostgreSQL, an FTS5 trigram index on SQLite.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from lojal.core.contact_points import phone_candidates
from lojal.core.nordic_ids import national_id_candidates
from lojal.core.text import fold, words
from lojal.customers.models import Customer, EmailAddress, PhoneNumber

SEARCH_LIMIT_MAX = 300
# Identifiers: digits with separators, and at most two letters (Finnish HETU "270602A5052", "131052-308T").
_NUMBERISH = re.compile(r"^[\d\s\-+().]*\d[\d\s\-+().]*(?:[A-Ya-y][\d\s\-]*){0,2}$")
_TS_CONFIGS = {"sv": "swedish", "nb": "norwegian", "da": "danish", "fi": "finnish", "en": "english"}
FUZZY_MIN_RATIO = 0.72
#: How many name matches are ranked; a fragment matching more than this returns a sample of them.
CANDIDATES = 300
_TSQUERY_UNSAFE = re.compile(r"[^\w]")


@dataclass(frozen=True)
class SearchHit:
    customer_id: int
    matched_on: str


def customer_search_ids(*, query: str, limit: int = 20, match_national_id: bool = True) -> list[SearchHit]:
    """Ids of live customers matching ``query``, best first; identifiers before names. Without
    ``match_national_id`` a national number finds nobody: for a searcher who may not see numbers, a
    hit would tell whose number it is."""
    text = query.strip()[:200]
    if not text:
        return []
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    hits: dict[int, str] = {}

    def add(ids: list[int], matched_on: str) -> None:
        for customer_id in ids:
            hits.setdefault(customer_id, matched_on)

    live = Customer.objects.live()
    if len(text) <= 100:
        # The ERP's customer number is what staff type: the id of any source the customer was
        # imported from, matched whole (the import writes these keys; the index is on the id).
        add(
            list(live.filter(source_keys__external_id=text).values_list("id", flat=True)[:limit]),
            "external_id",
        )
    if "@" in text:
        address = text.lower()
        exact = list(
            EmailAddress.objects.of_live_customers()
            .filter(address=address)
            .values_list("customer_id", flat=True)[:limit]
        )
        add(exact, "email")
        if len(hits) < limit:
            prefix = list(
                EmailAddress.objects.of_live_customers()
                .filter(address__gte=address, address__lt=address + "\uffff")
                .values_list("customer_id", flat=True)[:limit]
            )
            add(prefix, "email")
        return [SearchHit(pk, why) for pk, why in list(hits.items())[:limit]]
    digits = re.sub(r"\D", "", text)
    if digits and _NUMBERISH.match(text):
        if len(digits) <= 12 and text.strip().isdigit():
            add(
                list(live.filter(customer_number=int(digits)).values_list("id", flat=True)), "customer_number"
            )
        candidates = national_id_candidates(text) if match_national_id and len(digits) >= 6 else []
        if candidates:
            numbers = [compact for _country, compact in candidates]
            add(
                list(live.filter(national_id__in=numbers).values_list("id", flat=True)[:limit]), "national_id"
            )
        phones = phone_candidates(text)
        if phones:
            add(
                list(
                    PhoneNumber.objects.of_live_customers()
                    .filter(number__in=phones)
                    .values_list("customer_id", flat=True)[:limit]
                ),
                "phone",
            )
        if hits:
            return [SearchHit(pk, why) for pk, why in list(hits.items())[:limit]]
    terms = words(text)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        add(_postgres_words(terms, text, limit), "name")
        if not hits:
            add(_postgres_fuzzy(terms, limit), "name_fuzzy")
    else:
        add(_sqlite_words(terms, limit), "name")
        if not hits:
            add(_sqlite_fuzzy(terms, limit), "name_fuzzy")
    return [SearchHit(pk, why) for pk, why in list(hits.items())[:limit]]


def _postgres_words(terms: list[str], text: str, limit: int) -> list[int]:
    """Prefixes of the folded words first; only when they find nothing, the stemmed forms in every
    Nordic language (and English), so "målerierna" finds "Måleri" whatever the interface language.
    Asking the stems every time would read a common name's posting list twice."""
    cleaned_terms = [_TSQUERY_UNSAFE.sub("", term) for term in terms]
    prefix_query = " & ".join(f"{term}:*" for term in cleaned_terms if term)
    if not prefix_query:
        return []
    found = _postgres_matching("to_tsquery('simple', %s)", [prefix_query], terms, limit)
    if found:
        return found
    forms = list(dict.fromkeys([fold(text), text.lower()]))  # names are stored folded, industries as typed
    with connection.cursor() as cursor:
        # The languages mostly agree on a name's stem: each distinct stemmed query is asked once.
        cursor.execute(
            "SELECT DISTINCT plainto_tsquery(config::regconfig, form)::text "
            "FROM unnest(%s::text[]) AS config, unnest(%s::text[]) AS form",
            [list(_TS_CONFIGS.values()), forms],
        )
        stemmed = [row[0] for row in cursor.fetchall() if row[0]]
    if not stemmed:
        return []
    combined = " | ".join(f"({query})" for query in stemmed)
    return _postgres_matching("to_tsquery('simple', %s)", [combined], terms, limit)


def _postgres_matching(tsquery_sql: str, params: list[str], terms: list[str], limit: int) -> list[int]:
    # No ORDER BY: a common fragment matches tens of thousands of rows, and ranking them all in SQL
    # costs more than taking a bounded set of candidates and ranking those here.
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT id, search_text, sort_name FROM customers_customer
            WHERE search_vector @@ ({tsquery_sql}) AND deleted_at IS NULL
            LIMIT %s
            """,
            [*params, CANDIDATES],
        )
        return _rank_candidates(terms, cursor.fetchall(), limit)


def _rank_candidates(terms: list[str], rows: list[tuple[int, str, str]], limit: int) -> list[int]:
    """Whole-word matches before prefix matches, then alphabetical."""

    def key(row: tuple[int, str, str]) -> tuple[int, int, str, int]:
        candidate_words = row[1].split()
        exact = sum(term in candidate_words for term in terms)
        starts = sum(any(word.startswith(term) for word in candidate_words) for term in terms)
        return (-exact, -starts, row[2], row[0])

    return [row[0] for row in sorted(rows, key=key)[:limit]]


def _postgres_fuzzy(terms: list[str], limit: int) -> list[int]:
    """Like the SQLite path: similar words from the word list (pg_trgm on a table of distinct words,
    small and fast), then customers having a close word for every term."""
    with connection.cursor() as cursor:
        alternatives = []
        for term in terms:
            if len(term) < 3:
                alternatives.append([term])
                continue
            cursor.execute(
                "SELECT word FROM customer_search_word WHERE word %% %s ORDER BY similarity(word, %s) DESC, word LIMIT 8",
                [term, term],
            )
            alternatives.append(_close_enough(term, [row[0] for row in cursor.fetchall()]))
        if not all(alternatives):
            return []
        tsquery = " & ".join(
            "(" + " | ".join(_TSQUERY_UNSAFE.sub("", word) for word in words) + ")" for words in alternatives
        )
        cursor.execute(
            """
            SELECT id, search_text FROM customers_customer
            WHERE search_vector @@ to_tsquery('simple', %s) AND deleted_at IS NULL LIMIT %s
            """,
            [tsquery, CANDIDATES],
        )
        return _closest(terms, alternatives, cursor.fetchall(), limit)


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _sqlite_words(terms: list[str], limit: int) -> list[int]:
    match = " ".join(f"{_fts_phrase(term)}*" for term in terms)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.id, c.search_text, c.sort_name FROM customer_fts f JOIN customers_customer c ON c.id = f.rowid
            WHERE customer_fts MATCH %s AND c.deleted_at IS NULL
            LIMIT %s
            """,
            [match, CANDIDATES],
        )
        return _rank_candidates(terms, cursor.fetchall(), limit)


def _sqlite_close_words(cursor: Any, term: str) -> list[str]:
    """Words in the search index that look like ``term``: same first letter, similar length and
    spelling. The FTS5 vocabulary table answers the range lookup from the index itself."""
    if len(term) < 3:
        return [term]
    cursor.execute(
        "SELECT term FROM customer_fts_vocab WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s",
        [term[0], chr(ord(term[0]) + 1), len(term) - 2, len(term) + 2],
    )
    return _close_enough(term, [row[0] for row in cursor.fetchall()])


def _sqlite_fuzzy(terms: list[str], limit: int) -> list[int]:
    """Customers whose words are close to every term of the query, closest first."""
    with connection.cursor() as cursor:
        alternatives = [_sqlite_close_words(cursor, term) for term in terms]
        if not all(alternatives):
            return []
        match = " AND ".join(
            "(" + " OR ".join(_fts_phrase(word) for word in words) + ")" for words in alternatives
        )
        cursor.execute(
            """
            SELECT c.id, c.search_text FROM customer_fts f JOIN customers_customer c ON c.id = f.rowid
            WHERE customer_fts MATCH %s AND c.deleted_at IS NULL LIMIT %s
            """,
            [match, CANDIDATES],
        )
        rows = cursor.fetchall()
    return _closest(terms, alternatives, rows, limit)


def _close_enough(term: str, words: list[str]) -> list[str]:
    """The words that may stand for ``term``: up to five known spellings close to it (itself first
    when it is a known word; another customer's typo may be one too)."""
    return difflib.get_close_matches(term, words, n=5, cutoff=FUZZY_MIN_RATIO)


def _closest(
    terms: list[str], alternatives: list[list[str]], rows: list[tuple[int, str]], limit: int
) -> list[int]:
    """Candidates ordered by how close their words come to the query's terms, then by name."""
    closeness = [
        {word: difflib.SequenceMatcher(None, term, word).ratio() for word in words}
        for term, words in zip(terms, alternatives, strict=True)
    ]
    scored = []
    for customer_id, search_text in rows:
        candidate_words = search_text.split()
        score = sum(
            max((close.get(word, 0.0) for word in candidate_words), default=0.0) for close in closeness
        )
        scored.append((-score / len(terms), search_text, customer_id))
    scored.sort()
    return [customer_id for _score, _text, customer_id in scored[:limit]]
