"""What bench/faults.py found per scenario, and the targets it is held to (issue 18)."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

RECOVERY_TARGET = 5.0
HEALTH_TARGET = 1.0


@dataclass
class Scenario:
    name: str
    marker: str  # the session id of this scenario's analytics events
    served: Counter[str] = field(default_factory=Counter)
    contract_503: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    clara_away: int = 0  # requests refused while Clara itself was being restarted
    deficiencies: set[int] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    health: list[float] = field(default_factory=list)
    recovery: dict[str, float | None] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    lost_deficiencies: int = 0
    lost_events: int = 0
    settled_seconds: float | None = None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(s: Scenario) -> None:
    served = sum(s.served.values())
    print(f"== {s.name}")
    print(f"   requests served {served}; contract 503s {sum(s.contract_503.values())} "
          f"({', '.join(f'{k} {v}' for k, v in sorted(s.contract_503.items())) or 'none'}); "
          f"unexpected {sum(s.unexpected.values())} {dict(s.unexpected) or ''} (target 0)"
          + (f"; refused while Clara restarted {s.clara_away}" if s.clara_away else ""))
    settled = "" if s.settled_seconds is None else f", all stored {s.settled_seconds:.1f} s after the scenario"
    print(f"   acknowledged {len(s.deficiencies)} deficiencies, {len(s.events)} events; lost "
          f"{s.lost_deficiencies} deficiencies, {s.lost_events} events{settled} "
          f"({verdict(not s.lost_deficiencies and not s.lost_events)}: target 0)")
    for label, seconds in s.recovery.items():
        shown = "did not recover" if seconds is None else f"{seconds:.1f} s"
        print(f"   recovery {label}: {shown} ({verdict(seconds is not None and seconds <= RECOVERY_TARGET)}: "
              f"target <= {RECOVERY_TARGET:g} s)")
    if s.health:
        p99 = percentile(s.health, 0.99)
        print(f"   /health over {len(s.health)} probes: p50 {statistics.median(s.health) * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms, max {max(s.health) * 1000:.0f} ms ({verdict(p99 <= HEALTH_TARGET)}: "
              f"target p99 <= {HEALTH_TARGET:g} s)")
    for note in s.notes:
        print(f"   {note}")


def summary(results: list[Scenario]) -> None:
    print("\nscenario                  lost  unexpected  worst recovery  /health p99")
    for s in results:
        recoveries = list(s.recovery.values())
        worst = "n/a" if not recoveries else ("none" if None in recoveries else f"{max(recoveries):.1f} s")
        p99 = f"{percentile(s.health, 0.99) * 1000:.0f} ms" if s.health else "n/a"
        print(f"{s.name:24}  {s.lost_deficiencies + s.lost_events:4}  {sum(s.unexpected.values()):10}  "
              f"{worst:>14}  {p99:>11}")
