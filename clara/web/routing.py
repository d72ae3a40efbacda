"""The app's router: Starlette's, remembering which route answers a method and path.

Starlette tries the routes in order, a regular expression each, until one fully matches: the cached equipment spec
route is the 33rd of 45, and that scan was the largest single cost of a cached answer (about 15% of its CPU time in
bench/stack_cost.py, profiled with cProfile). This router keeps, per (method, path), the position of the first route
that fully matches, and hands the request to it directly; for a `Route` it keeps the path parameters too, converted
(matching the route's expression again was 2% of a cached answer). Which route fully matches depends only on the
method and the path for the route kinds it serves (`Route`, `WebSocketRoute`, `Mount`), so it can be remembered;
anything else (no route matches the path: slash redirects, 404s; WebSockets; other route kinds) takes Starlette's own
path.

One rule differs from the scan, OpenAPI's own ("concrete paths are matched before their templated counterparts"): a
path belongs to the templates matching it with the fewest path parameters (`owners`). `POST
/clara-server/equipment/identify` owns that path although `GET /clara-server/equipment/{model}` matches it too, so a
GET there is a 405 whose `Allow` names POST, not a spec lookup for a model called "identify".
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Match, Mount, Route, Router, WebSocketRoute, get_route_path
from starlette.types import Receive, Scope, Send

MAX_REMEMBERED = 4096  # distinct (method, path) pairs kept; ids in paths make many, so the memory is bounded
_PATH_ONLY = (Route, WebSocketRoute, Mount)  # route kinds whose match depends on nothing but method and path


class IndexedRouter(Router):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (method, path) -> the first fully matching route's position (or -1) and, for a `Route`, its path parameters
        self._full: dict[tuple[str, str], tuple[int, dict[str, Any] | None]] = {}
        self._indexed: tuple[list[BaseRoute] | None, int] = (None, 0)  # the route list `_full` was built for, its size
        self._path_only = False

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._indexable():
            await super().app(scope, receive, send)
            return
        key = (scope["method"], get_route_path(scope))
        found = self._full.get(key)
        if found is None:
            found = self._remember(key, scope)
        index, params = found
        if index < 0:
            await super().app(scope, receive, send)
            return
        route = self.routes[index]
        if params is None or "path_params" in scope:  # a mount above gave parameters of its own: matched afresh
            _, child_scope = route.matches(scope)  # this request's path parameters; a PARTIAL match's handle is the 405
        else:  # what `Route.matches` gives, whether FULL or PARTIAL
            child_scope = {"endpoint": route.endpoint, "path_params": dict(params)}  # type: ignore[attr-defined]
        scope.setdefault("router", self)
        scope["route"] = route
        scope.update(child_scope)
        await route.handle(scope, receive, send)

    def _remember(self, key: tuple[str, str], scope: Scope) -> tuple[int, dict[str, Any] | None]:
        index = _serving(self.routes, scope)
        route = self.routes[index] if index >= 0 else None
        params = route.matches(scope)[1]["path_params"] if type(route) is Route and "path_params" not in scope else None
        if len(self._full) >= MAX_REMEMBERED:
            self._full.clear()
        self._full[key] = (index, params)
        return index, params

    def _indexable(self) -> bool:
        """Whether every route matches on method and path alone; what is remembered is forgotten when routes are
        added or the list replaced (Starlette lets code add routes to a running app)."""
        routes, size = self._indexed
        if routes is not self.routes or size != len(self.routes):
            self._full.clear()
            self._indexed = (self.routes, len(self.routes))
            self._path_only = all(type(route) in _PATH_ONLY for route in self.routes)
        return self._path_only


def owners(routes: list[BaseRoute], scope: Scope) -> list[tuple[int, BaseRoute, Match]]:
    """The routes this path belongs to, with their positions and how they match the method: of every route whose
    path matches, those with the fewest path parameters (a literal segment beats a template)."""
    matched = [(i, route, match) for i, route in enumerate(routes)
               if (match := route.matches(scope)[0]) is not Match.NONE]
    fewest = min((_parameters(route) for _, route, _ in matched), default=0)
    return [(i, route, match) for i, route, match in matched if _parameters(route) == fewest]


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """What the `Allow` header of a 405 names: every method the path's owners serve (Starlette names only the first
    route that matched; `/clara-server/users/{id}/preferences` is two routes, GET and PUT)."""
    return sorted({method for _, route, _ in owners(routes, scope) for method in getattr(route, "methods", None) or ()})


def _serving(routes: list[BaseRoute], scope: Scope) -> int:
    """The position of the owner that serves this method, else of the first owner (its handle answers 405), else -1."""
    found = owners(routes, scope)
    return next((i for i, _, match in found if match is Match.FULL), found[0][0] if found else -1)


def _parameters(route: BaseRoute) -> int:
    return len(getattr(route, "param_convertors", None) or ())
