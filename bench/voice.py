"""A long spoken conversation through Gemini Live (the local fake) on the real plugin: does a whole job's talk hold?

Clara runs as a voice job does: the session on its own thread and loop, every service call hopping to the app's
loop through the bridge, against a seeded database the bench owns. The technician's questions are spoken by
espeak-ng; the fake answers at once and plays the service's limits in simulated time: each turn stands for
`--turn-seconds` of talk, a connection gets a `goAway` once it has lasted 10 minutes, one connection is cut without
a close frame, and the context window is enforced (Clara's sliding-window compression must keep it in bounds).

    python bench/voice.py [--turns 64] [--turn-seconds 28.5]

Backend share of a turn: Clara's own work in it (each tool through the bridge, then saving the turn through the
bridge), timed around `Clara._run` and `Clara.end_turn`; the fake's answers take no time. The lines before the last
break it down: each tool run, each turn's save as the voice loop waits for it, and the same save timed on the app's
loop (the difference is the hop between the loops). Targets: every turn answered, no tool call repeated, the
conversation record complete; backend p50 <= 20 ms, p95 <= 50 ms. Figures depend on the machine's load: print
`uptime` with them.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _clara_bench import TECHNICIAN, bench_clara

from clara.agent import runner
from clara.agent.bridge import Bridge
from clara.agent.context import load_context
from clara.app import create_app
from clara.conversations import service as conversations
from clara.web.caller import CurrentUser
from clara.settings import Settings
from clara.stores.chroma import chroma_dir
from tests.agent.voice import Voice, speech
from tests.fakes.gemini_live import Drop, FakeGeminiLive, Turn, call, say, turn

CONVERSATION: list[tuple[str, Turn]] = [  # (what the technician says aloud, what the fake hears and does)
    ("What's the amp draw on the fifty T C Q A zero six?",
     turn("What's the amp draw on the 50TCQA06?", call("equipment_spec", model="50TCQA06", question="amp draw"),
          say("MCA 26.7 amps, MOCP 30 amps."))),
    ("How often do we test the fire pump under NFPA 25?",
     turn("How often do we test the fire pump under NFPA 25?",
          call("knowledge_search", query="NFPA 25 fire pump test frequency", source="nfpa"),
          say("Weekly churn test, annual flow test, per NFPA 25."))),
    ("What are my jobs today?",
     turn("What are my jobs today?", call("my_jobs_today"), say("You have four jobs today."))),
    ("Who is the customer at WeWork?",
     turn("Who is the customer at WeWork?", call("customer_at_location", location="WeWork"),
          say("That's WeWork, a priority account."))),
    ("What's my next job?", turn("What's my next job?", call("next_job"), say("Your next job is at ten."))),
    ("Okay, thanks, give me a minute.", turn("Okay, thanks, give me a minute.", say("Sure, take your time."))),
]


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Stopwatch:
    """Clara's own work per turn: tool runs and the turn's save, wrapped around the agent instance."""

    def __init__(self, voice: Voice) -> None:
        self.current = 0.0
        self.turns: list[float] = []
        self.tools: list[float] = []
        self.saves: list[float] = []
        agent = voice.agent
        run, end_turn = runner.run, agent.end_turn

        async def timed_run(context: Any, name: str, work: Any) -> str:
            started = time.perf_counter()
            try:
                return await run(context, name, work)
            finally:
                self.tools.append(time.perf_counter() - started)
                self.current += self.tools[-1]

        async def timed_end_turn(**kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await end_turn(**kwargs)
            finally:
                self.saves.append(time.perf_counter() - started)
                self.turns.append(self.current + self.saves[-1])
                self.current = 0.0

        save_turn = conversations.save_turn

        async def timed_save(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await save_turn(*args, **kwargs)
            finally:
                self.on_app_loop.append(time.perf_counter() - started)

        conversations.save_turn = timed_save  # type: ignore[assignment]
        self.on_app_loop: list[float] = []
        runner.run = timed_run  # type: ignore[assignment]
        agent.end_turn = timed_end_turn  # type: ignore[method-assign]


async def conversation(app_loop: asyncio.AbstractEventLoop, stores: Any, user: CurrentUser, turns: int,
                       turn_seconds: float) -> dict[str, Any]:
    """The voice job: its own loop, like LiveKit's THREAD executor gives it."""
    fake = await FakeGeminiLive(connection_minutes=10, window_tokens=22_500, turn_seconds=turn_seconds).start()
    ctx = await load_context(stores, Bridge(app_loop), caller=user, user_id=user.id, channel="voice")
    voice = await Voice(ctx, fake).start()
    watch = Stopwatch(voice)
    audio = {spoken: speech(spoken) for spoken, _ in CONVERSATION}
    script = [CONVERSATION[i % len(CONVERSATION)] for i in range(turns)]
    drop_at = turns * 6 // 10  # once, past the first goAway
    answered = 0
    try:
        for i, (spoken, scripted) in enumerate(script):
            steps = (*scripted.steps, Drop()) if i == drop_at else scripted.steps
            fake.then(Turn(scripted.heard, steps))
            voice.microphone.say(audio[spoken])
            try:
                await fake.wait_turns(i + 1, timeout=30)
                await voice.saved(i + 1)
                answered += 1
            except TimeoutError:
                print(f"turn {i + 1} not answered: {scripted.heard!r}")
                break
        rows = await ctx.bridge.call(saved_rows(stores, ctx.conversation.id))
    finally:
        await voice.aclose()
        await fake.stop()
    call_ids = [c[0] for c in fake.calls_sent]
    responses = Counter(r.get("id") for r in fake.tool_responses)
    return {
        "answered": answered, "turns": turns, "minutes": fake.clock / 60, "backend": watch.turns,
        "tools": watch.tools, "saves": watch.saves, "on_app_loop": watch.on_app_loop,
        "connections": len(fake.connections), "resumed": sum(c.resumed for c in fake.connections),
        "go_aways": fake.go_aways, "drops": fake.drops, "compressions": fake.compressions,
        "tool_calls": len(call_ids), "tools_repeated": sum(n - 1 for n in responses.values() if n > 1),
        "tools_unanswered": sum(1 for i in call_ids if i not in responses),
        "record_complete": [r["user_text"] for r in rows] == [t.heard for _, t in script[:answered]]
        and all(r["reply"].strip() for r in rows)
        and sum(len(r["tool_calls"]) for r in rows) == len(call_ids),
    }


