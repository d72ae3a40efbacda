"""Shared fixtures: a real PostgreSQL, a fresh database per test, the app with its lifespan, and tokens.

PostgreSQL comes from `TEST_DATABASE_URL` (CI: the machine's server) or an embedded server this session starts.
The schema and demo data are built once into a template database; each test gets its own copy (CREATE DATABASE
... TEMPLATE), so tests are isolated and can write freely. Copies are made ahead and dropped behind the tests
(tests/databases.py): a drop waits for a checkpoint. The shipped knowledge corpus is embedded once too, into
the template database and a template Chroma directory that each test gets a copy of in its own DATA_DIR.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import shutil
import time
import uuid
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any, AsyncIterator, Callable, Iterator

import httpx
import pytest
import pytest_asyncio
from google.genai import _api_client as genai_client
import structlog
from psycopg import sql
from starlette.applications import Starlette

from clara.app import create_app
from clara.web.caller import CurrentUser
from clara.auth.tokens import issue_token
from clara.knowledge.corpus import sync_corpus
from clara.ops.demo_data import COMPANY_TZ, DEMO_DAY, DEMO_TECHNICIAN_EMAIL
from clara.ops.seed import seed_if_empty
from clara.platform.logging import configure_logging
from clara.settings import Settings
from clara.ops.wiring import open_stores
from clara.stores import postgres
from clara.stores.chroma import chroma_dir
from clara.chat.runtime import AgentRuntime
from tests.fakes.gemini import FakeGemini
from tests.databases import TemplateCopies, admin, drop_database, with_database
from tests.servers import RedisServer
from tests import workers

_counter = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    """Log as a deployed Clara does (JSON lines, secrets scrubbed, plain tracebacks). Left unconfigured, structlog
    prints Rich tracebacks with every frame's local variables, and an in-process app's frames hold request headers:
    a failing test wrote part of a bearer token to the output.

    An xdist controller picks the run's id itself (xdist would otherwise pick it later, out of our sight): it names
    the template its workers share, which the controller drops at the end."""
    configure_logging("info", "json")
    if _xdist_controller(config) and not config.option.testrunuid:
        config.option.testrunuid = uuid.uuid4().hex


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked `long` first, the rest as collected. xdist (`--dist loadfile`) hands out whole files in this
    order: a half-minute file handed out last keeps one worker busy after the others are done, so the longest go
    out while there is still other work to balance them against."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)  # stable: files stay whole and in order


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller drops the template its workers shared, once all of them are done with it."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url and _xdist_controller(session.config):
        drop_database(url, workers.shared_template_name(session.config.option.testrunuid))


def _xdist_controller(config: pytest.Config) -> bool:
    """Whether this process hands tests to xdist workers (rather than running them itself)."""
    return bool(getattr(config.option, "numprocesses", None)) and not hasattr(config, "workerinput")


@pytest.fixture
def reconfigured() -> Iterator[None]:
    """A test configures logging onto its captured stderr; the session's configuration comes back after."""
    session, root = structlog.get_config(), logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    structlog.configure(**session)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture(scope="session")
def pg_admin_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return postgres.start_embedded(tmp_path_factory.mktemp("embedded-pg"))


@pytest.fixture(scope="session")
def template_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DATA_DIR of the template build: its Chroma index matches the template database's knowledge chunks."""
    shared = workers.shared_dir(tmp_path_factory)
    if shared is None:
        return tmp_path_factory.mktemp("template-data")
    (shared / "template-data").mkdir(exist_ok=True)  # built by whichever worker builds the shared template
    return shared / "template-data"


