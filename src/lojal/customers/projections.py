"""Read models for the API's hot paths: plain dicts built with a fixed, small number of raw SQL
round trips (no ORM query compilation), the same on SQLite and PostgreSQL.

The customer read, search results and lists are served from here; the pages and everything else
use the ORM selectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection

from lojal.core.rawsql import aware, day, decoded
from lojal.timeline.rendering import event_summary

if TYPE_CHECKING:
    from lojal.customers.creation import Created
    from lojal.customers.models import Customer

_SUMMARY_COLUMNS = (
    "c.id, c.customer_number, c.kind, c.display_name, c.primary_email, c.primary_phone, c.city, c.country, "
    "c.lifecycle_stage, c.vip_tier, c.created_at, u.id, u.first_name, u.last_name, u.username"
)
_DETAIL_COLUMNS = (
    ", c.first_name, c.last_name, c.organisation_name, c.birth_date, c.industry, c.employee_count, "
    "c.founded_year, c.national_id_display, c.national_id_country, c.national_id_kind, c.preferred_language, "
    "c.updated_at, c.customer_since, c.attributes"
)
MAX_ID = 2**63
_FROM = "FROM customers_customer c LEFT JOIN accounts_user u ON u.id = c.account_manager_id"


def _staff(user_id: Any, first: Any, last: Any, username: Any) -> dict[str, Any] | None:
    if user_id is None:
        return None
    return {"id": user_id, "name": f"{first} {last}".strip() or username}


def _summary(row: Sequence[Any], tags: list[str]) -> dict[str, Any]:
    return {
        "id": row[0],
        "customer_number": row[1],
        "kind": row[2],
        "display_name": row[3],
        "primary_email": row[4],
        "primary_phone": row[5],
        "city": row[6],
        "country": row[7],
        "lifecycle_stage": row[8],
        "vip_tier": row[9],
        "created_at": aware(row[10]),
        "tags": tags,
        "account_manager": _staff(row[11], row[12], row[13], row[14]),
    }


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def customer_summaries(ids: Sequence[int]) -> list[dict[str, Any]]:
    """Summaries of the live customers among ``ids``, in the order of ``ids``: two queries."""
    ids = [pk for pk in ids if 0 < pk < MAX_ID]
    if not ids:
        return []
    marks = _placeholders(len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_SUMMARY_COLUMNS} {_FROM} WHERE c.id IN ({marks}) AND c.deleted_at IS NULL", list(ids)
        )
        rows = {row[0]: row for row in cursor.fetchall()}
        tags = _tags_of(cursor, list(rows))
    return [_summary(rows[pk], tags.get(pk, [])) for pk in ids if pk in rows]


def _tags_of(cursor: Any, ids: list[int]) -> dict[int, list[str]]:
    if not ids:
        return {}
    cursor.execute(
        "SELECT ct.customer_id, t.name FROM customers_customer_tags ct JOIN customers_tag t ON t.id = ct.tag_id "
        f"WHERE ct.customer_id IN ({_placeholders(len(ids))}) ORDER BY t.name",
        ids,
    )
    found: dict[int, list[str]] = {}
    for customer_id, name in cursor.fetchall():
        found.setdefault(customer_id, []).append(name)
    return found


# One query for every kind of child row: (source, id, is_primary, then up to seven text columns).
_CHILDREN = """
    SELECT 'email', id, is_primary, address, label, NULL, NULL, NULL, NULL, NULL, NULL
      FROM customers_emailaddress WHERE customer_id = %s
    UNION ALL
    SELECT 'phone', id, is_primary, number, label, NULL, NULL, NULL, NULL, NULL, NULL
      FROM customers_phonenumber WHERE customer_id = %s
    UNION ALL
    SELECT 'address', id, is_primary, street, postal_code, city, municipality, region, country, label, NULL
      FROM customers_address WHERE customer_id = %s
    UNION ALL
    SELECT 'contact', id, is_primary, first_name, last_name, role, email, phone,
           CAST(person_id AS TEXT), NULL, NULL
      FROM customers_contactperson WHERE organisation_id = %s
    UNION ALL
    SELECT 'tag', t.id, %s, t.name, NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM customers_customer_tags ct JOIN customers_tag t ON t.id = ct.tag_id WHERE ct.customer_id = %s
