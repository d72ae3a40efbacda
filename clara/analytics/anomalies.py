"""Anomaly detection on the tool metrics stream: each tool is compared with its own recent past.

Latency: a robust z-score of each call's log-latency against the median and MAD of the tool's normal calls, smoothed
with an EWMA so one slow call is noise and a run of them is a signal. Failures: the failures in the last few calls
against a binomial expectation from the tool's own long-run failure rate. Both flag with hysteresis, so a tool
hovering near the threshold is logged once rather than on every call.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from statistics import median
from typing import Callable

from clara.platform import metrics
from clara.platform.logging import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Anomaly:
    tool: str
    kind: str  # latency | failures
    since: datetime
    detail: str


@dataclass(frozen=True)
class DetectorConfig:
    z_flag: float = 3.5  # smoothed robust z that raises a latency flag
    z_clear: float = 1.5
    alpha: float = 0.3  # EWMA weight of the newest call: two or three slow calls in a row raise the flag
    baseline_size: int = 200
    min_baseline: int = 30  # calls before a tool has a baseline at all
    min_scale: float = 0.05  # floor on the log-latency spread: ignore jitter on very steady tools
    failure_window: int = 20
    failure_z: float = 4.0
    failure_min_rate: float = 0.25
    adopt_after: int = 200  # calls flagged in a row after which the new level becomes the baseline


@dataclass
class _ToolState:
    normal: deque[float]  # log-latency of calls seen while not flagged
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=10))
    score: float = 0.0
    flagged_calls: int = 0
    outcomes: deque[bool] = field(default_factory=deque)
    base_calls: float = 0.0
    base_failures: float = 0.0
    flags: dict[str, Anomaly] = field(default_factory=dict)


class ToolAnomalyDetector:
    """Thread-safe: tools run on the app loop and on agent job threads alike."""

    def __init__(self, config: DetectorConfig | None = None, *, clock: Callable[[], datetime] | None = None) -> None:
        self.config = config or DetectorConfig()
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._tools: dict[str, _ToolState] = {}
        self._lock = threading.Lock()

    def observe(self, tool: str, seconds: float, ok: bool) -> None:
        with self._lock:
            state = self._tools.get(tool)
            if state is None:
                state = self._tools[tool] = _ToolState(normal=deque(maxlen=self.config.baseline_size))
                state.outcomes = deque(maxlen=self.config.failure_window)
            self._observe_latency(tool, state, seconds)
            self._observe_outcome(tool, state, ok)

    def flags(self) -> list[Anomaly]:
        with self._lock:
            return sorted((a for s in self._tools.values() for a in s.flags.values()), key=lambda a: (a.tool, a.kind))

    def is_flagged(self, tool: str, kind: str = "latency") -> bool:
        with self._lock:
            state = self._tools.get(tool)
            return bool(state and kind in state.flags)

    def _observe_latency(self, tool: str, state: _ToolState, seconds: float) -> None:
        cfg = self.config
        x = math.log(max(seconds, 1e-4))
        state.recent.append(seconds)
        if len(state.normal) < cfg.min_baseline:
            state.normal.append(x)
            return
        center = median(state.normal)
        scale = max(1.4826 * median(abs(v - center) for v in state.normal), cfg.min_scale)
        z = max(min((x - center) / scale, 10.0), -10.0)  # clipped: one extreme call must not decide alone
        state.score = cfg.alpha * z + (1 - cfg.alpha) * state.score
        flagged = "latency" in state.flags
        if not flagged and state.score > cfg.z_flag:
            detail = f"median {median(state.recent):.3f}s vs baseline {math.exp(center):.3f}s"
            self._raise(state, Anomaly(tool, "latency", self._clock(), detail))
        elif flagged and state.score < cfg.z_clear:
            self._clear(state, tool, "latency")
        if "latency" in state.flags:
            state.flagged_calls += 1
            if state.flagged_calls >= cfg.adopt_after:  # not a spike any more: the tool's new normal
                state.normal.clear()
                state.normal.extend(math.log(max(v, 1e-4)) for v in state.recent)
                state.score = 0.0
                self._clear(state, tool, "latency", reason="baseline_adopted")
        elif z < cfg.z_flag:
            state.normal.append(x)

    def _observe_outcome(self, tool: str, state: _ToolState, ok: bool) -> None:
        cfg = self.config
        state.outcomes.append(ok)
        flagged = "failures" in state.flags
        rate = (state.base_failures + 1) / (state.base_calls + 50)  # prior: about 2% failures
        n = len(state.outcomes)
        failures = n - sum(state.outcomes)
        if not flagged:
            state.base_calls = state.base_calls * 0.999 + 1  # slowly forgetting, so the baseline can move
            state.base_failures = state.base_failures * 0.999 + (0 if ok else 1)
        if n < cfg.failure_window // 2:
            return
        z = (failures - n * rate) / math.sqrt(n * rate * (1 - rate))
        if not flagged and z > cfg.failure_z and failures / n >= cfg.failure_min_rate:
            detail = f"{failures} of the last {n} calls failed vs baseline {rate:.0%}"
            self._raise(state, Anomaly(tool, "failures", self._clock(), detail))
        elif flagged and (z < cfg.failure_z / 2 or failures / n < cfg.failure_min_rate / 2):
            self._clear(state, tool, "failures")

    def _raise(self, state: _ToolState, anomaly: Anomaly) -> None:
        state.flags[anomaly.kind] = anomaly
        state.flagged_calls = 0
        metrics.TOOL_ANOMALIES.labels(tool=anomaly.tool, kind=anomaly.kind).set(1)
        log.warning("tool_anomaly_detected", tool=anomaly.tool, kind=anomaly.kind, detail=anomaly.detail)

    def _clear(self, state: _ToolState, tool: str, kind: str, reason: str = "back_to_baseline") -> None:
        state.flags.pop(kind, None)
        state.flagged_calls = 0
        metrics.TOOL_ANOMALIES.labels(tool=tool, kind=kind).set(0)
        log.info("tool_anomaly_cleared", tool=tool, kind=kind, reason=reason)
