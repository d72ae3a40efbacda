"""`GET /clara-server/cache/stats`: how well this process's cache is doing, per layer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.platform.cache_stats import CacheStats
from clara.web.http import accepts, current_user


@accepts(answers=CacheStats)
async def cache_stats(request: Request) -> JSONResponse:
    """
    summary: Cache hits, misses and size per layer (in-process L1, Redis L2) and the overall hit rate
    tags: [ops]
    responses:
      200: Cache statistics of this process
    """
    current_user(request)
    return JSONResponse(await request.app.state.stores.cache.stats())


routes = [Route("/clara-server/cache/stats", cache_stats, methods=["GET"])]
