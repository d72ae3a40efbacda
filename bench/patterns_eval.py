"""How well Clara's pattern learning predicts a technician's next action, and how well it spots latency spikes.

1. Next action: a synthetic but realistic history (technicians working through their days: brief, next job,
   travel, customer, equipment, standards, deficiencies, job updates; each with personal habits) is loaded into
   PostgreSQL; the last 20% of each technician's sessions are held out. Every step of a held-out session is
   predicted from the steps before it with `clara.analytics.patterns` (counts aggregated by its SQL), against the
   most-frequent-action baseline. Target: top-3 accuracy at least 1.5x the baseline's.
2. Anomalies: per-tool latency streams with injected spikes go through `ToolAnomalyDetector`; precision and recall
   per call, and how many spikes were caught at all.

    python bench/patterns_eval.py [--technicians 40] [--days 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone

from _analytics_db import bench_database, copy_rows

from clara.analytics import patterns
from clara.analytics.anomalies import ToolAnomalyDetector
from clara.platform.logging import configure_logging

END = "$"
# The shape of a field day, as transition weights between tools (END closes the session).
BASE: dict[str, dict[str, float]] = {
    patterns.START: {"daily_brief": 5, "next_job": 3.5, "get_job": 1, "inspections_due": 0.5},
    "daily_brief": {"next_job": 7, "travel_time": 1, "inspections_due": 1, "get_job": 1},
    "next_job": {"travel_time": 4, "get_customer": 2.5, "get_job": 3, "customer_by_location": 0.5},
    "travel_time": {"get_customer": 4, "get_job": 5, "next_job": 1},
    "get_customer": {"get_job": 6, "equipment_spec": 2, "customer_by_location": 2},
    "customer_by_location": {"get_customer": 5, "get_job": 5},
    "get_job": {"equipment_spec": 4.5, "search_knowledge": 3, "inspections_due": 1.5, "update_job": 1},
    "equipment_spec": {"search_knowledge": 4.5, "log_deficiency": 3.5, "update_job": 2},
    "search_knowledge": {"equipment_spec": 3, "log_deficiency": 4, "search_knowledge": 1, "update_job": 2},
    "log_deficiency": {"update_job": 6, "log_deficiency": 2, "search_knowledge": 2},
    "inspections_due": {"get_job": 6, "equipment_spec": 4},
    "update_job": {"next_job": 6, END: 4},
}


def technician_habits(rng: random.Random) -> dict[str, dict[str, float]]:
    """Each technician follows the common shape with strong personal preferences (Dirichlet-perturbed rows)."""
    habits: dict[str, dict[str, float]] = {}
    for state, row in BASE.items():
        total = sum(row.values())
        personal = {a: rng.gammavariate(0.6, 1.0) for a in row}
        norm = sum(personal.values())
        habits[state] = {a: 0.3 * w / total + 0.7 * personal[a] / norm for a, w in row.items()}
    return habits


def session(habits: dict[str, dict[str, float]], rng: random.Random, max_len: int = 14) -> list[str]:
    actions: list[str] = []
    state = patterns.START
    while len(actions) < max_len:
        row = habits[state]
        state = rng.choices(list(row), list(row.values()))[0]
        if state == END:
            break
        actions.append(state)
    return actions


def history(technicians: int, days: int, rng: random.Random) -> dict[int, list[list[str]]]:
    result: dict[int, list[list[str]]] = {}
    for user in range(1, technicians + 1):
        habits = technician_habits(rng)
        result[user] = [s for _ in range(days) if (s := session(habits, rng))]
    return result


def rows_for(sessions: dict[int, list[list[str]]], days: int, now: datetime) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for user, user_sessions in sessions.items():
        for day, actions in enumerate(user_sessions):
            start = now - timedelta(days=days - day, hours=user % 8)
            for step, action in enumerate(actions):
                rows.append((uuid.uuid4(), start + timedelta(minutes=7 * step), "tool_called", user,
                             f"u{user}-d{day}", {"name": action, "duration": 0.2, "ok": True}))
    return rows


async def next_action_eval(technicians: int, days: int, rng: random.Random) -> None:
    now = datetime.now(timezone.utc)
    full = history(technicians, days, rng)
    train = {u: s[: int(len(s) * 0.8)] for u, s in full.items()}
    held_out = {u: s[int(len(s) * 0.8):] for u, s in full.items()}
    async with bench_database() as pool:
        await copy_rows(pool, rows_for(train, days, now))
        everyone = await patterns.load_counts(pool, user_id=None)
        frequent = [a for a, _ in everyone.unigrams.most_common(3)]
        hits = Counter[str]()
        steps = 0
        for user, user_sessions in held_out.items():
            personal = await patterns.load_counts(pool, user_id=user)
            own_frequent = [a for a, _ in personal.unigrams.most_common(3)]
            for actions in user_sessions:
                for i, truth in enumerate(actions):
                    ranked = [s.action for s in patterns.rank(personal, everyone, actions[:i], limit=3)]
                    steps += 1
                    hits["model@1"] += truth == ranked[0]
                    hits["model@3"] += truth in ranked
                    hits["frequent@1"] += truth == frequent[0]
                    hits["frequent@3"] += truth in frequent
                    hits["own_frequent@1"] += truth == own_frequent[0]
                    hits["own_frequent@3"] += truth in own_frequent
    train_events = sum(len(a) for s in train.values() for a in s)
    print(f"next action: {technicians} technicians, {train_events:,} training tool calls, "
          f"{steps:,} held-out steps (last 20% of each technician's sessions)")
    print(f"{'predictor':<44}{'top-1':>8}{'top-3':>8}")
    for label, key in (("pattern model (personal + everyone)", "model"),
                       ("baseline: most frequent actions", "frequent"),
                       ("reference: technician's own most frequent", "own_frequent")):
        print(f"{label:<44}{hits[key + '@1'] / steps:>8.1%}{hits[key + '@3'] / steps:>8.1%}")
    ratio1 = hits["model@1"] / max(hits["frequent@1"], 1)
    ratio3 = hits["model@3"] / max(hits["frequent@3"], 1)
    print(f"model / baseline: top-1 {ratio1:.2f}x, top-3 {ratio3:.2f}x (target top-3 >= 1.5x: "
          f"{'met' if ratio3 >= 1.5 else 'NOT met'})")


def anomaly_eval(rng: random.Random, tools: int = 12, calls: int = 3000, spikes: int = 8) -> None:
    detector = ToolAnomalyDetector()
    tp = fp = fn = 0
    caught = total_spikes = 0
    for t in range(tools):
        name = f"tool_{t}"
        center = rng.uniform(0.05, 1.0)
        windows: list[range] = []
        while len(windows) < spikes:  # non-overlapping spikes after a warm-up
            start = rng.randint(300, calls - 60)
            window = range(start, start + rng.randint(10, 40))
            if all(window.start > w.stop + 50 or window.stop + 50 < w.start for w in windows):
                windows.append(window)
        spike_of = {i: w for w in windows for i in w}
        factor = {w.start: rng.uniform(3, 8) for w in windows}
        seen: set[int] = set()
        for i in range(calls):
            seconds = center * rng.lognormvariate(0, 0.3)
            if i in spike_of:
                seconds *= factor[spike_of[i].start]
            elif rng.random() < 0.01:  # lone slow calls: noise, not an incident
                seconds *= 5
            detector.observe(name, seconds, True)
            flagged = detector.is_flagged(name)
            if flagged and i in spike_of:
                tp += 1
                seen.add(spike_of[i].start)
            elif flagged:
                fp += 1
            elif i in spike_of:
                fn += 1
        caught += len(seen)
        total_spikes += len(windows)
    print(f"anomalies: {tools} tools x {calls:,} calls, {total_spikes} injected latency spikes (3-8x, 10-40 calls),"
          " 1% lone slow calls as noise")
    print(f"per call: precision {tp / max(tp + fp, 1):.1%}, recall {tp / max(tp + fn, 1):.1%}; "
          f"spikes caught {caught}/{total_spikes}")


async def main(technicians: int, days: int, seed: int) -> None:
    configure_logging("error")
    rng = random.Random(seed)
    await next_action_eval(technicians, days, rng)
    print()
    anomaly_eval(rng)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=40)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(main(args.technicians, args.days, args.seed))
