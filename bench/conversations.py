"""Conversations nobody on the team scripted as tests, through the real app keyless, over its WebSocket.

Each conversation (bench/data/conversations_<set>.json) is a list of turns: what the technician says (or a
`location` frame the app sends), and what a user would notice: the tool Clara called (or none), words the reply must
carry (each entry a list of alternatives, any one of which will do), words it must not carry, a draft read back
(and models no draft may name: `not_drafted`), a record saved. After the last turn the database is checked: the deficiencies the conversation created (exactly
these, with these fields, or none) and the demo jobs' statuses. Every conversation starts on a fresh copy of the
seeded database, as a new user of a fresh server would. A conversation may name the demo `technician` it is signed
in as (a login email; Maria Lopez by default, and the demo day whose job statuses are checked is hers).

The sets, who wrote them and which are still blind (measured only, with `--quiet`, never studied) are described in
bench/data/conversations.md: blind now are `heldout`, `heldout2`, `heldout17` and `heldout18`; every other
set is studied (`heldout16` since session 24).

    python bench/conversations.py --set dev
    python bench/conversations.py --set heldout --quiet
    python bench/conversations.py --set dev2
    python bench/conversations.py --set heldout2 --quiet
    python bench/conversations.py --set dev3
    python bench/conversations.py --set dev4
    python bench/conversations.py --set heldout3
    python bench/conversations.py --set heldout4
    python bench/conversations.py --set heldout5
    python bench/conversations.py --set heldout6
    python bench/conversations.py --set heldout7
    python bench/conversations.py --set heldout8
    python bench/conversations.py --set heldout9
    python bench/conversations.py --set heldout10
    python bench/conversations.py --set heldout11
    python bench/conversations.py --set heldout12
    python bench/conversations.py --set heldout13
    python bench/conversations.py --set heldout14
    python bench/conversations.py --set heldout15
    python bench/conversations.py --set heldout16
    python bench/conversations.py --set heldout17 --quiet
    python bench/conversations.py --set heldout18 --quiet
    python bench/conversations.py --set dev6
    python bench/conversations.py --set dev --dump /tmp/dev-before.json

`--dump FILE` writes every turn's frames (tool calls with their arguments, results, drafts, replies) and each
conversation's final problems as JSON, so two runs can be compared turn by turn: a change meant only for speed
must leave the two files equal (studied sets only: the blind sets' conversations are not to be read).

PostgreSQL: `--database-url` (an admin URL on a server the bench may create databases on; default the
`TEST_DATABASE_URL` variable), else an embedded cluster in a scratch directory. Redis: `TEST_REDIS_URL`, else none
(the app then runs on its in-process fallbacks).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import uvicorn  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from bench._knowledge_stores import with_database  # noqa: E402
from clara.app import create_app  # noqa: E402
from clara.web.caller import CurrentUser  # noqa: E402
from clara.auth.tokens import issue_token  # noqa: E402
from clara.knowledge.corpus import sync_corpus  # noqa: E402
from clara.ops.demo_data import DEMO_DAY, DEMO_TECHNICIAN_EMAIL  # noqa: E402
from clara.ops.seed import seed_if_empty  # noqa: E402
from clara.settings import Settings  # noqa: E402
from clara.ops.wiring import open_stores  # noqa: E402
from clara.stores import postgres  # noqa: E402
from clara.stores.chroma import chroma_dir  # noqa: E402

DATA = ROOT / "bench" / "data"
# A copy waits for the template's last connection to close: a second or two on a quiet machine, much longer at a
# load of 15, when a set would otherwise die on its first conversation.
_COPY_ATTEMPTS = 240  # a quarter second apart: a minute
# What differs between two runs of the same conversation by design (fresh ids, timings): left out of `--dump`.
_VOLATILE = frozenset({"draft_id", "duration_ms", "session_id", "turn_id"})


def _admin(url: str, statement: sql.Composable) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement)


def _settings(database_url: str, data_dir: Path, redis_url: str | None) -> Settings:
    extra: dict[str, Any] = {"redis_url": redis_url, "redis_key_prefix": f"clara-conv-{os.getpid()}-{time.time_ns()}"} \
        if redis_url else {}
    return Settings(env="test", database_url=database_url, data_dir=data_dir, seed_demo_data=False,
                    agent_worker_enabled=False, log_format="json", log_level="error",
                    rate_limit_default="100000/minute", rate_limit_login="100000/minute", **extra)


class Template:
    """A seeded database with the corpus embedded, which every conversation gets a fresh copy of."""

    def __init__(self, admin_url: str, workdir: Path, redis_url: str | None) -> None:
        self.admin_url = admin_url
        self.workdir = workdir
        self.redis_url = redis_url
        self.name = f"clara_conv_tpl_{os.getpid()}"
        self.data_dir = workdir / "template-data"
        self.copies = 0

    async def build(self) -> None:
        _admin(self.admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))
        _admin(self.admin_url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        url = with_database(self.admin_url, self.name)
        pool = await postgres.open_pool(url, max_size=1)
        try:
            await pool.wait()
            await postgres.migrate(pool)
            await seed_if_empty(pool)
        finally:
            await pool.close()
        async with open_stores(_settings(url, self.data_dir, None)) as stores:
            await sync_corpus(stores)

    def copy(self) -> tuple[str, Path]:
        self.copies += 1
        name = f"clara_conv_{os.getpid()}_{self.copies}"
        _admin(self.admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        for attempt in range(_COPY_ATTEMPTS):  # the last server (or the build's) may still be letting go of it
            try:
                _admin(self.admin_url, sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name),
                                                                                        sql.Identifier(self.name)))
                break
            except psycopg.errors.ObjectInUse:
                if attempt == _COPY_ATTEMPTS - 1:
                    raise
                time.sleep(0.25)
        data_dir = self.workdir / name
        shutil.copytree(chroma_dir(self.data_dir), chroma_dir(data_dir))
        return with_database(self.admin_url, name), data_dir

    def drop(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        _admin(self.admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def close(self) -> None:
        _admin(self.admin_url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name)))


@dataclasses.dataclass
class Outcome:
    turn: str
    ok: bool
    problems: list[str]
    reply: str
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def _contains(reply: str, alternatives: str | list[str]) -> bool:
    options = [alternatives] if isinstance(alternatives, str) else alternatives
    return any(option.lower() in reply.lower() for option in options)


def check_turn(turn: dict[str, Any], events: list[dict[str, Any]]) -> list[str]:
    """What a user would notice is wrong with this turn's events, if anything."""
    problems = []
    done = events[-1]
    if done["type"] != "done":
        return [f"ended with {done}"]
    reply = done.get("text", "")
    called = [e["name"] for e in events if e["type"] == "tool_call"]
    if "tool" in turn:
        wanted = turn["tool"]
        if wanted is None and called:
            problems.append(f"called {called}, wanted no tool")
        elif wanted is not None and wanted not in called:
            problems.append(f"called {called}, wanted {wanted}")
    for alternatives in turn.get("contains", []):
        if not _contains(reply, alternatives):
            problems.append(f"reply lacks {alternatives!r}")
    for words in turn.get("not_contains", []):
        if _contains(reply, words):
            problems.append(f"reply has {words!r}")
    drafts = [e for e in events if e["type"] == "draft"]
    saved = [e for e in events if e["type"] == "saved"]
    if "draft" in turn:
        expected = turn["draft"]
        if expected is None and drafts:
            problems.append("made a draft")
        elif expected is not None:
            if not drafts:
                problems.append("no draft")
            else:
                fields = drafts[-1]["fields"]
                for key, value in expected.items():
                    got = fields.get(key)
                    if key == "equipment":
                        got = None if got is None else got.get("model")
                    if isinstance(value, str) and isinstance(got, str):
                        if value.lower() not in got.lower():
                            problems.append(f"draft {key} {got!r}, wanted {value!r}")
                    elif got != value:
                        problems.append(f"draft {key} {got!r}, wanted {value!r}")
    for draft in drafts:  # a unit the site lacks was named: whatever is drafted must not name another unit
        unit = draft["fields"].get("equipment") or {}
        if unit.get("model") in turn.get("not_drafted", []):
            problems.append(f"drafted against {unit['model']}, a unit the technician did not name")
    if "saved" in turn:
        expected_kind = turn["saved"]
        kinds = [s["kind"] for s in saved]
        if expected_kind is None and kinds:
            problems.append(f"saved {kinds}")
        elif expected_kind is not None and expected_kind not in kinds:
            problems.append(f"saved {kinds}, wanted {expected_kind}")
    return problems