async def saved_rows(stores: Any, conversation_id: str) -> list[dict[str, Any]]:
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT user_text, reply, tool_calls FROM conversation_turns"
                                 " WHERE conversation_id = %s ORDER BY seq", (conversation_id,))
        return list(await cur.fetchall())


async def run(turns: int, turn_seconds: float) -> None:
    if shutil.which("espeak-ng") is None:
        raise SystemExit("espeak-ng is needed to speak the technician's questions: apt-get install -y espeak-ng")
    with bench_clara() as server:
        data_dir = Path(tempfile.mkdtemp(prefix="clara-bench-voice-"))
        shutil.copytree(chroma_dir(Path(server.process.env["DATA_DIR"])), chroma_dir(data_dir))
        server.process.stop()  # only its seeded database and embedded corpus are needed
        settings = Settings(env="test", database_url=server.database_url, redis_url=server.redis.url,
                            data_dir=data_dir, seed_demo_data=False, agent_worker_enabled=False,
                            jwt_secret=server.jwt_secret, log_level="warning", log_format="json")
        app = create_app(settings)
        try:
            async with app.router.lifespan_context(app):
                user = server.user(TECHNICIAN)
                loop = asyncio.get_running_loop()
                result = await asyncio.to_thread(asyncio.run, conversation(loop, app.state.stores, user, turns,
                                                                           turn_seconds))
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)
    backend = result["backend"]
    print(f"connections {result['connections']} (resumed {result['resumed']}), goAway {result['go_aways']}, "
          f"dropped {result['drops']}, context compressions {result['compressions']}")
    print(f"tool calls {result['tool_calls']}, repeated {result['tools_repeated']}, unanswered "
          f"{result['tools_unanswered']}; conversation record complete: {result['record_complete']}")
    for part in ("tools", "saves", "on_app_loop"):
        samples = result[part]
        print(f"{part}: {len(samples)}, p50 {percentile(samples, 0.5) * 1000:.1f} ms "
              f"p95 {percentile(samples, 0.95) * 1000:.1f} ms")
    print(f"voice: {result['answered']}/{result['turns']} turns answered over {result['minutes']:.1f} simulated "
          f"minutes, backend p50 {percentile(backend, 0.5) * 1000:.1f} ms p95 {percentile(backend, 0.95) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=64)
    parser.add_argument("--turn-seconds", type=float, default=28.5)
    args = parser.parse_args()
    asyncio.run(run(args.turns, args.turn_seconds))


if __name__ == "__main__":
    main()
