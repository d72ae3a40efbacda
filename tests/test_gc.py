"""The serving process's cyclic garbage collector: what start-up built is frozen, and young objects are collected
every 20,000 allocations, so a turn's objects die young instead of filling the old generation (clara.app)."""

from __future__ import annotations

import gc

from starlette.applications import Starlette


async def test_a_started_app_freezes_its_start_up_and_collects_the_young_less_often(app: Starlette) -> None:
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (20_000, 20, 10)
