"""`GET /health`: 200 while the relational store answers, 503 when it does not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from clara.platform.metrics import render as render_metrics
from clara.web.openapi import register_schemas
from clara.ops import service

register_schemas(
    {
        "Health": {
            "type": "object",
            "required": ["status", "checks", "age_seconds"],
            "properties": {
                "status": {"enum": ["ok", "degraded", "down"]},
                "age_seconds": {
                    "type": "number", "minimum": 0,
                    "description": "Age of the oldest store answer shown: stores are probed in the background, and "
                                   "one that does not answer within half a second is shown as last known.",
                },
                "checks": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["state"],
                        "properties": {
                            "state": {"enum": list(service.STATES)},
                            "detail": {"type": "string"},
                        },
                    },
                },
            },
        }
    }
)


async def health(request: Request) -> JSONResponse:
    """
    summary: Liveness and dependency health (answers within a second, from cached state while a store hangs)
    tags: [ops]
    security: []
    responses:
      200: {description: Up (ok or degraded), content: {application/json: {schema: {$ref: '#/components/schemas/Health'}}}}
      503: {description: Relational store unreachable, content: {application/json: {schema: {$ref: '#/components/schemas/Health'}}}}
    """
    report = await request.app.state.health.report()
    body = {"status": report.status, "checks": {name: check.as_json() for name, check in report.checks.items()},
            "age_seconds": report.age_seconds}
    return JSONResponse(body, 503 if report.status == "down" else 200)


async def metrics(request: Request) -> Response:
    """
    summary: Prometheus metrics (OpenMetrics with exemplars when the Accept header asks for it)
    tags: [ops]
    security: []
    responses:
      200: {description: Metrics in Prometheus text format, content: {text/plain: {schema: {type: string}}}}
    """
    body, content_type = render_metrics(request.headers.get("accept"))
    return Response(body, media_type=content_type)


routes = [Route("/health", health, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
