from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.crm import service
from clara.web.errors import ApiError


async def test_a_customer_with_several_matching_sites_is_still_one_answer(app: Starlette) -> None:
    stores = app.state.stores
    matches = await service.locate(stores, location="kaiser")
    assert len(matches) == 2 and {m.customer_name for m in matches} == {"Kaiser Permanente"}
    located = await service.customer_by_location(stores, location="kaiser")
    assert located.customer.name == "Kaiser Permanente"
    assert located.match.site_id in {site.id for site in located.customer.sites}


async def test_ambiguity_names_the_candidates(app: Starlette) -> None:
    with pytest.raises(ApiError) as caught:
        await service.customer_by_location(app.state.stores, location="San Francisco")
    assert caught.value.status == 404 and caught.value.code == "ambiguous_location"
    assert "Kaiser Permanente" in caught.value.message


async def test_place_matching_can_use_the_trigram_indexes(app: Starlette) -> None:
    """The query's expressions must be the indexed ones, or a large customer base means sequential scans."""
    async with app.state.stores.db.connection() as conn:
        async with conn.transaction():
            await conn.execute("SET LOCAL enable_seqscan = off")
            for table, expression in (
                ("sites", "crm_place_key(name || ' ' || address || ' ' || city)"),
                ("customers", "crm_place_key(name)"),
            ):
                cur = await conn.execute(f"EXPLAIN SELECT id FROM {table} WHERE 'wework' <<% {expression}")
                plan = " ".join(row["QUERY PLAN"] for row in await cur.fetchall())
                assert f"{table}_place_key_trgm" in plan, plan


async def test_place_key_normalises_both_sides_alike(app: Starlette) -> None:
    cases = [("456 Industrial Pkwy.", "456 industrial parkway"), ("Levi's Stadium", "levis stadium"),
             ("ABC Mfg & Co", "abc manufacturing and company"), ("2425 Geary Blvd, SF", "2425 geary boulevard sf"),
             ("W San Carlos St", "west san carlos street"), ("!!!", "")]
    async with app.state.stores.db.connection() as conn:
        for raw, key in cases:
            cur = await conn.execute("SELECT crm_place_key(%s) AS key", (raw,))
            assert (await cur.fetchone())["key"] == key, raw  # type: ignore[index]
