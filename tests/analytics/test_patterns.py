from __future__ import annotations

from datetime import datetime, timedelta, timezone

from starlette.applications import Starlette

from clara.analytics import patterns, service
from clara.analytics.patterns import Counts, rank
from clara.web.caller import CurrentUser


def counts(*sessions: list[str]) -> Counts:
    result = Counts()
    for actions in sessions:
        for i, action in enumerate(actions):
            prev2, prev1 = patterns.context_of(actions[:i])
            result.add(prev2, prev1, action)
    return result


def test_a_technicians_own_habit_outweighs_the_crowd() -> None:
    crowd = counts(*[["next_job", "get_job", "travel_time"]] * 20)
    maria = counts(*[["next_job", "get_customer", "equipment_spec"]] * 4)
    [top, *_] = rank(maria, crowd, ["next_job"])
    assert top.action == "get_customer" and top.basis == "personal"
    newcomer = rank(Counts(), crowd, ["next_job"])
    assert newcomer[0].action == "get_job" and newcomer[0].basis == "everyone"


def test_context_of_two_actions_disambiguates() -> None:
    history = counts(*[["a", "x", "b"]] * 5, *[["c", "x", "d"]] * 5)
    assert rank(history, history, ["a", "x"])[0].action == "b"
    assert rank(history, history, ["c", "x"])[0].action == "d"


def test_confidences_are_probabilities_ranked_high_to_low() -> None:
    history = counts(*[["daily_brief", "next_job"]] * 8, ["daily_brief", "search_knowledge"])
    ranked = rank(history, history, ["daily_brief"], limit=5)
    assert [s.action for s in ranked][:2] == ["next_job", "search_knowledge"]
    assert all(0 < s.confidence <= 1 for s in ranked)
    assert ranked == sorted(ranked, key=lambda s: -s.confidence)
    assert sum(s.confidence for s in rank(history, history, ["daily_brief"], limit=10)) <= 1.0001
    assert rank(Counts(), Counts(), []) == []


async def test_counts_come_from_each_session_in_time_order(app: Starlette, technician: CurrentUser) -> None:
    stores = app.state.stores
    start = datetime.now(timezone.utc) - timedelta(hours=2)
    # Interleaved sessions: the SQL must split them, and order each by time, not by arrival.
    for i, (session, name) in enumerate([("s1", "a"), ("s2", "x"), ("s1", "b"), ("s2", "y"), ("s1", "c")]):
        await service.record(stores, type="tool_called", user_id=technician.id, session_id=session,
                             properties={"name": name, "duration": 0.1, "ok": True},
                             timestamp=start + timedelta(minutes=10 - i if session == "s2" else i))
    await service.record(stores, type="user_message", user_id=technician.id, session_id="s1")
    await stores.analytics.buffer.flush()
    mine = await patterns.load_counts(stores.analytics.db, user_id=technician.id)
    assert dict(mine.trigrams[("^", "^")]) == {"a": 1, "y": 1}
    assert dict(mine.trigrams[("a", "b")]) == {"c": 1} and dict(mine.trigrams[("y", "x")]) == {}
    assert dict(mine.bigrams["y"]) == {"x": 1}
    nobody = await patterns.load_counts(stores.analytics.db, user_id=technician.id + 999)
    assert not nobody.unigrams