def build_template(pg_admin_url: str, name: str, data_dir: Path) -> None:
    """The template database `name` (schema, demo data, the shipped corpus) and its Chroma index in `data_dir`."""
    drop_database(pg_admin_url, name)
    admin(pg_admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = with_database(pg_admin_url, name)

    async def build() -> None:
        pool = await postgres.open_pool(url, max_size=1)
        try:
            await pool.wait()
            await postgres.migrate(pool)
            await seed_if_empty(pool)
        finally:
            await pool.close()
        # The shipped corpus, embedded once per session (a few seconds) instead of at every test's start-up.
        template = Settings(env="test", database_url=url, data_dir=data_dir, seed_demo_data=False,
                            agent_worker_enabled=False, log_format="json")
        async with open_stores(template) as stores:
            await sync_corpus(stores)

    asyncio.run(build())


@pytest.fixture(scope="session")
def template_db(pg_admin_url: str, template_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    shared = workers.shared_dir(tmp_path_factory)
    if shared is None:  # this process's own template
        name = f"{workers.TEMPLATE_PREFIX}{os.getpid()}"
        build_template(pg_admin_url, name, template_data_dir)
        yield name
        drop_database(pg_admin_url, name)
        return
    name = workers.shared_template_name(workers.worker_run_id())
    with workers.exclusive(shared / "template.lock"):
        built = shared / "template.built"
        if not built.exists():  # a build that failed left no mark: the next worker tries again
            build_template(pg_admin_url, name, template_data_dir)
            built.touch()
    yield name  # dropped by the controller once every worker is done (pytest_sessionfinish)


@pytest.fixture(scope="session")
def template_copies(pg_admin_url: str, template_db: str) -> Iterator[TemplateCopies]:
    """Copies of the template, every one dropped before the template itself is."""
    copies = TemplateCopies(pg_admin_url, template_db)
    yield copies
    copies.close()


@pytest.fixture(scope="module")
def module_database_url(template_copies: TemplateCopies) -> Iterator[str]:
    """A copy of the template for a module's tests to share (a server process they all talk to)."""
    name = template_copies.take()
    yield template_copies.url(name)
    template_copies.give_back(name)


@pytest.fixture
def database_url(template_copies: TemplateCopies) -> Iterator[str]:
    """This test's own copy of the template."""
    name = template_copies.take()
    yield template_copies.url(name)
    template_copies.give_back(name)


@pytest.fixture(scope="session")
def empty_copies(pg_admin_url: str) -> Iterator[TemplateCopies]:
    """Copies of PostgreSQL's own empty `template1` (what a bare CREATE DATABASE makes), for tests that need a
    database without Clara's schema: a restore target, a separate analytics database."""
    copies = TemplateCopies(pg_admin_url, "template1", prefix="clara_empty")
    yield copies
    copies.close()


@pytest.fixture
def empty_database_url(empty_copies: TemplateCopies) -> Iterator[str]:
    """This test's own empty database."""
    name = empty_copies.take()
    yield empty_copies.url(name)
    empty_copies.give_back(name)


def app_settings(database_url: str, data_dir: Path, template_data_dir: Path) -> Settings:
    """Settings of an app under test on `database_url`, with its own writable copy of the template's Chroma index
    in `data_dir`."""
    shutil.copytree(chroma_dir(template_data_dir), chroma_dir(data_dir))
    return Settings(
        env="test",
        database_url=database_url,
        data_dir=data_dir,
        seed_demo_data=False,
        agent_worker_enabled=False,
        log_format="json",
        # high limits so no test is throttled by accident; tests/test_ratelimit.py sets small ones on purpose
        rate_limit_default="100000/minute",
        rate_limit_login="100000/minute",
        redis_key_prefix=f"clara-test-{os.getpid()}-{next(_counter)}",  # Redis is shared: keys never collide
        # the xdist workers' apps share one PostgreSQL (100 connections by default): 4 each, not production's 10
        database_pool_size=4,
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path, template_data_dir: Path) -> Settings:
    return app_settings(database_url, tmp_path, template_data_dir)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_app(module_database_url: str, template_data_dir: Path,
                     tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Starlette]:
    """One started app (and database copy) for a module's tests that only add records of their own and assert
    relative to what was there before, so they need no fresh copy each. Starting an app (pool, migrations check,
    corpus check, BM25 over every chunk, agent runtime) and copying the template cost more than most tests' calls:
    ~1-1.5 s of a test's ~1.5 s on the loaded test machine. Its tests run on the module's event loop
    (`pytest.mark.asyncio(loop_scope="module")`), the one the app's pools are bound to."""
    settings = app_settings(module_database_url, tmp_path_factory.mktemp("module-app"), template_data_dir)
    async with running(settings) as application:
        yield application


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis: `TEST_REDIS_URL` (CI), else a `redis-server` this session starts; skip when neither exists."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    if shutil.which("redis-server") is None:
        pytest.skip("needs Redis: set TEST_REDIS_URL or put redis-server on PATH")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server.url
    server.stop()


# An app clock (budget windows, token expiry) held still half a minute into the minute the tests were collected:
# a test counting a per-minute budget never sees a window end under it, whenever it runs, and tokens issued since
# are still fresh. A test that needs a window to end moves its own clock.
STILL = time.time() // 60 * 60 + 30


def still() -> float:
    return STILL


@asynccontextmanager
async def running(settings: Settings, *, clock: Callable[[], float] = time.time,
                  **changes: object) -> AsyncIterator[Starlette]:
    """An app started (lifespan and all) with `changes` applied to `settings`, and stopped on the way out; `clock`
    is the one its API budget counts windows on."""
    application = create_app(settings.changed(**changes), clock=clock)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Starlette]:
    async with running(settings) as application:
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as c:
        yield c


async def user_by_email(app: Starlette, email: str) -> CurrentUser:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, role, email FROM users WHERE email = %s", (email,))
        row = await cur.fetchone()
    assert row is not None, email
    return CurrentUser(id=row["id"], role=row["role"], email=row["email"])


def bearer(app: Starlette, user: CurrentUser) -> dict[str, str]:
    settings: Settings = app.state.settings
    token = issue_token(user, secret=settings.jwt_secret, ttl_seconds=600)
    return {"Authorization": f"Bearer {token}"}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_client(module_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the module's shared app (`module_app`), for tests that only read or are refused."""
    transport = httpx.ASGITransport(app=module_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://clara.test") as c:
        yield c


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_auth(module_app: Starlette) -> dict[str, str]:
    """Authorization headers of the demo technician on the module's shared app."""
    return bearer(module_app, await user_by_email(module_app, DEMO_TECHNICIAN_EMAIL))


@pytest.fixture
async def technician(app: Starlette) -> CurrentUser:
    """The demo technician (Maria Lopez), as the README's login gives."""
    return await user_by_email(app, DEMO_TECHNICIAN_EMAIL)


@pytest.fixture
async def other_technician(app: Starlette) -> CurrentUser:
    return await user_by_email(app, "james.chen@clara.dev")


@pytest.fixture
async def dispatcher(app: Starlette) -> CurrentUser:
    return await user_by_email(app, "dana.okafor@clara.dev")


@pytest.fixture
def auth(app: Starlette, technician: CurrentUser) -> dict[str, str]:
    """Authorization headers of the demo technician."""
    return bearer(app, technician)


async def demo_day_of(app: Starlette) -> date:
    """The day the template was seeded, so tests do not depend on the clock passing midnight mid-run."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT (scheduled_start AT TIME ZONE %s)::date AS day FROM jobs WHERE notes = %s",
            (str(COMPANY_TZ), DEMO_DAY[0].notes),
        )
        row = await cur.fetchone()
    assert row is not None
    return row["day"]


async def demo_jobs_of(app: Starlette, technician: CurrentUser, day: date) -> dict[str, int]:
    """`technician`'s job ids on `day`, by site name."""
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT s.name, j.id FROM jobs j JOIN sites s ON s.id = j.site_id"
            " WHERE j.technician_id = %s AND (j.scheduled_start AT TIME ZONE %s)::date = %s",
            (technician.id, str(COMPANY_TZ), day),
        )
        return {row["name"]: row["id"] for row in await cur.fetchall()}


@pytest.fixture
async def demo_day(app: Starlette) -> date:
    """The day the template was seeded, so tests do not depend on the clock passing midnight mid-run."""
    return await demo_day_of(app)


@pytest.fixture
async def demo_jobs(app: Starlette, technician: CurrentUser, demo_day: date) -> dict[str, int]:
    """The demo technician's job ids on the day of seeding, by site name."""
    return await demo_jobs_of(app, technician, demo_day)


@pytest.fixture
async def gemini(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeGemini]:
    """The local fake Gemini (real wire format), with the client aimed at it."""
    fake = await FakeGemini().start()
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", fake.url)
    yield fake
    await fake.stop()


@pytest.fixture
async def dropping_gemini(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """A Gemini address that reads each request's head and hangs up, as a dead proxy or a restarting host does;
    google-genai's draw of how long to sleep before its implicit retry is pinned to the most (10 s)."""

    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
    monkeypatch.setattr(genai_client.random, "randint", lambda low, high: high)
    yield
    server.close()


async def turn(app: Starlette, user: CurrentUser, text: str) -> list[dict[str, Any]]:
    """One chat turn in the user's conversation, as the events the socket would send."""
    runtime: AgentRuntime = app.state.agent
    session = await runtime.chats.open(actor=user, user_id=user.id)
    return [event async for event in session.turn(text)]
