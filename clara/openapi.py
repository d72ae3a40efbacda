"""The OpenAPI 3.1 document, built from each route's YAML docstring plus the shared components below, and `/docs`."""

from __future__ import annotations

import inspect
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.schemas import SchemaGenerator


def error_schema(**extra: dict[str, Any]) -> dict[str, Any]:
    """The contract's error body; `extra` adds properties to its `error` object (a route's own details)."""
    return {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                    **extra,
                },
            }
        },
    }


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Clara API",
        "version": "1.0.0",
        "description": "Backend of Clara, the voice-and-text assistant for fire & life-safety and HVAC technicians.",
    },
    "security": [{"bearer": []}],
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        "schemas": {
            "Error": error_schema(),
            "LoginRequest": {
                "type": "object",
                "required": ["email", "password"],
                "properties": {"email": {"type": "string", "maxLength": 320}, "password": {"type": "string", "maxLength": 1024}},
            },
            "Token": {
                "type": "object",
                "required": ["access_token", "token_type", "expires_in"],
                "properties": {
                    "access_token": {"type": "string"},
                    "token_type": {"type": "string", "const": "bearer"},
                    "expires_in": {"type": "integer"},
                },
            },
        },
        "responses": {
            "BadRequest": _error_response("Invalid input; `field` names the offending field"),
            "Unauthorized": _error_response("Missing, invalid or expired bearer token"),
            "Forbidden": _error_response("Another user's resource"),
            "NotFound": _error_response("Unknown id"),
            "PayloadTooLarge": _error_response("Body or upload too large"),
            "UnsupportedMediaType": _error_response("Unsupported upload type"),
            "Unprocessable": _error_response("Well-formed but unusable input"),
            "RateLimited": _error_response("Too many requests; see Retry-After"),
            "Unavailable": _error_response("A required store is unavailable; retry shortly"),
        },
    },
}

schemas = SchemaGenerator(BASE)


def register_schemas(extra: dict[str, Any]) -> None:
    """Let a domain add its component schemas (Job, Customer, ...) next to the routes that return them."""
    BASE["components"]["schemas"].update(extra)


async def openapi_json(request: Request) -> JSONResponse:
    schema = schemas.get_schema(routes=request.app.routes)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if path in PUBLIC_PATHS:
                operation["security"] = []
            else:  # the bearer token every other route requires; documented once here, not per route
                responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
            # Limits and store outages apply to every route, so they are documented once here, not per route.
            responses.setdefault("429", {"$ref": "#/components/responses/RateLimited"})
            responses.setdefault("503", {"$ref": "#/components/responses/Unavailable"})
            for parameter in operation.get("parameters", []):
                # clara.http reads `?date=` like no `date` at all, as the app sends `latitude=&longitude=` when it
                # has no fix: say so, so clients and the fuzzer know an empty optional query value is accepted.
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter.setdefault("allowEmptyValue", True)
    schema.setdefault("paths", {}).update(_websocket_paths(request.app.routes))
    return JSONResponse(schema)


def _websocket_paths(routes: list[BaseRoute]) -> dict[str, Any]:
    """OpenAPI has no WebSocket operations: list each socket as a path item whose description carries the protocol,
    so `/openapi.json` and `/docs` still name every route the app serves (fuzzers skip items without operations)."""
    paths: dict[str, Any] = {}
    for route in routes:
        if isinstance(route, WebSocketRoute):
            doc = inspect.cleandoc(route.endpoint.__doc__ or "")
            summary, _, description = doc.partition("\n")
            paths[route.path] = {"summary": f"WebSocket: {summary}", "description": description.strip(),
                                 "x-websocket": True}
    return paths


async def docs(_: Request) -> HTMLResponse:
    # A self-contained page: the Swagger UI bundle would need the internet, which technicians' shops may not have.
    return HTMLResponse(
        "<!doctype html><html><head><meta charset='utf-8'><title>Clara API</title></head><body>"
        "<h1>Clara API</h1><p>The OpenAPI 3.1 document is at <a href='/openapi.json'>/openapi.json</a>.</p>"
        "<div id='ops'></div><script>fetch('/openapi.json').then(r=>r.json()).then(s=>{"
        "const ul=document.createElement('ul');for(const [p,ops] of Object.entries(s.paths)){"
        "if(ops['x-websocket']){const li=document.createElement('li');li.textContent='WS '+p+' \u2014 '+ops.summary;"
        "ul.appendChild(li);continue;}"
        "for(const [m,o] of Object.entries(ops)){const li=document.createElement('li');"
        "li.textContent=m.toUpperCase()+' '+p+' \u2014 '+(o.summary||'');ul.appendChild(li);}}"
        "document.getElementById('ops').appendChild(ul);});</script></body></html>"
    )


PUBLIC_PATHS = {"/health", "/docs", "/openapi.json", "/metrics", "/auth/token", "/console"}
routes = [
    Route("/openapi.json", openapi_json, include_in_schema=False),
    Route("/docs", docs, include_in_schema=False),
]
