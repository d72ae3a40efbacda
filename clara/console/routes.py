"""`GET /console` and `/console/static/...`: the console's page and assets, shipped in this package.

The page loads only its own script and styles, so its Content-Security-Policy is stricter than the HTML default in
`clara.web.security` (no inline script at all); the JSON API keeps its own `default-src 'none'`. The token lives in the
page's memory and sessionStorage; nothing here reads or sets cookies.

`GET /console/api/jobs` is the one endpoint of the console's own: every technician's day in one call for the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from pydantic import Field

from clara.console import service
from clara.web.http import Day, Id, Input, Media, accepts, current_user, respond
from clara.jobs.models import DailyBrief

STATIC = Path(__file__).resolve().parent / "static"
CONSOLE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@accepts(public=True, answers=Media("text/html", "The console page"))
async def console(request: Request) -> Response:
    """
    summary: The web console (sign in, chat with live tool calls, jobs, documents, usage charts)
    tags: [console]
    """
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": CONSOLE_CSP, "Cache-Control": "no-cache"})


class DaysQuery(Input):
    date: Day | None = Field(None, description="Defaults to today in the company time zone")
    user_id: Id | None = Field(None, description="Whose day (technicians: their own)")


@dataclass(frozen=True)
class ConsoleDays:
    days: list[DailyBrief]


@accepts(query=DaysQuery, answers=ConsoleDays, errors={
    403: "A technician asking for another user's day", 404: "No technician with that user_id"})
async def days(request: Request, query: DaysQuery) -> Response:
    """
    summary: Today's jobs in driving order with travel times, per technician (the console's jobs pane)
    description: A technician gets their own day; dispatchers and admins get every active technician's, or one's
      with `user_id`. Each day is that technician's daily brief (remaining jobs, each with the leg from the stop
      before, starting from the technician's home).
    tags: [console]
    """
    found = await service.days(request.app.state.stores, actor=current_user(request), on=query.date,
                               user_id=query.user_id)
    return respond(ConsoleDays(found))


class _Assets(StaticFiles):
    """Static assets, revalidated by ETag instead of the API's `no-store` (they hold no one's data)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def cacheable(message: dict) -> None:  # type: ignore[type-arg]
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"cache-control", b"no-cache")]
            await send(message)

        await super().__call__(scope, receive, cacheable)


routes = [
    Route("/console", console, methods=["GET"]),
    Route("/console/api/jobs", days, methods=["GET"]),
    # Gzipped on the wire: the chart library is 51 KB as shipped, 22 KB gzipped (a phone on a weak signal).
    Mount("/console/static", app=GZipMiddleware(_Assets(directory=STATIC), minimum_size=1024), name="console-static"),
]
