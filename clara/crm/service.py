"""Customers, their sites and contacts, and finding a customer from a place a technician names.

CRM reads are company-wide: any signed-in user may look a customer up (a technician on site needs the facts
whoever is assigned). Place matching happens in PostgreSQL: `crm_place_key` (migration 0005) normalises case,
punctuation and abbreviations on both sides, and pg_trgm's strict word similarity, backed by trigram indexes,
tolerates typos and partial names ("abc mfg", "salesfroce tower", "123 Main St.").
"""

from __future__ import annotations

from collections import defaultdict
from datetime import tzinfo
from typing import Any, Iterable, Sequence

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from clara.crm.models import (
    Contact, Customer, CustomerPage, JobSummary, LocatedCustomer, Opportunity, Site, SiteMatch,
)
from clara.platform.cache_values import revive
from clara.web.errors import ApiError, not_found, validation_error
from clara.stores import Stores
from clara.stores.postgres import transaction

MATCH_THRESHOLD = 0.5  # strict word similarity below this is a guess, not a match
MAX_SEARCH_LENGTH = 200
MAX_PAGE = 100
MAX_OFFSET = 1_000_000
JOBS_PER_CUSTOMER = 5

_SITE_KEY = "crm_place_key(s.name || ' ' || s.address || ' ' || s.city)"  # the expression sites_place_key_trgm indexes

_LOCATE = f"""
WITH q AS (SELECT crm_place_key(%(location)s) AS key),
candidates AS (
    SELECT s.id FROM sites s, q WHERE q.key <<%% {_SITE_KEY}
    UNION
    SELECT s.id FROM customers c JOIN sites s ON s.customer_id = c.id, q WHERE q.key <<%% crm_place_key(c.name)
),
scored AS (
    SELECT s.id, s.name, s.latitude, s.longitude, c.id AS customer_id, c.name AS customer_name,
           greatest(strict_word_similarity(q.key, {_SITE_KEY}), strict_word_similarity(q.key, crm_place_key(c.name)))
               AS score,
           similarity(q.key, crm_place_key(s.name)) AS name_similarity
    FROM candidates JOIN sites s USING (id) JOIN customers c ON c.id = s.customer_id, q
    -- A house number in the question must be in the answer: "456 Main St" is not "123 Main St".
    WHERE string_to_array(crm_place_key(c.name || ' ' || s.name || ' ' || s.address || ' ' || s.city), ' ')
          @> ARRAY(SELECT m[1] FROM regexp_matches(q.key, '\\m(\\d+)\\M', 'g') AS m)
)
SELECT id, name, latitude, longitude, customer_id, customer_name, score
FROM (SELECT *, rank() OVER (ORDER BY score DESC) AS place FROM scored) ranked
WHERE place = 1
ORDER BY name_similarity DESC, id
"""

_SEARCH = f"""
WITH q AS (SELECT crm_place_key(%(q)s) AS key),
matching AS (
    SELECT c.id, c.name FROM customers c, q
    WHERE q.key IS NULL
       OR crm_place_key(c.name) LIKE '%%' || q.key || '%%'
       OR EXISTS (SELECT 1 FROM sites s WHERE s.customer_id = c.id AND {_SITE_KEY} LIKE '%%' || q.key || '%%')
)
SELECT (SELECT count(*) FROM matching) AS total,
       ARRAY(SELECT id FROM matching ORDER BY name, id LIMIT %(limit)s OFFSET %(offset)s) AS ids
"""


def _search_text(field: str, value: str) -> str:
    """A place or search term that PostgreSQL can take and that has something to match on."""
    text = value.strip()
    if len(text) > MAX_SEARCH_LENGTH:
        raise validation_error(field, f"{field} must be at most {MAX_SEARCH_LENGTH} characters")
    if "\x00" in text:
        raise validation_error(field, f"{field} must not contain NUL characters")
    if not any(ch.isalnum() for ch in text):
        raise validation_error(field, f"{field} must contain letters or digits")
    return text


async def _set_threshold(conn: AsyncConnection[DictRow]) -> None:
    # `<<%` reads its cut-off from this setting; local to the transaction so pooled connections stay untouched.
    await conn.execute(
        "SELECT set_config('pg_trgm.strict_word_similarity_threshold', %s, true)", (str(MATCH_THRESHOLD),)
    )


async def list_customers(stores: Stores, *, q: str | None = None, limit: int = 20, offset: int = 0) -> CustomerPage:
    """Customers by name; with `q`, those whose name, a site's name or a street address contains it (normalised
    like place matching, so "main st" finds "123 Main Street")."""
    if not 1 <= limit <= MAX_PAGE:
        raise validation_error("limit", f"limit must be between 1 and {MAX_PAGE}")
    if not 0 <= offset <= MAX_OFFSET:
        raise validation_error("offset", f"offset must be between 0 and {MAX_OFFSET}")
    term = None if q is None else _search_text("q", q)
    async with stores.db.connection() as conn:
        cur = await conn.execute(_SEARCH, {"q": term, "limit": limit, "offset": offset})
        row = await cur.fetchone()
        assert row is not None
        customers = await _load_customers(conn, row["ids"], stores.settings.company_tz)
    return CustomerPage(customers, row["total"])


