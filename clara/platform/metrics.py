"""Prometheus metrics: one process-wide registry, the helpers other domains call, and the HTTP middleware.

The registry is process-global on purpose: Prometheus scrapes a process, and tests build many apps in one process,
which per-app registries of the same metric names could not survive (duplicate registration). Labels are kept to
bounded sets (route templates, tool names, cache layers), never raw paths or ids; request and session ids travel as
exemplars instead, so a slow bucket links to the log lines that carry the same ids.
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from contextlib import contextmanager
from typing import Callable, Iterator, Protocol

import structlog
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.exposition import choose_encoder
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clara.platform.logging import get_logger

log = get_logger(__name__)


class BufferLike(Protocol):
    @property
    def depth(self) -> int: ...


REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_EXEMPLAR_MAX = 128  # OpenMetrics caps an exemplar's label set at 128 characters
_REQUEST_ID_MAX = _EXEMPLAR_MAX - len("request_id")

HTTP_REQUESTS = Counter(
    "clara_http_requests", "HTTP requests served, by route template and status.",
    ["method", "route", "status"], registry=REGISTRY,
)
HTTP_LATENCY = Histogram(
    "clara_http_request_duration_seconds", "HTTP request latency, by route template.",
    ["method", "route"], buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)
TOOL_CALLS = Counter(
    "clara_tool_calls", "Agent tool calls, by tool and outcome.", ["tool", "outcome"], registry=REGISTRY,
)
TOOL_LATENCY = Histogram(
    "clara_tool_duration_seconds", "Agent tool latency, by tool.", ["tool"], buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
CACHE_REQUESTS = Counter(
    "clara_cache_requests", "Cache look-ups, by layer (l1, l2) and result (hit, miss).",
    ["layer", "result"], registry=REGISTRY,
)
AGENT_SESSIONS = Gauge(
    "clara_agent_sessions_active", "Agent sessions open now (text and voice).", registry=REGISTRY,
)
LLM_FALLBACKS = Counter(
    "clara_llm_fallbacks", "Turns answered by the fallback LLM, by reason.", ["reason"], registry=REGISTRY,
)
LLM_TOKENS = Counter(
    "clara_llm_tokens", "LLM tokens as the model reported them, by model, direction (input, output) and modality.",
    ["model", "direction", "modality"], registry=REGISTRY,
)
LLM_COST = Counter(
    "clara_llm_cost_usd", "LLM cost in US dollars at the configured price table, by model.", ["model"],
    registry=REGISTRY,
)
LLM_REQUESTS = Counter(
    "clara_llm_requests", "LLM requests, by model and channel (text, voice).", ["model", "channel"],
    registry=REGISTRY,
)
LLM_LATENCY = Histogram(
    "clara_llm_request_duration_seconds", "LLM request latency, by model.", ["model"], buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)
ANALYTICS_BUFFER_DEPTH = Gauge(
    "clara_analytics_buffer_depth",
    "Analytics events accepted but not yet in PostgreSQL (in memory or in the journal under DATA_DIR).",
    registry=REGISTRY,
)
ANALYTICS_FLUSHED = Counter(
    "clara_analytics_events_flushed", "Analytics events written to PostgreSQL.", registry=REGISTRY,
)
ANALYTICS_DROPPED = Counter(
    "clara_analytics_events_dropped",
    "Clara's own analytics events dropped: too many were waiting for PostgreSQL (should stay 0).",
    registry=REGISTRY,
)
ANALYTICS_FLUSH_FAILURES = Counter(
    "clara_analytics_flush_failures",
    "Analytics batches journalled or replays retried: PostgreSQL did not commit in time.",
    registry=REGISTRY,
)
TOOL_ANOMALIES = Gauge(
    "clara_tool_anomaly", "1 while a tool's latency or failure rate departs from its own baseline.",
    ["tool", "kind"], registry=REGISTRY,
)

_buffers: "weakref.WeakSet[BufferLike]" = weakref.WeakSet()
ANALYTICS_BUFFER_DEPTH.set_function(lambda: float(sum(b.depth for b in list(_buffers))))


def track_buffer(buffer: BufferLike) -> None:
    """Count `buffer` in the depth gauge (several apps in one process each have one)."""
    _buffers.add(buffer)


def untrack_buffer(buffer: BufferLike) -> None:
    _buffers.discard(buffer)


# Who else wants each observation: "tool" (name, seconds, ok), "cache" (layer, hit), "llm_fallback" (reason).
# Tuples, replaced whole under the lock by (un)subscribing: `_notify`, on every cache hit, reads one without it.
_listeners: dict[str, tuple[Callable[..., None], ...]] = {"tool": (), "cache": (), "llm_fallback": ()}
_listeners_lock = threading.Lock()


def _exemplar(**ids: str | None) -> dict[str, str] | None:
    """Ids for an exemplar: the given ones, else those bound to the current log context."""
    # The log context is read only for an id not given: reading it walks every context variable of the task.
    bound = structlog.contextvars.get_contextvars() if any(v is None for v in ids.values()) else {}
    labels = {k: str(v if v is not None else bound.get(k)) for k, v in ids.items() if (v or bound.get(k))}
    if not labels or sum(len(k) + len(v) for k, v in labels.items()) > _EXEMPLAR_MAX:
        return None
    return labels


def observe_tool(name: str, seconds: float, ok: bool) -> None:
    """Count one agent tool call; also feeds the listeners subscribed with `subscribe("tool", ...)`."""
    TOOL_CALLS.labels(tool=name, outcome="ok" if ok else "error").inc()
    TOOL_LATENCY.labels(tool=name).observe(max(seconds, 0.0), exemplar=_exemplar(session_id=None))
    _notify("tool", name, seconds, ok)


@contextmanager
def timed_tool(name: str) -> Iterator[None]:
    """Time a block as one call of tool `name`; an exception counts as a failed call and propagates."""
    started = time.perf_counter()
    ok = False
    try:
        yield
        ok = True
    finally:
        observe_tool(name, time.perf_counter() - started, ok)


def subscribe(kind: str, listener: Callable[..., None]) -> Callable[[], None]:
    """Receive every `kind` observation made in this process (the anomaly detector, analytics events); returns the
    function that unsubscribes. Listeners run in the caller's thread and context, so they must be quick."""
    with _listeners_lock:
        _listeners[kind] = (*_listeners[kind], listener)

    def unsubscribe() -> None:
        with _listeners_lock:
            if listener in _listeners[kind]:
                kept = list(_listeners[kind])
                kept.remove(listener)
                _listeners[kind] = tuple(kept)

    return unsubscribe


