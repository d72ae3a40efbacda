from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from clara.platform import metrics


def sample(text: str, name: str, labels: dict[str, str]) -> float:
    """The value of one sample in a Prometheus exposition, 0 when absent."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


async def scrape(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def test_metrics_need_no_token_and_label_requests_by_route(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    await client.get("/health")
    await client.get("/health")
    await client.get("/no/such/path/12345")
    after = await scrape(client)
    labels = {"method": "GET", "route": "/health", "status": "200"}
    assert sample(after, "clara_http_requests_total", labels) - sample(before, "clara_http_requests_total", labels) == 2
    assert sample(after, "clara_http_request_duration_seconds_count", {"route": "/health"}) >= 2
    assert "/no/such/path/12345" not in after
    assert sample(after, "clara_http_requests_total", {"route": "unmatched", "status": "404"}) >= 1


async def test_route_templates_not_raw_paths() -> None:
    async def thing(request: Request) -> PlainTextResponse:
        return PlainTextResponse(",".join(request.path_params.values()))

    inner = [Route("/parts/{part_id}", thing)]
    app = Starlette(routes=[Route("/things/{thing_id}", thing), Mount("/shop", routes=inner)])
    app.add_middleware(metrics.MetricsMiddleware)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        before = metrics.REGISTRY.get_sample_value(
            "clara_http_requests_total", {"method": "GET", "route": "/things/{thing_id}", "status": "200"}) or 0
        for thing_id in ("a1", "b2", "c3"):
            assert (await c.get(f"/things/{thing_id}")).status_code == 200
        assert (await c.get("/shop/parts/9")).status_code == 200
    after = metrics.REGISTRY.get_sample_value(
        "clara_http_requests_total", {"method": "GET", "route": "/things/{thing_id}", "status": "200"})
    assert after == before + 3
    assert metrics.REGISTRY.get_sample_value(
        "clara_http_requests_total", {"method": "GET", "route": "/shop/parts/{part_id}", "status": "200"}) >= 1


async def test_domain_helpers_show_up_in_the_exposition(client: httpx.AsyncClient) -> None:
    before = await scrape(client)
    metrics.observe_tool("next_job", 0.12, True)
    metrics.observe_tool("next_job", 0.30, False)
    with pytest.raises(RuntimeError), metrics.timed_tool("next_job"):
        raise RuntimeError("maps down")
    metrics.cache_hit("l1")
    metrics.cache_miss("l2")
    metrics.llm_fallback("timeout")
    with metrics.agent_session():
        during = await scrape(client)
    after = await scrape(client)

    def delta(name: str, labels: dict[str, str]) -> float:
        return sample(after, name, labels) - sample(before, name, labels)

    assert delta("clara_tool_calls_total", {"tool": "next_job", "outcome": "ok"}) == 1
    assert delta("clara_tool_calls_total", {"tool": "next_job", "outcome": "error"}) == 2
    assert delta("clara_tool_duration_seconds_count", {"tool": "next_job"}) == 3
    assert delta("clara_cache_requests_total", {"layer": "l1", "result": "hit"}) == 1
    assert delta("clara_cache_requests_total", {"layer": "l2", "result": "miss"}) == 1
    assert delta("clara_llm_fallbacks_total", {"reason": "timeout"}) == 1
    assert sample(during, "clara_agent_sessions_active", {}) == sample(after, "clara_agent_sessions_active", {}) + 1
    assert "clara_analytics_buffer_depth" in after and "clara_analytics_events_dropped_total" in after


async def test_openmetrics_carries_the_request_id_as_exemplar(client: httpx.AsyncClient) -> None:
    await client.get("/health", headers={"X-Request-ID": "trace-me-42"})
    response = await client.get("/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert 'request_id="trace-me-42"' in response.text


def test_a_failing_listener_does_not_fail_the_tool_call() -> None:
    seen: list[tuple[str, float, bool]] = []

    def broken(name: str, seconds: float, ok: bool) -> None:
        raise ValueError("listener bug")

    unsubscribe_broken = metrics.subscribe("tool", broken)
    unsubscribe = metrics.subscribe("tool", lambda *args: seen.append(args))
    try:
        metrics.observe_tool("get_job", 0.05, True)
    finally:
        unsubscribe_broken()
        unsubscribe()
    metrics.observe_tool("get_job", 0.05, True)
    assert seen == [("get_job", 0.05, True)]


def test_the_grafana_dashboard_charts_metrics_we_export() -> None:
    dashboard = json.loads((Path(__file__).resolve().parents[1] / "deploy" / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    charted = {m for e in exprs for m in re.findall(r"\bclara_[a-z_]+", e)}
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    exported = {f.name + suffix for f in metrics.REGISTRY.collect() for suffix in suffixes.get(f.type, ())}
    assert charted and charted <= exported, charted - exported
    for needed in ("clara_http_request_duration_seconds_bucket", "clara_tool_calls_total", "clara_cache_requests_total",
                   "clara_agent_sessions_active", "clara_llm_fallbacks_total", "clara_analytics_buffer_depth"):
        assert needed in charted
