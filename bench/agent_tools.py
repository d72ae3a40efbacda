"""Clara's tools in-process vs over HTTP, and a full text-chat turn with the offline LLM.

The old design ran the agent as a second service that reached the backend over HTTP for every tool. Here each tool
is called the way Clara calls it now (the Agent's @function_tool, straight into the service, through the bridge)
and the same service is reached the old way (an HTTP request to a separate Clara process on loopback, JSON both
ways), in one run, against one database. Then whole typed turns (offline LLM, tool, reply, persisted) are timed.

    python bench/agent_tools.py [--calls 30] [--turns 200]

Targets: every tool >= 20x faster in-process; a chat turn p50 <= 50 ms, also for turns that resolve context
("my next site", "there", "here", "the job after X", "that unit") and for a read-back and its yes.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Awaitable, Callable

import httpx
from _clara_bench import TECHNICIAN, bench_clara

from clara.agent.clara import Clara
from clara.agent.context import load_context
from clara.agent.tools import deficiencies, drafts, jobs, knowledge, preferences, sites
from clara.app import create_app
from clara.web.caller import CurrentUser
from clara.chat.runtime import AgentRuntime
from clara.settings import Settings
from clara.stores.chroma import chroma_dir

QUESTIONS = [
    "What's the amp draw for Carrier 50TCQA06?",
    "Show me NFPA 25 requirements for fire pumps",
    "Who is the customer at WeWork?",
    "What's my next job?",
    "Log a deficiency: corroded sprinkler head in stairwell B, deficient",
    "no",  # the read-back is declined: nothing is stored, every round is alike
]
# Turns that resolve references against the day, the position and the conversation, as the app sends them.
CONTEXT_QUESTIONS = [
    "Who's the customer at my next site?",
    "Anything special I need to know before I show up there?",
    "What's my job after Ferry Building?",
    "What's due for inspection at this site?",
    "What's the max fuse size on the Carrier 50TCQA6?",
    "And its MCA?",
    "What's the MCA on the rooftop unit here?",
    "Log a deficiency: the Amerex B260 extinguisher in the kitchen has its gauge in the red, severity high",
    "no, severity medium",
    "cancel",
]
WEWORK = (37.79155, -122.39418)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(call: Callable[[], Awaitable[Any]], n: int) -> float:
    """Median seconds of `n` calls, after one untimed warm-up (caches filled, connections open, as in a session)."""
    await call()
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def run(calls: int, turns: int) -> None:
    with bench_clara() as server:
        print(f"separate Clara process up in {server.startup_seconds:.1f} s (seeded, corpus embedded)")
        data_dir = Path(tempfile.mkdtemp(prefix="clara-bench-inproc-"))
        shutil.copytree(chroma_dir(Path(server.process.env["DATA_DIR"])), chroma_dir(data_dir))
        settings = Settings(env="test", database_url=server.database_url, redis_url=server.redis.url,
                            data_dir=data_dir, seed_demo_data=False, agent_worker_enabled=False,
                            jwt_secret=server.jwt_secret, log_level="warning", log_format="json",
                            rate_limit_default="1000000/minute", rate_limit_login="1000000/minute")
        app = create_app(settings)
        try:
            async with app.router.lifespan_context(app):
                await compare(app, server.url, server.token(TECHNICIAN), server.user(TECHNICIAN).id, calls)
                await chat_turns(app, server.user(TECHNICIAN), turns)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


async def compare(app: Any, url: str, token: str, user_id: int, calls: int) -> None:
    runtime: AgentRuntime = app.state.agent
    stores = app.state.stores
    technician = await _user(stores, user_id)
    ctx = await load_context(stores, runtime.chats.bridge, caller=technician, user_id=user_id, channel="text")
    tool = SimpleNamespace(session=SimpleNamespace(current_agent=Clara(ctx)))  # what a tool reads of its RunContext
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(j.id) AS id FROM jobs j JOIN sites s ON s.id = j.site_id"
                                 " WHERE j.technician_id = %s AND s.name = 'ABC Manufacturing Plant 1'", (user_id,))
        abc_job = (await cur.fetchone())["id"]
    await deficiencies.log_deficiency(tool, description="bench probe", severity="suggested")  # type: ignore[arg-type]
    await drafts.confirm_draft(tool, accept=True)  # type: ignore[arg-type]
    deficiency_id = ctx.entities.deficiency_id  # one to mark fixed, again and again (idempotent)
    assert deficiency_id

    headers = {"Authorization": f"Bearer {token}"}
    home = {"latitude": 37.7793, "longitude": -122.4193}
    # tool: (in-process call, the HTTP request the old agent service made for it)
    cases: dict[str, tuple[Callable[[], Awaitable[Any]], tuple[str, str, dict[str, Any]]]] = {
        "customer_at_location": (lambda: sites.customer_at_location(tool, location="WeWork"),
                                 ("GET", "/clara-server/crm/customers/by-location/WeWork", {})),
        "my_jobs_today": (lambda: jobs.my_jobs_today(tool), ("GET", "/jobs", {})),
        "next_job": (lambda: jobs.next_job(tool), ("GET", "/jobs", {"params": home})),
        "daily_brief": (lambda: jobs.daily_brief(tool), ("GET", "/daily-brief", {"params": home})),
        "job_details": (lambda: jobs.job_details(tool, job_id=abc_job), ("GET", f"/jobs/{abc_job}", {})),
        "equipment_spec": (lambda: knowledge.equipment_spec(tool, model="50TCQA06", question="amp draw"),
                           ("GET", "/clara-server/equipment/50TCQA06", {})),
        "knowledge_search": (lambda: knowledge.knowledge_search(tool, query="NFPA 25 fire pump weekly test"),
                             ("GET", "/clara-server/knowledge/search",
                              {"params": {"query": "NFPA 25 fire pump weekly test", "k": 3}})),
        "travel_time": (lambda: sites.travel_time(tool, destination="Salesforce Tower"),
                        ("POST", "/clara-server/travel-time",
                         {"json": {"origin": home, "destination": "Salesforce Tower"}})),
        "inspections_due": (lambda: sites.inspections_due(tool, site="ABC Manufacturing Plant 1"),
                            ("GET", f"/jobs/{abc_job}", {})),
        "log_deficiency": (lambda: deficiencies.log_deficiency(tool, description="bench probe", severity="suggested"),
                           ("POST", f"/jobs/{abc_job}/deficiencies",
                            {"json": {"description": "bench probe", "severity": "suggested"}})),
        "mark_deficiency_fixed": (lambda: deficiencies.mark_deficiency_fixed(tool, deficiency_id=deficiency_id),
                                  ("POST", f"/clara-server/deficiencies/{deficiency_id}/fixed", {})),
        "get_preferences": (lambda: preferences.get_preferences(tool),
                            ("GET", f"/clara-server/users/{user_id}/preferences", {})),
        "set_preferences": (lambda: preferences.set_preferences(tool, verbosity="normal"),
                            ("PUT", f"/clara-server/users/{user_id}/preferences", {"json": {"verbosity": "normal"}})),
    }
    print(f"\n{'tool':24} {'in-process':>11} {'HTTP keep-alive':>16} {'HTTP new conn':>14}   (medians of {calls} calls)")
    kept, fresh = [], []
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
        for name, (local, (method, path, kwargs)) in cases.items():
            async def reused() -> Any:
                response = await client.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()

            async def connected() -> Any:  # a client per call, as a service without a shared pool does
                async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as own:
                    response = await own.request(method, path, **kwargs)
                response.raise_for_status()
                return response.json()

            inproc = await timed(local, calls)
            http, http_new = await timed(reused, calls), await timed(connected, calls)
            kept.append(http / inproc)
            fresh.append(http_new / inproc)
            print(f"{name:24} {inproc * 1000:9.3f}ms {http * 1000:9.3f}ms {http / inproc:5.1f}x "
                  f"{http_new * 1000:8.3f}ms {http_new / inproc:5.1f}x")
    print(f"{'median ratio':24} {'':>11} {statistics.median(kept):15.1f}x {statistics.median(fresh):13.1f}x   "
          f"(target >= 20x)")
    print(f"{'tools at >= 20x':24} {'':>11} {sum(r >= 20 for r in kept):13d}/{len(kept)} "
          f"{sum(r >= 20 for r in fresh):12d}/{len(fresh)}")


async def _user(stores: Any, user_id: int) -> CurrentUser:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT id, role, email FROM users WHERE id = %s", (user_id,))
        row = await cur.fetchone()
    return CurrentUser(id=row["id"], role=row["role"], email=row["email"])


async def chat_turns(app: Any, user: Any, turns: int) -> None:
    runtime: AgentRuntime = app.state.agent
    for label, questions, position in (("the five reference questions", QUESTIONS, None),
                                       ("context resolution, at a site", CONTEXT_QUESTIONS, WEWORK)):
        session = await runtime.chats.open(actor=user, user_id=user.id, fresh=True, position=position)
        for question in questions:  # warm-up: caches, the embedding model, the known place names
            [event async for event in session.turn(question)]
        samples = []
        for i in range(turns):
            started = time.perf_counter()
            events = [event async for event in session.turn(questions[i % len(questions)])]
            samples.append(time.perf_counter() - started)
            assert events[-1]["type"] == "done", events[-1]
        print(f"\nfull text-chat turn, offline LLM ({turns} turns, {label}): "
              f"p50 {percentile(samples, 0.5) * 1000:.1f} ms, p95 {percentile(samples, 0.95) * 1000:.1f} ms "
              f"(target p50 <= 50 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.calls, args.turns))


if __name__ == "__main__":
    main()
