"""`GET /clara-server/analytics/usage`: LLM tokens, audio seconds and cost per day, user or model."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.analytics import usage
from clara.analytics.routes import SummaryQuery
from clara.web.http import accepts, current_user, respond


class UsageQuery(SummaryQuery):
    group_by: usage.GroupBy = "day"


@accepts(query=UsageQuery, answers=usage.UsageReport, errors={
    403: "A technician asking for another user's usage", 404: "No user with that user_id"})
async def get_usage(request: Request, query: UsageQuery) -> Response:
    """
    summary: LLM usage and cost (tokens, audio seconds, USD) per day, user or model
    description: Counted from what each model reported per request (the offline LLM reports no tokens). Staff
      (dispatcher, admin) see everyone's usage or one user's with `user_id`; a technician sees only their own.
      The window defaults to the 30 days before `until` (default now). Cost uses the configured price table
      (`LLM_PRICES`, as of `prices_as_of`).
    tags: [analytics]
    responses:
      200: Usage
    """
    found = await usage.report(
        request.app.state.stores, actor=current_user(request), since=query.since, until=query.until,
        user_id=query.user_id, group_by=query.group_by,
    )
    return respond(found)


routes = [Route("/clara-server/analytics/usage", get_usage, methods=["GET"])]