"""


def customer_detail(customer_id: int, *, timeline_limit: int = 50) -> dict[str, Any] | None:
    """The customer with contact points, contacts, tags and the newest timeline entries: three queries.

    ``national_id`` is the display form; the caller masks it for roles that may not see it. Returns
    None when there is no live customer with this id.
    """
    if not 0 < customer_id < MAX_ID:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_SUMMARY_COLUMNS}{_DETAIL_COLUMNS} {_FROM} WHERE c.id = %s AND c.deleted_at IS NULL",
            [customer_id],
        )
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(_CHILDREN, [customer_id] * 4 + [False, customer_id])
        children = sorted(cursor.fetchall(), key=lambda child: (not child[2], child[1]))
        events, has_more = _timeline(cursor, customer_id, timeline_limit)
    detail = _summary(row, sorted(child[3] for child in children if child[0] == "tag"))
    detail.update(
        {
            "first_name": row[15],
            "last_name": row[16],
            "organisation_name": row[17],
            "birth_date": day(row[18]),
            "industry": row[19],
            "employee_count": row[20],
            "founded_year": row[21],
            "national_id": row[22],
            "national_id_country": row[23],
            "national_id_kind": row[24],
            "preferred_language": row[25],
            "updated_at": aware(row[26]),
            "customer_since": day(row[27]),
            "attributes": decoded(row[28]) or {},
            "emails": [
                {"address": c[3], "label": c[4], "is_primary": bool(c[2])}
                for c in children
                if c[0] == "email"
            ],
            "phones": [
                {"number": c[3], "label": c[4], "is_primary": bool(c[2])} for c in children if c[0] == "phone"
            ],
            "addresses": [
                {
                    "street": c[3],
                    "postal_code": c[4],
                    "city": c[5],
                    "municipality": c[6],
                    "region": c[7],
                    "country": c[8],
                    "label": c[9],
                    "is_primary": bool(c[2]),
                }
                for c in children
                if c[0] == "address"
            ],
            "contact_persons": sorted(
                (
                    {
                        "id": c[1],
                        "first_name": c[3],
                        "last_name": c[4],
                        "role": c[5],
                        "email": c[6],
                        "phone": c[7],
                        "person_id": int(c[8]) if c[8] else None,
                        "is_primary": bool(c[2]),
                    }
                    for c in children
                    if c[0] == "contact"
                ),
                key=lambda contact: (
                    not contact["is_primary"],
                    contact["last_name"],
                    contact["first_name"],
                    contact["id"],
                ),
            ),
            "timeline": events,
            "timeline_has_more": has_more,
        }
    )
    return detail


def _timeline(cursor: Any, customer_id: int, limit: int) -> tuple[list[dict[str, Any]], bool]:
    if limit <= 0:
        return [], False
    cursor.execute(
        """
        SELECT e.id, e.occurred_at, e.kind, e.summary, e.body, e.data, u.id, u.first_name, u.last_name, u.username
        FROM timeline_event e LEFT JOIN accounts_user u ON u.id = e.actor_id
        WHERE e.customer_id = %s ORDER BY e.occurred_at DESC, e.id DESC LIMIT %s
        """,
        [customer_id, limit + 1],
    )
    rows = cursor.fetchall()
    events = []
    for row in rows[:limit]:
        data = decoded(row[5])
        events.append(
            {
                "id": row[0],
                "occurred_at": aware(row[1]),
                "kind": row[2],
                "summary": event_summary(kind=row[2], data=data or {}, summary=row[3]),
                "body": row[4],
                "data": data or {},
                "actor": _staff(row[6], row[7], row[8], row[9]),
            }
        )
    return events, len(rows) > limit


def summary_columns(customer: Customer) -> dict[str, Any]:
    """The columns of a customer's summary in the API (tags and account manager are added by the
    caller, from wherever it has them)."""
    return {
        "id": customer.pk,
        "customer_number": customer.customer_number,
        "kind": customer.kind,
        "display_name": customer.display_name,
        "primary_email": customer.primary_email,
        "primary_phone": customer.primary_phone,
        "city": customer.city,
        "country": customer.country,
        "lifecycle_stage": customer.lifecycle_stage,
        "vip_tier": customer.vip_tier,
        "created_at": customer.created_at,
    }


def created_customer_detail(created: Created, *, actor: Any) -> dict[str, Any] | None:
    """What :func:`customer_detail` would read for a customer created a moment ago, built from what
    was written instead of read back; None when the creation event's id is not known (the caller
    then reads the customer). At most one query: the account manager's name, when there is one.
    """
    if created.event_id is None:
        return None
    customer, cleaned = created.customer, created.cleaned
    manager = None
    if customer.account_manager_id is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, first_name, last_name, username FROM accounts_user WHERE id = %s",
                [customer.account_manager_id],
            )
            row = cursor.fetchone()
        manager = _staff(*row) if row is not None else None
    actor_id = getattr(actor, "pk", None)
    event = created.event
    return {
        **summary_columns(customer),
        "tags": sorted(created.tag_names),
        "account_manager": manager,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "organisation_name": customer.organisation_name,
        "birth_date": customer.birth_date,
        "industry": customer.industry,
        "employee_count": customer.employee_count,
        "founded_year": customer.founded_year,
        "national_id": customer.national_id_display,
        "national_id_country": customer.national_id_country,
        "national_id_kind": customer.national_id_kind,
        "preferred_language": customer.preferred_language,
        "updated_at": customer.updated_at,
        "customer_since": customer.customer_since,
        "attributes": customer.attributes or {},
        # Contact points were written in the order given, the primary one first: the order the
        # read gives them in.
        "emails": [
            {"address": e["address"], "label": e["label"], "is_primary": e["is_primary"]}
            for e in cleaned.get("emails", [])
        ],
        "phones": [
            {"number": p["number"], "label": p["label"], "is_primary": p["is_primary"]}
            for p in cleaned.get("phones", [])
        ],
        "addresses": [
            {
                "street": a["street"],
                "postal_code": a["postal_code"],
                "city": a["city"],
                "municipality": a["municipality"],
                "region": a["region"],
                "country": a["country"],
                "label": a["label"],
                "is_primary": a["is_primary"],
            }
            for a in cleaned.get("addresses", [])
        ],
        "contact_persons": [],
        "timeline": [
            {
                "id": created.event_id,
                "occurred_at": event.occurred_at,
                "kind": event.kind,
                "summary": event_summary(kind=event.kind, data=event.data, summary=event.summary),
                "body": event.body,
                "data": event.data,
                "actor": (
                    _staff(actor_id, actor.first_name, actor.last_name, actor.username)
                    if actor_id is not None
                    else None
                ),
            }
        ],
        "timeline_has_more": False,
    }
