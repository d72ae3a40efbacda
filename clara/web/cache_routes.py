"""`GET /clara-server/cache/stats`: how well this process's cache is doing, per layer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.platform.cache import CacheStats
from clara.web.http import current_user
from clara.web.openapi import register_types

register_types(CacheStats)


async def cache_stats(request: Request) -> JSONResponse:
    """
    summary: Cache hits, misses and size per layer (in-process L1, Redis L2) and the overall hit rate
    tags: [ops]
    responses:
      200: {description: Cache statistics of this process, content: {application/json: {schema: {$ref: '#/components/schemas/CacheStats'}}}}
      429: {$ref: '#/components/responses/RateLimited'}
    """
    current_user(request)
    return JSONResponse(await request.app.state.stores.cache.stats())


routes = [Route("/clara-server/cache/stats", cache_stats, methods=["GET"])]