async def get_customer(stores: Stores, *, customer_id: int) -> Customer:
    async with stores.db.connection() as conn:
        customers = await _load_customers(conn, [customer_id], stores.settings.company_tz)
    if not customers:
        raise not_found("customer", "customer_id")
    return customers[0]


async def locate(stores: Stores, *, location: str, field: str = "location") -> list[SiteMatch]:
    """The sites sharing the best match score for `location`, best named first; empty when none matches well.

    More than one means the place is ambiguous ("Oakland"); callers decide whether that matters to them.
    """
    text = _search_text(field, location)
    async with transaction(stores.db) as conn:
        await _set_threshold(conn)
        cur = await conn.execute(_LOCATE, {"location": text})
        rows = await cur.fetchall()
    return _matches(rows)


def _matches(rows: list[DictRow]) -> list[SiteMatch]:
    return [
        SiteMatch(row["id"], row["name"], row["customer_id"], row["customer_name"], row["latitude"], row["longitude"],
                  round(float(row["score"]), 3))
        for row in rows
    ]


_SITE_MATCH = """
SELECT s.id, s.name, s.latitude, s.longitude, c.id AS customer_id, c.name AS customer_name, 1.0 AS score
FROM sites s JOIN customers c ON c.id = s.customer_id
"""
# Squared equirectangular distance in degrees of latitude: ranks nearby sites exactly enough, and plain SQL.
_NEAREST = _SITE_MATCH + """
ORDER BY power(s.latitude - %(lat)s, 2) + power((s.longitude - %(lng)s) * cos(radians(%(lat)s)), 2), s.id
LIMIT 1
"""


_OF_KIND = _SITE_MATCH + """
WHERE s.name ~* ('\\m' || %(noun)s) OR c.name ~* ('\\m' || %(noun)s)
   OR (c.segment = ANY(%(segments)s) AND NOT EXISTS (
       SELECT 1 FROM sites s2 JOIN customers c2 ON c2.id = s2.customer_id
       WHERE s2.name ~* ('\\m' || %(noun)s) OR c2.name ~* ('\\m' || %(noun)s)))
ORDER BY s.name, s.id
"""


async def sites_of_kind(stores: Stores, *, noun: str, segments: Sequence[str]) -> list[SiteMatch]:
    """The sites a kind of place can mean ("the school", "the market"): those whose name, or their customer's, has a
    word that starts with `noun` ("Skyline High School", "Ferry Building Marketplace"); when no name does, every site
    of a customer in one of `segments` ("the factory": the industrial customers' sites)."""
    async with stores.db.connection() as conn:
        cur = await conn.execute(_OF_KIND, {"noun": noun, "segments": list(segments)})
        rows = await cur.fetchall()
    return _matches(rows)


async def site_match(stores: Stores, *, site_id: int) -> SiteMatch:
    """A site by id, as a match (the technician's job names it exactly). Cached: sites change with a data load."""

    async def load() -> SiteMatch:
        async with stores.db.connection() as conn:
            cur = await conn.execute(_SITE_MATCH + "WHERE s.id = %s", (site_id,))
            rows = await cur.fetchall()
        if not rows:
            raise not_found("site", "site_id")
        return _matches(rows)[0]

    return revive(SiteMatch, await stores.cache.get_or_load("crm", f"site:{site_id}", load))


async def nearest_site(stores: Stores, *, point: tuple[float, float]) -> SiteMatch | None:
    """The customer site nearest `point` (None only when there are no sites): callers judge whether it is near.

    Cached by the point rounded to about 10 m, so a technician standing still costs one query.
    """

    async def load() -> SiteMatch | None:
        async with stores.db.connection() as conn:
            cur = await conn.execute(_NEAREST, {"lat": point[0], "lng": point[1]})
            rows = await cur.fetchall()
        return _matches(rows)[0] if rows else None

    found = await stores.cache.get_or_load("crm", f"nearest:{point[0]:.4f},{point[1]:.4f}", load)
    return None if found is None else revive(SiteMatch, found)


async def customer_at_site(stores: Stores, *, site_id: int) -> LocatedCustomer:
    """The customer a known site belongs to, with the site as the match. Cached like the rest of the CRM's reads
    (its recent and upcoming jobs may then be a few minutes old; the CRM routes read them fresh)."""

    async def load() -> LocatedCustomer:
        match = await site_match(stores, site_id=site_id)
        return LocatedCustomer(await get_customer(stores, customer_id=match.customer_id), match)

    return revive(LocatedCustomer, await stores.cache.get_or_load("crm", f"customer-at:{site_id}", load))


