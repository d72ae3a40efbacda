"""`GET /console` and `/console/static/...`: the console's page and assets, shipped in this package.

The page loads only its own script and styles, so its Content-Security-Policy is stricter than the HTML default in
`clara.security` (no inline script at all); the JSON API keeps its own `default-src 'none'`. The token lives in the
page's memory and sessionStorage; nothing here reads or sets cookies.

`GET /console/api/jobs` is the one endpoint of the console's own: every technician's day in one call for the office.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from clara.console import service
from clara.http import current_user, get_date, get_int
from clara.openapi import register_schemas

STATIC = Path(__file__).resolve().parent / "static"
CONSOLE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


async def console(request: Request) -> Response:
    """
    summary: The web console (sign in, chat with live tool calls, jobs, documents, usage charts)
    tags: [console]
    responses:
      200: {description: The console page, content: {text/html: {schema: {type: string}}}}
    """
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": CONSOLE_CSP, "Cache-Control": "no-cache"})


register_schemas({
    "ConsoleDays": {
        "type": "object",
        "required": ["days"],
        "properties": {"days": {"type": "array", "items": {"$ref": "#/components/schemas/DailyBrief"}}},
    },
})


async def days(request: Request) -> JSONResponse:
    """
    summary: Today's jobs in driving order with travel times, per technician (the console's jobs pane)
    description: A technician gets their own day; dispatchers and admins get every active technician's, or one's
      with `user_id`. Each day is that technician's daily brief (remaining jobs, each with the leg from the stop
      before, starting from the technician's home).
    tags: [console]
    parameters:
      - name: date
        in: query
        schema: {type: string, format: date}
        description: Defaults to today in the company time zone
      - {name: user_id, in: query, schema: {type: integer, minimum: 1}, description: "Whose day (technicians: own)"}
    responses:
      200: {description: The days, content: {application/json: {schema: {$ref: '#/components/schemas/ConsoleDays'}}}}
      400: {$ref: '#/components/responses/BadRequest'}
      401: {$ref: '#/components/responses/Unauthorized'}
      403: {$ref: '#/components/responses/Forbidden'}
      404: {$ref: '#/components/responses/NotFound'}
    """
    actor = current_user(request)
    params = request.query_params
    found = await service.days(request.app.state.stores, actor=actor, on=get_date(params, "date"),
                               user_id=get_int(params, "user_id", minimum=1, maximum=2**62))
    return JSONResponse({"days": [day.as_json() for day in found]})


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
