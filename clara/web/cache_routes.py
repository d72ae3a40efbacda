"""`GET /clara-server/cache/stats`: how well this process's cache is doing, per layer."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.web.http import current_user
from clara.web.openapi import register_schemas

_LAYER = {
    "type": "object",
    "required": ["hits", "misses", "size"],
    "properties": {
        "hits": {"type": "integer", "minimum": 0},
        "misses": {"type": "integer", "minimum": 0},
        "size": {"type": ["integer", "null"], "minimum": 0, "description": "Entries held; null when unknown"},
    },
}

register_schemas(
    {
        "CacheStats": {
            "type": "object",
            "required": ["layers", "requests", "loads", "hit_rate"],
            "properties": {
                "layers": {
                    "type": "object",
                    "required": ["l1", "l2"],
                    "properties": {
                        "l1": {**_LAYER, "properties": {**_LAYER["properties"], "max_size": {"type": "integer"}}},
                        "l2": {
                            **_LAYER,
                            "required": [*_LAYER["required"], "state"],
                            "properties": {**_LAYER["properties"], "state": {"enum": ["ok", "down", "disabled"]}},
                        },
                    },
                },
                "requests": {"type": "integer", "minimum": 0, "description": "Look-ups since start"},
                "loads": {"type": "integer", "minimum": 0, "description": "Look-ups no layer could answer"},
                "hit_rate": {"type": "number", "minimum": 0, "maximum": 1},
            },
        }
    }
)


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