async def customer_by_location(stores: Stores, *, location: str) -> LocatedCustomer:
    """The customer at a named place: a customer name, a site name or a street address."""
    matches = await locate(stores, location=location)
    if not matches:
        raise ApiError(404, "not_found", f"no customer or site matches {location.strip()!r}", "location")
    customers = list(dict.fromkeys(match.customer_name for match in matches))
    if len(customers) > 1:
        raise ApiError(
            404, "ambiguous_location",
            f"{location.strip()!r} matches several customers ({', '.join(customers)}); name the site or street",
            "location",
        )
    best = matches[0]
    return LocatedCustomer(await get_customer(stores, customer_id=best.customer_id), best)


async def _load_customers(conn: AsyncConnection[DictRow], ids: list[int], tz: tzinfo) -> list[Customer]:
    """Whole customers for `ids`, in that order: one query per related table, whatever the page size."""
    if not ids:
        return []
    cur = await conn.execute(
        "SELECT id, name, segment, lifetime_value, notes, special_requirements FROM customers WHERE id = ANY(%s)",
        (ids,),
    )
    rows = {row["id"]: row for row in await cur.fetchall()}
    sites = await _grouped(conn, ids, "SELECT customer_id, id, name, address, city, state, postal_code, latitude,"
                           " longitude, access_notes FROM sites WHERE customer_id = ANY(%s) ORDER BY id", Site)
    contacts = await _grouped(conn, ids, "SELECT customer_id, id, name, title, phone, email, is_primary, site_id"
                              " FROM contacts WHERE customer_id = ANY(%s) ORDER BY is_primary DESC, id", Contact)
    cur = await conn.execute(
        "SELECT customer_id, id, title, value, stage FROM opportunities WHERE customer_id = ANY(%s)"
        " ORDER BY created_at, id",
        (ids,),
    )
    opportunities: dict[int, list[Opportunity]] = defaultdict(list)
    for row in await cur.fetchall():
        opportunity = Opportunity(row["id"], row["title"], float(row["value"]), row["stage"])
        opportunities[row["customer_id"]].append(opportunity)
    recent, upcoming = await _jobs_around_now(conn, ids, tz)
    return [
        Customer(
            id=row["id"], name=row["name"], segment=row["segment"], lifetime_value=float(row["lifetime_value"]),
            notes=row["notes"], special_requirements=list(row["special_requirements"]),
            sites=sites[row["id"]], contacts=contacts[row["id"]], opportunities=opportunities[row["id"]],
            recent_jobs=recent[row["id"]], upcoming_jobs=upcoming[row["id"]],
        )
        for row in (rows[customer_id] for customer_id in ids if customer_id in rows)
    ]


async def _grouped(conn: AsyncConnection[DictRow], ids: list[int], query: str, cls: Any) -> dict[int, list[Any]]:
    cur = await conn.execute(query, (ids,))  # type: ignore[arg-type]  # constant SQL from this module
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in await cur.fetchall():
        customer_id = row.pop("customer_id")
        grouped[customer_id].append(cls(**row))
    return grouped


async def _jobs_around_now(
    conn: AsyncConnection[DictRow], ids: Iterable[int], tz: tzinfo
) -> tuple[dict[int, list[JobSummary]], dict[int, list[JobSummary]]]:
    """Each customer's last few jobs before now and next few after, nearest to now first."""
    cur = await conn.execute(
        """
        SELECT * FROM (
            SELECT s.customer_id, j.id, j.type, j.status, j.scheduled_start, j.site_id, s.name AS site_name,
                   j.technician_id, u.name AS technician_name, j.notes, j.scheduled_start < now() AS past,
                   row_number() OVER (PARTITION BY s.customer_id, j.scheduled_start < now()
                                      ORDER BY abs(extract(epoch FROM j.scheduled_start - now())), j.id) AS n
            FROM jobs j JOIN sites s ON s.id = j.site_id LEFT JOIN users u ON u.id = j.technician_id
            WHERE s.customer_id = ANY(%s)
        ) nearby
        WHERE n <= %s
        ORDER BY n
        """,
        (list(ids), JOBS_PER_CUSTOMER),
    )
    recent: dict[int, list[JobSummary]] = defaultdict(list)
    upcoming: dict[int, list[JobSummary]] = defaultdict(list)
    for row in await cur.fetchall():
        bucket = recent if row.pop("past") else upcoming
        customer_id = row.pop("customer_id")
        row.pop("n")
        bucket[customer_id].append(JobSummary(**{**row, "scheduled_start": row["scheduled_start"].astimezone(tz)}))
    return recent, upcoming
