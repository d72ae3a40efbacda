"""`GET /clara-server/analytics/usage`: LLM tokens, audio seconds and cost per day, user or model."""

from __future__ import annotations

from typing import Literal

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from clara.analytics import usage
from clara.analytics.routes import SummaryQuery
from clara.web.http import accepts, current_user
from clara.web.openapi import register_schemas

_TOTALS = {
    "type": "object",
    "required": ["turns", "requests", "input_tokens", "output_tokens", "audio_seconds", "cost_usd"],
    "properties": {"turns": {"type": "integer"}, "requests": {"type": "integer"},
                   "input_tokens": {"type": "integer"}, "output_tokens": {"type": "integer"},
                   "audio_seconds": {"type": "number"}, "cost_usd": {"type": "number"}},
}
_KEY = {
    "type": "object",
    "required": ["key"],
    "properties": {"key": {"type": "string", "description": "UTC day (YYYY-MM-DD), user id or model"},
                   "label": {"type": ["string", "null"], "description": "the user's name (group_by=user)"}},
}
register_schemas({
    "UsageReport": {
        "type": "object",
        "required": ["since", "until", "user_id", "group_by", "rows", "totals", "prices_as_of"],
        "properties": {
            "since": {"type": "string", "format": "date-time"},
            "until": {"type": "string", "format": "date-time"},
            "user_id": {"type": ["integer", "null"]},
            "group_by": {"enum": list(usage.GROUPS)},
            "rows": {"type": "array", "items": {"allOf": [_TOTALS, _KEY]}},
            "totals": _TOTALS,
            "prices_as_of": {"type": "string", "format": "date"},
        },
    },
})


class UsageQuery(SummaryQuery):
    group_by: Literal[usage.GROUPS] = "day"  # type: ignore[valid-type]


@accepts(query=UsageQuery)
async def get_usage(request: Request, query: UsageQuery) -> JSONResponse:
    """
    summary: LLM usage and cost (tokens, audio seconds, USD) per day, user or model
    description: Counted from what each model reported per request (the offline LLM reports no tokens). Staff
      (dispatcher, admin) see everyone's usage or one user's with `user_id`; a technician sees only their own.
      The window defaults to the 30 days before `until` (default now). Cost uses the configured price table
      (`LLM_PRICES`, as of `prices_as_of`).
    tags: [analytics]
    responses:
      200: {description: Usage, content: {application/json: {schema: {$ref: '#/components/schemas/UsageReport'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
      503: {$ref: '#/components/responses/Unavailable'}
    """
    found = await usage.report(
        request.app.state.stores, actor=current_user(request), since=query.since, until=query.until,
        user_id=query.user_id, group_by=query.group_by,
    )
    return JSONResponse({
        "since": found.since.isoformat(), "until": found.until.isoformat(), "user_id": found.user_id,
        "group_by": found.group_by, "rows": found.rows, "totals": found.totals,
        "prices_as_of": request.app.state.settings.llm_prices_as_of,
    })


routes = [Route("/clara-server/analytics/usage", get_usage, methods=["GET"])]
