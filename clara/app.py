"""`create_app(settings)`: the one Starlette application, with every domain's routes, middleware and lifespan."""

from __future__ import annotations

import functools
import gc
import time
from contextlib import asynccontextmanager
from typing import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware

from clara.ops import housekeeping, seed

from clara.web import cache_routes, openapi, ratelimit
from clara.analytics import routes as analytics_routes
from clara.analytics import usage_routes
from clara.auth import routes as auth_routes
from clara.auth.backend import BearerAuthentication, BearerTokenBackend, on_auth_error
from clara.chat import routes as chat_routes
from clara.chat import runtime as chat_runtime
from clara.console import routes as console_routes
from clara.crm import routes as crm_routes
from clara.web.errors import EXCEPTION_HANDLERS
from clara.web.http import public_paths
from clara.web.idempotency import IdempotencyMiddleware
from clara.jobs import routes as jobs_routes
from clara.knowledge import corpus as knowledge_corpus
from clara.knowledge import later as knowledge_later
from clara.knowledge import originals as knowledge_originals
from clara.knowledge import routes as knowledge_routes
from clara.platform.logging import get_logger
from clara.mcp.server import McpServer
from clara.platform.metrics import MetricsMiddleware
from clara.web.middleware import RequestContextMiddleware
from clara.web.routing import IndexedRouter
from clara.ops import routes as ops_routes
from clara.ops import service as ops_service
from clara.web.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware, cors, mcp_body_bytes
from clara.settings import Settings
from clara.web.shutdown import CutRequestMiddleware
from clara.ops.wiring import open_stores
from clara.users import routes as users_routes
from clara.vision import routes as vision_routes

log = get_logger(__name__)


GC_THRESHOLDS = (20_000, 20, 10)  # young collections every 20,000 allocations instead of 700


@functools.cache  # once per process: the first start-up holds the libraries; later apps (tests) add little
def freeze_startup_heap() -> None:
    """Exempt what start-up built from the cyclic garbage collector, for good, and collect the young less often.

    LiveKit, Chroma, onnxruntime and google-genai leave about a million long-lived objects that every full
    collection walked again: 100-130 ms pauses, 20-30 a minute under load, the whole p99 of cached routes
    (measured with gc.callbacks). Frozen, they are never scanned; what requests allocate is collected as before.

    The thresholds: a turn allocates thousands of objects (livekit's speech tasks, chat items, a pydantic model
    per tool call), most dead when the turn ends. Collected every 700 allocations, the live turns' objects were
    promoted to the old generation, which then filled with dead cycles: with 300 open sessions a full collection
    ran every ~5 s and paused the loop 100-180 ms each (growing with the sessions' heap), which was the turns' p95
    (bench/sessions.py, measured with gc.callbacks). Every 20,000 allocations, a turn's objects die young.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def announce_ready(settings: Settings, *, host: str, port: int) -> None:
    """The first screen's last line, once the port is bound: the addresses to open. A wildcard bind (0.0.0.0, the
    default) is opened in a browser as localhost."""
    shown = "localhost" if host in ("", "0.0.0.0", "::") else host
    base = f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"
    docs = {"docs": f"{base}/docs"} if settings.docs_enabled else {}
    log.info("clara_ready", **docs, console=f"{base}/console")


def create_app(settings: Settings, *, clock: Callable[[], float] = time.time) -> Starlette:
    """The app; `clock` (epoch seconds) is what token expiry is checked against and the API budget's windows are
    counted on, so tests can hold it still or move it on."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_stores(settings) as stores:
            app.state.stores = stores
            app.state.budget = ratelimit.open_budget(settings, stores.redis, stores.breakers.get("redis"), clock=clock)
            app.state.login_budget = ratelimit.open_login_budget(settings, stores.redis, stores.breakers.get("redis"),
                                                                 clock=clock)
            if settings.seed_demo_data:
                await seed.seed_if_empty(stores.db)
            await knowledge_originals.import_legacy_files(stores.db, settings.data_dir)  # from DATA_DIR/uploads
            await knowledge_corpus.sync_corpus(stores)  # only new or changed files under data/ are embedded
            await stores.lexical.refresh()  # BM25 over every chunk, before the first search needs it
            await knowledge_later.resume_ingests(stores)  # big uploads a shutdown or crash cut short
            await knowledge_later.reparse_outdated(stores)  # uploads an older parser indexed
            async with housekeeping.running(stores), chat_runtime.running(settings, stores) as agent, \
                    mcp_server.running():
                app.state.agent = agent  # text sessions, LLM stack, voice worker; /mcp's session manager beside it
                sources = {"agent_worker": agent.worker.health, "llm": agent.stack.health}
                async with ops_service.monitor_health(stores, sources) as health:
                    app.state.health = health
                    log.info("clara_started", env=settings.env)
                    freeze_startup_heap()
                    yield
                    # Requests are done or cut off (backend_server.py); the agent drains, then the stores close.
                    log.info("clara_stopping")
        log.info("clara_stopped")

    mcp_server = McpServer()  # one per app: its session manager runs once, in this app's lifespan
    routes = [*ops_routes.routes, *auth_routes.routes, *cache_routes.routes, *analytics_routes.routes]
    routes += usage_routes.routes
    routes += [*jobs_routes.routes, *crm_routes.routes, *users_routes.routes]
    routes += [*knowledge_routes.routes, *vision_routes.routes]
    routes += [*chat_routes.routes, mcp_server.route]
    routes += console_routes.routes
    if settings.docs_enabled:
        routes += openapi.routes
    tokens = BearerTokenBackend(settings.jwt_secret, public_paths=public_paths(routes), clock=clock)
    middleware = [
        Middleware(RequestContextMiddleware),
        Middleware(SecurityHeadersMiddleware, hsts=settings.production),
        cors(settings),
        Middleware(BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes,
                   max_upload_bytes=settings.max_upload_bytes, max_mcp_bytes=mcp_body_bytes(settings.max_image_bytes)),
        Middleware(MetricsMiddleware),
        Middleware(CutRequestMiddleware),  # inside the above: a request cut by shutdown is a counted, logged 503
        Middleware(BearerAuthentication, backend=tokens, on_error=on_auth_error),
        Middleware(ratelimit.RateLimitMiddleware),  # after authentication: budgets are per user
        Middleware(IdempotencyMiddleware),  # after authentication too: keys are per user; a replay spends budget
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.router = IndexedRouter(routes, lifespan=lifespan)  # the same routes, found without a scan per request
    app.state.settings = settings
    app.state.tokens = tokens  # a WebSocket's first `auth` frame is checked by the same backend
    return app
