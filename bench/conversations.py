"""Conversations nobody on the team scripted as tests, through the real app keyless, over its WebSocket.

Each conversation (bench/data/conversations_<set>.json) is a list of turns: what the technician says (or a
`location` frame the app sends), and what a user would notice: the tool Clara called (or none), words the reply must
carry (each entry a list of alternatives, any one of which will do), words it must not carry, a draft read back, a
record saved. After the last turn the database is checked: the deficiencies the conversation created (exactly
these, with these fields, or none) and the demo jobs' statuses. Every conversation starts on a fresh copy of the
seeded database, as a new user of a fresh server would. A conversation may name the demo `technician` it is signed
in as (a login email; Maria Lopez by default, and the demo day whose job statuses are checked is hers).

Sixteen sets: `dev` to `dev7` are what fixes are tuned on; `heldout`, `heldout2`, `heldout8` and `heldout9` are only
measured (run them with --quiet: the totals, no turns), so a fix tuned on one author's phrasings is measured on turns
nobody tuned on. `heldout4` was held out until its failures were studied turn by turn (session 11: spoken model numbers
and writes), `heldout3` and `heldout5` until session 13, `heldout6` until session 14, `heldout7` until session 15: they are development
sets since, and `heldout8` and `heldout9` are the ones to quote.
`dev3`, a third author's, is raw speech-recognition text throughout (lowercase, no punctuation, digits and letters
spoken, "oh" for zero, "for" for four), contacts asked for by role, equipment by kind at a site, the day in other words,
two asks in one utterance and corrections before and after a read-back. `dev4`, a fourth author's, speaks in fragments
and pronouns ("his number", "mca on it"), in trade slang ("the FACP", "the BFP", "the RTU on the roof", "K can"), mixes
the day and the standards in one breath, asks the same thing two ways, asks what a site needs before hot work or
drilling, names units by kind and place, and says severity, corrections, yes and no in many words ("make it high
instead", "nah scratch that", "yep go ahead"). The second author's sets add speech-recognition text, numbers and model
numbers spoken in pieces, two asks in one utterance, corrections mid-sentence and after a read-back, sites that are not
today's, and small talk that must store nothing. `heldout3`, a fifth author's, written without reading the routing code,
mixes typed text and raw speech-recognition text through a technician's day: today's and tomorrow's jobs, the job after
one and the last, contacts and rules "here" and "there", specs by spoken model with follow-ups by pronoun, the units
preference changed by voice mid-conversation, standards in lay words, manual-style troubleshooting, inspections due,
deficiencies read back, corrected, declined and confirmed, job status changes, and small talk that must store nothing.
`heldout4`, a sixth author's, also written without reading the routing code, covers the same ground in other words and
adds: a unit named by kind where the site has two of that kind, a unit self-corrected mid-sentence, an ambiguous model
family, yesterday's last job (any job or none is right: history skips weekends), tomorrow's contact and rules, and a
stray "yes" with nothing to confirm. `heldout5`, a seventh author's, also blind, covers the day once more in its own
words and adds: a site's units named by kind and place where it has two of a kind (the backflow "in the riser room", the
one "in the street vault"), a status change aimed at the wrong job and corrected after the read-back, two write-ups in
one conversation with a how-to question between them, the units switched to metric and back, and troubleshooting that
sounds like a write. `heldout6`, an eighth author's, blind until session 14 and studied since, walks the day once more in its own words, by voice and
typed: the first, next, after-one and last jobs, how long one is booked and when to be there or leave, contacts and
rules "here", "there" and by nickname ("the plant", "the tower"), a site's units by kind and place, spec follow-ups by
pronoun ("its max fuse", "the biggest breaker"), standards in shop talk, write-ups corrected ("no make that medium",
"wrong unit, the other one"), declined, raised after the read-back and confirmed, a second "yes" after a save, job
status started, corrected from complete to en route and declined, units to metric and back, small talk, and a stray yes
and no (first run, December 6, on main at 9a7fee6: turns 66/99, right records in 25 of 30 conversations). `dev6` (issue
14's kinds of miss, in new words, typed and raw speech) asks where the day ends ("which one am I finishing at"), how
long a job is booked, the job after this one, a site by the kind of place it is ("that school", "the factory", "the
market") and a named site while standing at another, a site's units by kind ("what panel does ABC have"), what a unit is
rated for, the same figure at another voltage ("and at four sixty"), and sign-offs that must call no tool. `dev7`,
written to the kinds of write failures that author reported (not their turns), is a development set: units named by a
generic word and a place ("the unit on the roof here", "the backflow out in the vault"), the wrong one of two corrected
as "the other one", a kind corrected inside the sentence and after the read-back, a status change on a named site's job
and its job corrected, the units switched in few words ("metric please", "switch me back"), a second write-up after a
how-to or while the first waits, and troubleshooting asked about a unit while a write-up waits.

`heldout7`, a ninth author's, was blind and held out until session 15 (studied since, once heldout8 existed): written
without reading how Clara routes or answers (only this harness, the README, the API contract, the shipped
specifications and knowledge, and the seeded demo data as the HTTP API serves it). 30 conversations, 108 turns, raw speech-recognition
text and typed: the day (first, last, the job after and before a named site, how long one is booked, tomorrow's
first site and its contact and rule), where and when, contacts and rules "here", "there", "at my next one" and by
nickname ("the ferry", "the plant"), a site's units by kind and place, specs by spoken model with follow-ups by
pronoun ("its breaker", "and at four sixty") and a 460 V figure the catalogue does not have, standards in shop talk
("a K can", "an ABC five pounder", "heads and the top of the stock"), manual troubleshooting that must draft nothing,
inspections overdue here and there, write-ups read back, raised, moved to the other of two backflows, re-worded,
declined, interrupted by a spec question and said again, two in a row, job status started, en route corrected to
another job, completed, complete corrected to started, en route declined, units to metric and back, small talk and a
stray yes and no. Each fact-bearing turn names its `source`, and `bench/data/check_heldout7.py --api URL` checks every
expectation against that source on a Clara seeded today (0 problems when written). First run, December 6, on main at
e8726e4 (the set committed unchanged as ebebb69): turns 73/108 right (68%), right records in 26 of 30 conversations.

`heldout8`, a tenth author's, is blind and held out too (quote it, never study it): written from the same
material as heldout7's (this harness, the README, the API contract, the shipped specifications and knowledge, the
seeded data as the HTTP API serves it; no routing, resolving or answering code, no other set's turns but heldout6's
format). 30 conversations, 108 turns, in voices the earlier sets lack: English as a second language ("how much is
the ampere for compressor", "it have two compressor or only one"), radio-terse turns ("next.", "time?",
"contact?", "rules there?"), heavy speech-recognition errors ("carry or fifty tea see queue a oh six", "lenox land
mark", "grundfoss", "aims three thousand s s four", "free on", "over due for in spec shun", "firepump"), long
rambling turns with one real question, the day by the clock ("after lunch", "the ten o'clock", "the one thirty",
"when am I wrapped up"), two other technicians signed in (James Chen's and Priya Patel's days, contacts, rules and
a write-up at Priya's site), a location sent mid-conversation, a question corrected ("no I meant the other one,
the one after lunch"), follow-ups by pronoun and ellipsis ("and the max breaker", "and at two thirty", "and the
fusible links"), standards in shop talk (strobe height, the evacuation pattern, QR heads, riser gauges, spare
heads, a wok kitchen's exhaust, agent hold time), manual troubleshooting that must draft nothing (a short-cycling
jockey pump, an iced heat pump, a rollout switch, a ground fault), overdue inspections here, "this afternoon" and
after a correction, write-ups corrected by severity, unit and wording then saved or declined, a job started then
its completion declined, en route to "the ten o'clock", units to kilograms and back, and sign-offs that must do
nothing. Each fact-bearing turn names its `source`, narrower than heldout7's (one field of a specification, the job
at a time, only the overdue units), and `bench/data/check_heldout8.py --api URL` proves every expectation, and that
every forbidden word is wrong, on a Clara seeded today (0 problems when written). First run, December 6, on main at
cd2f55c with this harness (the set as committed in 357ddc5): turns 68/108 right (63%), right records in 26 of 30
conversations.

`heldout9`, an eleventh author's, is blind and held out too (quote it, never study it): written from the same
material as heldout8's (this harness, the README, the API contract, the shipped specifications and knowledge, the
seeded data as the HTTP API serves it; heldout6's and heldout7's turns for the format only; no routing, resolving or
answering code). 30 conversations, 127 turns, in voices the earlier sets lack: an apprentice who asks "why" after
each answer (extinguisher teardowns, a diesel pump's weekly run, a heat pump's charge); a technician driving between
sites in short interrupted turns ("wait go back", "hang on. address", "no wait go back, what time was the ferry");
a lead tech on another technician's login checking that technician's day ("this is devons tablet, im his lead",
"crew lead here checking on james"), and a third technician's radio-short day; a fire alarm inspector asking by
section number ("per seventy two ten six seven two one", "fourteen four four three three", "seventeen fifteen");
model numbers read off dirty nameplates through speech recognition ("forty eight tee see dee a twelve", "fifty tea
see queue a oh eight", "el gee aitch oh sixty", "why ess see one twenty", "forty r u a oh eight"); metric asked
while the preference is imperial ("in centimetres", "in metres", "like fifty kilos") and the preference switched
and back; write-ups dictated in pieces ("got a deficiency to write up here", "its the backflow in the riser room",
then the fault) and corrected ("actually severity is minor", "make that the one in the corridor", "medium", then
"eh actually minor's fine"), cancelled mid-way, and confirmed, at Maria's and Priya's sites; a job put en route then
"undo that" (the API moves a job only forward, so it stays en route and nothing else may change) and a job started
then corrected to complete after the save; special requirements asked in lay words ("anything weird about",
"are they picky about anything", "any gotchas", "they gonna card him there"); a site's contact where its customer
has two sites; sprinkler, kitchen and clean-agent standards in shop talk; overdue units only; troubleshooting that
must draft nothing; small talk and thanks that must store nothing. Each fact-bearing turn names its `source`, and
`bench/data/check_heldout9.py --api URL` proves every expectation (and every forbidden word wrong, every saved
status reachable) on a Clara seeded today: 0 problems when written, 10 planted wrong expectations all caught. First
run, December 6, on main at df4d165 with this harness (the set as committed in 26a08de): turns 67/127 right (53%),
right records in 25 of 30 conversations.

    python bench/conversations.py --set dev
    python bench/conversations.py --set heldout --quiet
    python bench/conversations.py --set dev2
    python bench/conversations.py --set heldout2 --quiet
    python bench/conversations.py --set dev3
    python bench/conversations.py --set dev4
    python bench/conversations.py --set heldout3 --quiet
    python bench/conversations.py --set heldout4 --quiet
    python bench/conversations.py --set heldout5 --quiet
    python bench/conversations.py --set heldout6 --quiet
    python bench/conversations.py --set heldout7 --quiet
    python bench/conversations.py --set heldout8 --quiet
    python bench/conversations.py --set heldout9 --quiet
    python bench/conversations.py --set dev6

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
            " JOIN jobs j ON j.id = d.job_id JOIN sites s ON s.id = j.site_id"
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
            elif not any(str(v).lower() in str(got.get(key) or "").lower()
                         for v in (value if isinstance(value, list) else [value])):
                problems.append(f"record {key} {got.get(key)!r}, wanted {value!r}")
    return problems


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
                    outcomes.append(Outcome(turn["say"], not problems, problems, events[-1].get("text", "")))
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
    args = parser.parse_args()
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
    started = time.monotonic()
    try:
        await template.build()
        for conversation in conversations:
            outcomes, final = await run_conversation(template, conversation)
            turns += len(outcomes)
            passed += sum(o.ok for o in outcomes)
            records_ok += not final
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
    print(f"\n{args.set}: turns {passed}/{turns} right ({100 * passed / max(turns, 1):.0f}%), "
          f"conversations with the right records {records_ok}/{len(conversations)}, "
          f"{time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