async def _records(app: Any, technician_id: int, since_id: int) -> list[dict[str, Any]]:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT d.severity, d.description, d.location, s.name AS site, e.model FROM deficiencies d"
            " JOIN sites s ON s.id = d.site_id"  # a site's write-up on no job (a site off the day) counts too
            " LEFT JOIN equipment e ON e.id = d.equipment_id WHERE d.id > %s ORDER BY d.id", (since_id,))
        return [dict(row) for row in await cur.fetchall()]


async def _statuses(app: Any, technician_id: int) -> dict[str, str]:
    async with app.state.stores.db.connection() as conn:
        cur = await conn.execute(
            "SELECT s.name, j.status FROM jobs j JOIN sites s ON s.id = j.site_id WHERE j.technician_id = %s"
            " AND j.notes = ANY(%s)", (technician_id, [job.notes for job in DEMO_DAY]))
        return {row["name"]: row["status"] for row in await cur.fetchall()}


def check_records(expected: list[dict[str, Any]], records: list[dict[str, Any]]) -> list[str]:
    """The conversation stored exactly the expected deficiencies (each field a substring, case-insensitive)."""
    if len(records) != len(expected):
        return [f"stored {len(records)} deficiencies, wanted {len(expected)}: {records}"]
    problems = []
    for want, got in zip(expected, records):
        for key, value in want.items():
            if value is None:
                if got.get(key) is not None:
                    problems.append(f"record {key} {got.get(key)!r}, wanted none")
            elif not _carries(str(got.get(key) or "").lower(), value):
                problems.append(f"record {key} {got.get(key)!r}, wanted {value!r}")
    return problems


