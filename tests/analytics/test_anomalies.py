from __future__ import annotations

import random

from structlog.testing import capture_logs

from clara.analytics.anomalies import DetectorConfig, ToolAnomalyDetector


def steady(detector: ToolAnomalyDetector, tool: str, calls: int, *, center: float = 0.2, seed: int = 1) -> None:
    rng = random.Random(seed)
    for _ in range(calls):
        detector.observe(tool, center * rng.lognormvariate(0, 0.15), True)


def test_a_sustained_latency_spike_is_flagged_once_and_cleared() -> None:
    detector = ToolAnomalyDetector()
    steady(detector, "search_knowledge", 100)
    steady(detector, "next_job", 100)
    assert detector.flags() == []
    with capture_logs() as logs:
        for _ in range(3):
            detector.observe("search_knowledge", 2.0, True)
        assert [a.tool for a in detector.flags()] == ["search_knowledge"]
        for _ in range(20):
            detector.observe("search_knowledge", 2.0, True)
        assert detector.is_flagged("search_knowledge") and not detector.is_flagged("next_job")
        steady(detector, "search_knowledge", 30, seed=2)
    assert detector.flags() == []
    events = [(e["event"], e.get("tool")) for e in logs]
    assert events == [("tool_anomaly_detected", "search_knowledge"), ("tool_anomaly_cleared", "search_knowledge")]
    assert "baseline" in logs[0]["detail"]


def test_one_slow_call_is_noise() -> None:
    detector = ToolAnomalyDetector()
    steady(detector, "get_job", 100)
    detector.observe("get_job", 5.0, True)
    steady(detector, "get_job", 5, seed=3)
    assert detector.flags() == []


def test_no_baseline_no_flag() -> None:
    detector = ToolAnomalyDetector()
    for seconds in (0.1, 3.0, 0.1, 4.0, 5.0):
        detector.observe("travel_time", seconds, True)
    assert detector.flags() == []


def test_a_burst_of_failures_is_flagged() -> None:
    detector = ToolAnomalyDetector()
    rng = random.Random(5)
    for _ in range(200):
        detector.observe("travel_time", 0.3, rng.random() > 0.02)
    assert not detector.is_flagged("travel_time", "failures")
    for i in range(12):
        detector.observe("travel_time", 0.3, i % 3 == 0)
    [anomaly] = detector.flags()
    assert anomaly.kind == "failures" and "failed" in anomaly.detail
    for _ in range(20):
        detector.observe("travel_time", 0.3, True)
    assert detector.flags() == []


def test_a_lasting_change_becomes_the_new_baseline() -> None:
    detector = ToolAnomalyDetector(DetectorConfig(adopt_after=50))
    steady(detector, "equipment_spec", 100, center=0.1)
    steady(detector, "equipment_spec", 10, center=1.0, seed=4)
    assert detector.is_flagged("equipment_spec")
    steady(detector, "equipment_spec", 60, center=1.0, seed=5)
    assert not detector.is_flagged("equipment_spec")
    steady(detector, "equipment_spec", 30, center=1.0, seed=6)
    assert not detector.is_flagged("equipment_spec")
