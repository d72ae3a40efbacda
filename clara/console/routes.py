"""`GET /console` and `/console/static/...`: the console's page and assets, shipped in this package.

The page loads only its own script and styles, so its Content-Security-Policy is stricter than the HTML default in
`clara.security` (no inline script at all); the JSON API keeps its own `default-src 'none'`. The token lives in the
page's memory and sessionStorage; nothing here reads or sets cookies.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

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
    Mount("/console/static", app=_Assets(directory=STATIC), name="console-static"),
]
