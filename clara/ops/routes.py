"""`GET /health`: 200 while the relational store answers, 503 when it does not."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from clara.platform.metrics import render as render_metrics
from clara.web.http import Media, accepts, respond
from clara.ops import service

@accepts(public=True, answers={200: service.HealthReport, 503: service.HealthReport})
async def health(request: Request) -> Response:
    """
    summary: Liveness and dependency health (answers within a second, from cached state while a store hangs)
    tags: [ops]
    responses:
      503: Relational store unreachable
    """
    report = await request.app.state.health.report()
    return respond(report, 503 if report.status == "down" else 200)


@accepts(public=True, answers=Media("text/plain", "Metrics in Prometheus text format"))
async def metrics(request: Request) -> Response:
    """
    summary: Prometheus metrics (OpenMetrics with exemplars when the Accept header asks for it)
    tags: [ops]
    """
    body, content_type = render_metrics(request.headers.get("accept"))
    return Response(body, media_type=content_type)


routes = [Route("/health", health, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
