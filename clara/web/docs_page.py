"""`/docs`: Swagger UI over `/openapi.json`, served from files in this package so it works offline.

The page and its assets live in `clara/web/docs/` (Swagger UI vendored under `assets/swagger-ui/`, see its
README). The page gets a Content-Security-Policy of its own that allows only Clara's own scripts and styles (no
inline script, no other origin); the API's stricter policy (`clara.web.security`) is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

from clara.web.http import accepts

WEB = Path(__file__).resolve().parent / "docs"

# Swagger UI's stylesheet draws a few icons as `data:` images; everything else comes from Clara itself.
DOCS_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


class _Assets(StaticFiles):
    """Static files that browsers may keep for an hour (the security middleware's default is `no-store`)."""

    def file_response(self, full_path: PathLike, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response


@accepts(public=True)
async def docs(_: Request) -> Response:
    return FileResponse(WEB / "index.html", media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": DOCS_CSP})


routes = [
    Route("/docs", docs, include_in_schema=False),
    Mount("/docs/assets", _Assets(directory=WEB / "assets"), name="docs_assets"),
]