def _carries(got: str, value: Any) -> bool:
    """Whether a stored field carries what was wanted: a word, or one of a flat list of alternatives; a list of
    lists, as turns write it, wants each entry (one of its alternatives)."""
    if isinstance(value, list) and any(isinstance(v, list) for v in value):
        return all(_carries(got, v) for v in value)
    return any(str(v).lower() in got for v in (value if isinstance(value, list) else [value]))


class Served:
    """One conversation's app (fresh database copy) under uvicorn on a loopback port."""

    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, lifespan="off",
                                                   log_level="error", ws="websockets-sansio"))

    async def __aenter__(self) -> "Served":
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        await self.task
        await self._lifespan.__aexit__(*exc)


async def _collect(ws: Any) -> list[dict[str, Any]]:
    events = []
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), 30))
        events.append(event)
        if event["type"] in ("done", "error"):
            return events


async def run_conversation(template: Template, conversation: dict[str, Any]) -> tuple[list[Outcome], list[str]]:
    url, data_dir = template.copy()
    try:
        async with Served(_settings(url, data_dir, template.redis_url)) as served:
            app = served.app
            email = conversation.get("technician", DEMO_TECHNICIAN_EMAIL)
            async with app.state.stores.db.connection() as conn:
                cur = await conn.execute("SELECT id, role FROM users WHERE email = %s", (email,))
                row = await cur.fetchone()
                cur = await conn.execute("SELECT coalesce(max(id), 0) AS top FROM deficiencies")
                top = (await cur.fetchone())["top"]
            user = CurrentUser(id=row["id"], role=row["role"], email=email)
            token = issue_token(user, secret=app.state.settings.jwt_secret, ttl_seconds=3600)
            before = await _statuses(app, user.id)
            outcomes: list[Outcome] = []
            async with connect(f"ws://127.0.0.1:{served.port}/voice/ws/{user.id}?token={token}",
                               open_timeout=10) as ws:
                for turn in conversation["turns"]:
                    if "location" in turn:
                        latitude, longitude = turn["location"]
                        await ws.send(json.dumps({"type": "location", "latitude": latitude, "longitude": longitude}))
                        continue
                    await ws.send(json.dumps({"type": "message", "text": turn["say"]}))
                    events = await _collect(ws)
                    problems = check_turn(turn, events)
                    outcomes.append(Outcome(turn["say"], not problems, problems, events[-1].get("text", ""), events))
            final = check_records(conversation.get("records", []), await _records(app, user.id, top))
            after = await _statuses(app, user.id)
            wanted = {**before, **conversation.get("statuses", {})}
            final += [f"job at {site} is {after.get(site)}, wanted {status}" for site, status in wanted.items()
                      if after.get(site) != status]
            return outcomes, final
    finally:
        template.drop(url)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sets = sorted(path.stem.removeprefix("conversations_") for path in DATA.glob("conversations_*.json"))
    parser.add_argument("--set", default="dev", choices=sets, help="a file bench/data/conversations_<set>.json")
    parser.add_argument("--quiet", action="store_true", help="print the totals only (for the held-out set)")
    parser.add_argument("--only", help="run only conversations whose name contains this")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"))
    parser.add_argument("--dump", type=Path, help="write every turn's frames here as JSON (to compare two runs)")
    args = parser.parse_args()
    if args.dump and args.quiet:
        parser.error("--dump reads each turn: not for a set run --quiet")
    logging.disable(logging.WARNING)  # livekit's and MCP's own chatter: the bench prints turns
    conversations = json.loads((DATA / f"conversations_{args.set}.json").read_text())
    if args.only:
        conversations = [c for c in conversations if args.only in c["name"]]
    workdir = Path(tempfile.mkdtemp(prefix="clara-conv-"))
    embedded = None
    admin_url = args.database_url
    if not admin_url:
        embedded = postgres.start_embedded(workdir / "pg")
        admin_url = embedded
    template = Template(admin_url, workdir, os.environ.get("TEST_REDIS_URL"))
    turns = passed = records_ok = 0
    dumped: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        await template.build()
        for conversation in conversations:
            outcomes, final = await run_conversation(template, conversation)
            turns += len(outcomes)
            passed += sum(o.ok for o in outcomes)
            records_ok += not final
            dumped.append({"name": conversation["name"], "final": final,
                           "turns": [{"say": o.turn, "events": [{k: v for k, v in e.items() if k not in _VOLATILE}
                                                                 for e in o.events]} for o in outcomes]})
            if args.quiet:
                continue
            print(f"\n== {conversation['name']}")
            for outcome in outcomes:
                print(f"  {'PASS' if outcome.ok else 'FAIL'}  {outcome.turn}")
                if not outcome.ok:
                    print(f"        -> {outcome.reply[:300]}")
                    for problem in outcome.problems:
                        print(f"        !! {problem}")
            print(f"  {'PASS' if not final else 'FAIL'}  (database after the conversation)")
            for problem in final:
                print(f"        !! {problem}")
    finally:
        template.close()
        shutil.rmtree(workdir, ignore_errors=True)
    if args.dump:
        args.dump.write_text(json.dumps(dumped, indent=1, sort_keys=True))
    print(f"\n{args.set}: turns {passed}/{turns} right ({100 * passed / max(turns, 1):.0f}%), "
          f"conversations with the right records {records_ok}/{len(conversations)}, "
          f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
