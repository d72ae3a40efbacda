"""The app's router (clara.web.routing) remembers which route answers a method and path: every request must reach
the route Starlette's own scan would pick, the first time and every time after, whatever the method, the path
parameters or the kind of route; except that a literal path belongs to its own routes, as OpenAPI matches paths."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route, Router

from clara.web import routing
from clara.web.routing import IndexedRouter


def answer(name: str) -> Route:
    async def endpoint(request: Request) -> PlainTextResponse:
        return PlainTextResponse(f"{name} {dict(request.path_params)}")
    return endpoint  # type: ignore[return-value]


ROUTES = [  # a fresh list per app below: one test adds a route
    Route("/items/{item_id:int}", answer("get-item"), methods=["GET"]),
    Route("/items/{item_id:int}", answer("put-item"), methods=["PUT"]),
    Route("/items/special", answer("special"), methods=["POST"]),
    Route("/items/{name}", answer("by-name"), methods=["GET"]),
    Route("/slash/", answer("slash")),
    Mount("/static", app=Router([Route("/{file:path}", answer("static"))])),
]
REQUESTS = [("GET", "/items/7"), ("PUT", "/items/7"), ("DELETE", "/items/7"), ("GET", "/items/special"),
            ("POST", "/items/special"), ("GET", "/items/other"), ("POST", "/items/other"), ("GET", "/items/8"),
            ("GET", "/slash"), ("GET", "/static/css/app.css"), ("HEAD", "/items/9"), ("GET", "/nowhere")]


def app(router: type[Router]) -> Starlette:
    application = Starlette()
    application.router = router(list(ROUTES))
    return application


async def answers(application: Starlette) -> list[tuple[int, str, str | None]]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
        out = []
        for method, path in REQUESTS:
            response = await client.request(method, path, follow_redirects=False)
            out.append((response.status_code, response.text, response.headers.get("location")))
        return out


LITERAL_OWNS_ITS_PATH = REQUESTS.index(("GET", "/items/special"))  # the scan: "by-name"; here: POST only, a 405


async def scan_answers() -> list[tuple[int, str, str | None]]:
    """Starlette's own router's answers, but for the literal path's."""
    expected = await answers(app(Router))
    assert expected[LITERAL_OWNS_ITS_PATH][:2] == (200, "by-name {'name': 'special'}")
    expected[LITERAL_OWNS_ITS_PATH] = (405, "Method Not Allowed", None)
    return expected


async def test_every_request_reaches_the_route_starlettes_scan_picks_first_time_and_after() -> None:
    expected = await scan_answers()
    indexed = app(IndexedRouter)
    assert await answers(indexed) == expected  # first time: found by the scan, then remembered
    assert await answers(indexed) == expected  # after: from memory
    assert [status for status, _, _ in expected] == [200, 200, 405, 405, 200, 200, 405, 200, 307, 200, 200, 404]


async def test_what_it_remembers_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routing, "MAX_REMEMBERED", 3)
    indexed = app(IndexedRouter)
    assert await answers(indexed) == await scan_answers()
    assert 0 < len(indexed.router._full) <= 3  # type: ignore[attr-defined]


async def test_a_route_added_to_a_running_app_is_found() -> None:
    indexed = app(IndexedRouter)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=indexed), base_url="http://t") as client:
        assert (await client.get("/items/other")).text == "by-name {'name': 'other'}"  # remembered: the 4th route
        indexed.router.routes.insert(0, Route("/items/other", answer("added"), methods=["GET"]))
        assert (await client.get("/items/other")).text == "added {}"


async def test_a_requests_path_parameters_are_its_own() -> None:
    """The parameters remembered for a path are handed to each request as its own: a handler that changes them
    (Starlette gives it the scope's dict) does not change what the next request of that path gets."""
    async def meddling(request: Request) -> PlainTextResponse:
        seen = dict(request.path_params)
        request.path_params["item_id"] = 0
        return PlainTextResponse(str(seen))

    application = Starlette()
    application.router = IndexedRouter([Route("/items/{item_id:int}", meddling)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://t") as client:
        assert [(await client.get("/items/7")).text for _ in range(3)] == ["{'item_id': 7}"] * 3
