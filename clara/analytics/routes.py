"""Analytics and learning routes: events in (202 once durable), the summary out, next-action suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clara.analytics import service
from clara.analytics.events import AnalyticsEvent, AnalyticsEventBatch
from clara.web.errors import error_body, validation_error
from clara.web.http import EARLIEST_DATE, LATEST_DATE, Id, Input, Int, Refusal, accepts, current_user, respond

# A '+' in an unencoded query string arrives as a space: "09:00:00 01:00" meant "09:00:00+01:00".
_DECODED_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")


def _moment(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        moment = datetime.fromisoformat(_DECODED_PLUS.sub(r"\1+\2", value[:64]))
    except ValueError:
        raise PydanticCustomError("moment", "must be an ISO-8601 date or date-time") from None
    if not EARLIEST_DATE <= moment.date() <= LATEST_DATE:  # a window's default start (until - 7 days) overflowed
        raise PydanticCustomError("date_range", f"must be between {EARLIEST_DATE} and {LATEST_DATE}")
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


_YEARS = "^(19[7-9][0-9]|20[0-9][0-9]|2100)-"  # EARLIEST_DATE to LATEST_DATE, as http.Day says it
Moment = Annotated[datetime, BeforeValidator(_moment), WithJsonSchema(
    {"anyOf": [{"type": "string", "format": "date", "pattern": _YEARS},
               {"type": "string", "format": "date-time", "pattern": _YEARS}],
     "description": "ISO-8601 date or date-time (UTC if no offset), between 1970 and 2100"})]


class SummaryQuery(Input):
    since: Moment | None = Field(None, description="Inclusive; defaults to a window before until (see the route)")
    until: Moment | None = Field(None, description="Exclusive; default now")
    user_id: Id | None = Field(None, description="Staff only: one user's events")


class SuggestionsQuery(Input):
    session_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._:-]{1,128}$")] | None = None
    limit: Int(ge=1, le=10) = 3


@dataclass(frozen=True)
class EventAccepted:
    id: Annotated[str, Field(description="The event's id (a UUID; from `event_id` when given)")]


@dataclass(frozen=True)
class EventsAccepted:
    ids: Annotated[list[str], Field(description="The events' ids, in the order sent")]


# Both bodies are validated by the service (`service.accept`, one rule for every way in), event by event: the
# declarations document them, and the endpoints pass the JSON on as it came.
@accepts(body=AnalyticsEvent, validate_body=False, answers={202: EventAccepted}, errors={413: "Body too large"})
async def post_event(request: Request, body: dict[str, Any]) -> Response:
    """
    summary: Record one analytics event (202 once stored durably; `event_id` makes retries idempotent)
    tags: [analytics]
    responses:
      202: Accepted
    """
    actor = current_user(request)
    try:
        ids = await service.accept(request.app.state.stores, actor=actor, items=[body])
    except service.InvalidEvents as exc:
        problem = exc.problems[0]
        raise validation_error(problem.field or "body", problem.message) from None
    return respond(EventAccepted(id=ids[0]), 202)


# `details` lists per-event problems; a body that is not a batch at all has none.
@accepts(body=AnalyticsEventBatch, validate_body=False, answers={202: EventsAccepted}, errors={
    400: Refusal("Invalid batch or events", details=list[service.InvalidEvent]),
    413: "More than MAX_BATCH events, or the body too large"})
async def post_events(request: Request, body: dict[str, Any]) -> Response:
    """
    summary: Record a batch of analytics events (all or none; each invalid event is reported by index)
    tags: [analytics]
    responses:
      202: Accepted, ids in the order sent
    """
    actor = current_user(request)
    items = body.get("events")
    if not isinstance(items, list):
        raise validation_error("events", "events must be a list of events")
    try:
        ids = await service.accept(request.app.state.stores, actor=actor, items=items)
    except service.InvalidEvents as exc:
        first = exc.problems[0]
        message = f"{len(exc.problems)} of {len(items)} events are invalid; none was recorded"
        refusal = error_body("validation_error", message, f"events[{first.index}].{first.field or 'body'}")
        refusal["error"]["details"] = [{"index": p.index, "field": p.field, "message": p.message}
                                       for p in exc.problems]
        return JSONResponse(refusal, 400)
    return respond(EventsAccepted(ids=ids), 202)


@accepts(query=SummaryQuery, answers=service.AnalyticsSummary, errors={
    403: "A technician asking for another user's events"})
async def get_summary(request: Request, query: SummaryQuery) -> Response:
    """
    summary: Event counts per type and per-tool call count, success rate and p50/p95 latency
    description: Staff (dispatcher, admin) see everyone's events, or one technician's with `user_id`;
      a technician sees only their own. The window defaults to the 7 days before `until` (default now).
    tags: [analytics]
    """
    result = await service.summary(
        request.app.state.stores, actor=current_user(request), since=query.since, until=query.until,
        user_id=query.user_id,
    )
    return respond(result)


@accepts(query=SuggestionsQuery, answers=service.SessionSuggestions, errors={
    403: "Another user's session", 404: "No events for that session"})
async def get_suggestions(request: Request, query: SuggestionsQuery) -> Response:
    """
    summary: Next likely actions in a session, with confidence (learned from usage)
    description: Without `session_id`, what usually opens a session. Only suggestions at or above
      PATTERN_MIN_CONFIDENCE are listed; none when PATTERN_LEARNING_ENABLED is off.
    tags: [analytics]
    """
    found = await service.session_suggestions(request.app.state.stores, actor=current_user(request),
                                              session_id=query.session_id, limit=query.limit)
    return respond(found)


routes = [
    Route("/clara-server/analytics/event", post_event, methods=["POST"]),
    Route("/clara-server/analytics/events", post_events, methods=["POST"]),
    Route("/clara-server/analytics/summary", get_summary, methods=["GET"]),
    Route("/clara-server/patterns/suggestions", get_suggestions, methods=["GET"]),
]