def _notify(kind: str, *args: object) -> None:
    for listener in _listeners[kind]:
        try:
            listener(*args)
        except Exception:  # a broken listener must never fail the call it observes
            log.exception("metrics_listener_failed", kind=kind)


@functools.lru_cache(maxsize=4096)
def _child(metric: Counter | Histogram, *values: str) -> Counter | Histogram:
    """`metric.labels(*values)`, looked up once: prometheus_client rebuilds and checks the label tuple on every
    call, three times per cached request. The label sets are bounded (see the module docstring), so is this."""
    return metric.labels(*values)


def cache_hit(layer: str) -> None:
    _child(CACHE_REQUESTS, layer, "hit").inc()
    _notify("cache", layer, True)


def cache_miss(layer: str) -> None:
    _child(CACHE_REQUESTS, layer, "miss").inc()
    _notify("cache", layer, False)


def agent_session_opened() -> None:
    AGENT_SESSIONS.inc()


def agent_session_closed() -> None:
    AGENT_SESSIONS.dec()


@contextmanager
def agent_session() -> Iterator[None]:
    """Count an agent session as active for the duration of the block."""
    agent_session_opened()
    try:
        yield
    finally:
        agent_session_closed()


def llm_fallback(reason: str) -> None:
    """A turn fell back from the primary LLM (reason: timeout, error, unconfigured, ...)."""
    LLM_FALLBACKS.labels(reason=reason).inc()
    _notify("llm_fallback", reason)


def observe_llm(*, model: str, channel: str, text_in: int, text_out: int, audio_in: int, audio_out: int,
                cost_usd: float, seconds: float) -> None:
    """Count one LLM request's tokens (split by modality), its cost and latency."""
    LLM_REQUESTS.labels(model=model, channel=channel).inc()
    for direction, modality, count in (("input", "text", text_in), ("output", "text", text_out),
                                       ("input", "audio", audio_in), ("output", "audio", audio_out)):
        LLM_TOKENS.labels(model=model, direction=direction, modality=modality).inc(max(count, 0))
    LLM_COST.labels(model=model).inc(max(cost_usd, 0.0))
    LLM_LATENCY.labels(model=model).observe(max(seconds, 0.0))


def render(accept: str | None) -> tuple[bytes, str]:
    """The exposition body and its content type: OpenMetrics (with exemplars) when asked for, else Prometheus text."""
    encoder, content_type = choose_encoder(accept or "")
    return encoder(REGISTRY), content_type


def route_label(scope: Scope) -> str:
    """The matched route's template (`/jobs/{job_id}`), never the raw path: raw paths would explode cardinality."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str):
        return "unmatched"
    root = scope.get("root_path", "") or ""
    if not root and not isinstance(route, Mount):  # the app served at the root, as it is: the template itself
        return path
    app_root = scope.get("app_root_path", "") or ""
    prefix = root[len(app_root):] if root.startswith(app_root) else ""
    if isinstance(route, Mount):  # a mounted app that is not a router (static files): its prefix is the template
        return prefix or path
    return prefix + path


class MetricsMiddleware:
    """Pure-ASGI: count and time each HTTP request by route template, with the request id as exemplar."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = route_label(scope)
            method = scope.get("method", "GET")
            request_id = (scope.get("state") or {}).get("request_id")
            _child(HTTP_REQUESTS, method, route, str(status)).inc()
            # Built here for the usual case, an id RequestContextMiddleware put in the scope: `_exemplar`'s general
            # path was a tenth of this middleware's time.
            exemplar = ({"request_id": request_id} if request_id and len(request_id) <= _REQUEST_ID_MAX
                        else _exemplar(request_id=request_id))
            _child(HTTP_LATENCY, method, route).observe(time.perf_counter() - started, exemplar=exemplar)
