"""LLM usage and cost: counted from what the (fake) Gemini API reports, stored per turn, served by the usage route
and counted in /metrics — the two agree to the token."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import AsyncIterator

import httpx
import pytest
from livekit.agents import Agent, AgentSession
from livekit.agents.metrics import LLMMetrics, RealtimeModelMetrics
from livekit.agents.metrics.base import Metadata
from livekit.rtc import EventEmitter
from starlette.applications import Starlette

from clara.platform import metrics
from clara.agent.bridge import Bridge
from clara.analytics import usage
from clara.analytics.usage import Meter
from clara.web.caller import CurrentUser
from clara.settings import Settings, SettingsError, parse_prices
from tests.conftest import bearer, running, user_by_email
from tests.fakes.gemini import FakeGemini, echo, function_call, text
from tests.fakes.llm import FakeLLM, say
from tests.conftest import turn

IN, OUT = 12, 7  # what the fake Gemini reports for every request (usageMetadata)
FLASH = (0.30, 2.50)


@pytest.fixture
async def gemini_app(settings: Settings, gemini: FakeGemini) -> AsyncIterator[Starlette]:
    async with running(settings, google_api_key="test-key", gemini_timeout_seconds=5.0) as application:
        yield application


async def get(app: Starlette, path: str, user: CurrentUser | None) -> httpx.Response:
    headers = bearer(app, user) if user else {}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
        return await client.get(path, headers=headers)


def counted() -> dict[str, float]:
    """Tokens and cost of gemini-2.5-flash in this process's registry, summed over modalities."""
    text_body = metrics.render(None)[0].decode()
    total = {"input": 0.0, "output": 0.0, "cost": 0.0}
    for line in text_body.splitlines():
        match = re.match(r'clara_llm_tokens_total\{(.*)\} (\S+)$', line)
        if match and 'model="gemini-2.5-flash"' in match[1]:
            direction = re.search(r'direction="(\w+)"', match[1])
            assert direction is not None
            total[direction[1]] += float(match[2])
        cost = re.match(r'clara_llm_cost_usd_total\{model="gemini-2.5-flash"\} (\S+)$', line)
        if cost:
            total["cost"] += float(cost[1])
    return total


async def test_usage_from_the_route_and_metrics_agree_to_the_token(gemini_app: Starlette, gemini: FakeGemini) -> None:
    maria = await user_by_email(gemini_app, "maria.lopez@clara.dev")
    james = await user_by_email(gemini_app, "james.chen@clara.dev")
    dana = await user_by_email(gemini_app, "dana.okafor@clara.dev")
    before = counted()
    # Maria: a tool turn (two requests) and a plain turn (one); James: one plain turn.
    gemini.then(function_call("equipment_spec", model="50TCQA06", question="amp draw"), echo(), text("Hello Maria."))
    gemini.then(text("Hello James."))
    assert (await turn(gemini_app, maria, "What's the amp draw for Carrier 50TCQA06?"))[-1]["type"] == "done"
    assert (await turn(gemini_app, maria, "Thanks, Clara"))[-1]["type"] == "done"
    assert (await turn(gemini_app, james, "Hi Clara"))[-1]["type"] == "done"
    after = counted()

    response = await get(gemini_app, "/clara-server/analytics/usage?group_by=user", dana)
    assert response.status_code == 200
    body = response.json()
    assert body["prices_as_of"] == "2025-10-01" and body["group_by"] == "user"
    rows = {row["key"]: row for row in body["rows"]}
    assert rows[str(maria.id)]["turns"] == 2 and rows[str(maria.id)]["requests"] == 3
    assert rows[str(maria.id)]["input_tokens"] == 3 * IN and rows[str(maria.id)]["output_tokens"] == 3 * OUT
    assert rows[str(maria.id)]["label"] == "Maria Lopez"
    assert rows[str(james.id)]["turns"] == 1 and rows[str(james.id)]["input_tokens"] == IN
    totals = body["totals"]
    assert totals["input_tokens"] == 4 * IN and totals["output_tokens"] == 4 * OUT and totals["turns"] == 3
    assert totals["input_tokens"] == after["input"] - before["input"]
    assert totals["output_tokens"] == after["output"] - before["output"]
    expected_cost = 4 * (IN * FLASH[0] + OUT * FLASH[1]) / 1_000_000
    assert totals["cost_usd"] == pytest.approx(expected_cost, abs=1e-9)
    assert after["cost"] - before["cost"] == pytest.approx(expected_cost, abs=1e-12)

    by_model = (await get(gemini_app, "/clara-server/analytics/usage?group_by=model", dana)).json()
    assert [(r["key"], r["input_tokens"]) for r in by_model["rows"]] == [("gemini-2.5-flash", 4 * IN)]
    by_day = (await get(gemini_app, "/clara-server/analytics/usage", dana)).json()
    assert len(by_day["rows"]) == 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", by_day["rows"][0]["key"])

    # A technician sees only their own usage, with or without naming themselves; another user's id is refused.
    own = (await get(gemini_app, "/clara-server/analytics/usage?group_by=user", maria)).json()
    assert [row["key"] for row in own["rows"]] == [str(maria.id)] and own["user_id"] == maria.id
    named = await get(gemini_app, f"/clara-server/analytics/usage?user_id={maria.id}", maria)
    assert named.status_code == 200 and named.json()["totals"]["input_tokens"] == 3 * IN
    refused = await get(gemini_app, f"/clara-server/analytics/usage?user_id={james.id}", maria)
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "user_id"
    one = (await get(gemini_app, f"/clara-server/analytics/usage?user_id={james.id}", dana)).json()
    assert one["totals"]["input_tokens"] == IN


async def test_the_offline_llm_reports_no_tokens_and_says_so(app: Starlette, technician: CurrentUser) -> None:
    events = await turn(app, technician, "What's the amp draw for Carrier 50TCQA06?")
    assert events[-1]["type"] == "done"
    async with app.state.stores.db.connection() as conn:
        rows = await (await conn.execute("SELECT model, input_tokens, output_tokens, cost_usd, counted, user_id,"
                                         " channel, latency_seconds FROM llm_usage")).fetchall()
    assert len(rows) == 2  # the tool call, then the reply from its output
    assert {(r["model"], r["input_tokens"], r["output_tokens"], float(r["cost_usd"]), r["counted"], r["user_id"],
             r["channel"]) for r in rows} == {("clara-offline", 0, 0, 0.0, "none", technician.id, "text")}
    body = (await get(app, "/clara-server/analytics/usage", technician)).json()
    assert body["totals"]["turns"] == 1 and body["totals"]["requests"] == 2 and body["totals"]["input_tokens"] == 0


@pytest.mark.parametrize("query, field", [
    ("group_by=week", "group_by"), ("since=yesterday", "since"), ("user_id=0", "user_id"),
    ("since=2026-12-02&until=2026-12-01", "since"),
])
async def test_bad_queries_name_the_field(app: Starlette, technician: CurrentUser, query: str, field: str) -> None:
    response = await get(app, f"/clara-server/analytics/usage?{query}", technician)
    assert response.status_code == 400 and response.json()["error"]["field"] == field


async def test_an_unknown_user_is_404(app: Starlette, dispatcher: CurrentUser) -> None:
    response = await get(app, "/clara-server/analytics/usage?user_id=999999", dispatcher)
    assert response.status_code == 404 and response.json()["error"]["field"] == "user_id"


async def test_usage_needs_a_token(app: Starlette) -> None:
    response = await get(app, "/clara-server/analytics/usage", None)
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"


def test_the_price_table_parses_and_refuses_nonsense() -> None:
    table = parse_prices("m1=0.30:2.50;m2=0.5:2:3:12")
    assert table == {"m1": (0.30, 2.50, 0.30, 2.50), "m2": (0.5, 2.0, 3.0, 12.0)}
    for bad in ("m1=0.30", "m1=a:b", "=1:2", "m1=-1:2"):
        with pytest.raises(SettingsError, match="LLM_PRICES"):
            parse_prices(bad)
    with pytest.raises(SettingsError, match="LLM_PRICES_AS_OF"):
        Settings.from_env({"LLM_PRICES_AS_OF": "last week"})


class _Session(EventEmitter[str]):
    """Stands in for an AgentSession: the events the meter listens to, and the model that reports each request (the
    session's LLM, or for a realtime model the running agent's realtime session)."""

    def __init__(self, *, realtime: bool = False) -> None:
        super().__init__()
        self.model = EventEmitter[str]()
        self.llm = object() if realtime else self.model  # a RealtimeModel is no emitter: its session reports
        self.current_agent = SimpleNamespace(realtime_llm_session=self.model)

    def speech(self, speech_id: str) -> None:
        self.emit("speech_created", SimpleNamespace(speech_handle=SimpleNamespace(id=speech_id)))


async def test_gemini_live_usage_is_split_into_audio_and_text_and_priced_per_modality(
    app: Starlette, technician: CurrentUser,
) -> None:
    session = _Session(realtime=True)
    meter = Meter(app.state.stores, Bridge.here().call, prices=app.state.settings.llm_price_table,
                  user_id=technician.id, session_id="voice-room",
                  channel="voice").attach(session)  # type: ignore[arg-type]
    live = "gemini-2.5-flash-native-audio-preview-09-2025"
    event = RealtimeModelMetrics(
        request_id="r1", timestamp=time.time(), duration=1.5, input_tokens=420, output_tokens=700, total_tokens=1120,
        input_token_details=RealtimeModelMetrics.InputTokenDetails(audio_tokens=320, text_tokens=100),
        output_token_details=RealtimeModelMetrics.OutputTokenDetails(audio_tokens=640, text_tokens=60),
        metadata=Metadata(model_name=live, model_provider="Gemini"),
    )
    session.emit("conversation_item_added", SimpleNamespace(item=SimpleNamespace(type="message", role="user")))
    session.speech("speech-1")
    session.model.emit("metrics_collected", event)
    await meter.settle()
    body = (await get(app, "/clara-server/analytics/usage?group_by=model", technician)).json()
    assert body["rows"] == [{"key": live, "turns": 1, "requests": 1, "input_tokens": 420, "output_tokens": 700,
                             "audio_seconds": 30.0, "cost_usd": pytest.approx(
                                 (100 * 0.50 + 320 * 3.00 + 60 * 2.00 + 640 * 12.00) / 1_000_000, abs=1e-9)}]
    async with app.state.stores.db.connection() as conn:
        row = await (await conn.execute("SELECT channel, input_audio_tokens, output_audio_tokens, counted"
                                        " FROM llm_usage")).fetchone()
    assert row == {"channel": "voice", "input_audio_tokens": 320, "output_audio_tokens": 640, "counted": "reported"}


async def test_gemini_thinking_is_counted_and_priced_as_output(app: Starlette, technician: CurrentUser) -> None:
    """Gemini 2.5 reports its thinking only in totalTokenCount; the plugin's completion is the answer alone."""
    session = _Session()
    meter = Meter(app.state.stores, Bridge.here().call, prices=app.state.settings.llm_price_table,
                  user_id=technician.id, session_id="chat-1", channel="text").attach(session)  # type: ignore[arg-type]
    session.speech("speech-1")
    answered = LLMMetrics(  # usageMetadata {promptTokenCount: 900, candidatesTokenCount: 40, thoughts 360, total 1300}
        label="livekit.plugins.google.LLM", request_id="r1", timestamp=time.time(), duration=0.8, ttft=0.3,
        cancelled=False, completion_tokens=40,
        prompt_tokens=900, prompt_cached_tokens=0, total_tokens=1300, tokens_per_second=50.0, speech_id="speech-1",
        metadata=Metadata(model_name="gemini-2.5-flash", model_provider="Gemini"),
    )
    other = answered.model_copy(update={"request_id": "r2", "speech_id": "another-session's-speech"})
    session.emit("conversation_item_added", SimpleNamespace(item=SimpleNamespace(type="message", role="user")))
    session.model.emit("metrics_collected", answered)
    session.model.emit("metrics_collected", other)  # a shared LLM's request for someone else
    await meter.settle()
    body = (await get(app, "/clara-server/analytics/usage?group_by=model", technician)).json()
    assert body["rows"] == [{"key": "gemini-2.5-flash", "turns": 1, "requests": 1, "input_tokens": 900,
                             "output_tokens": 400, "audio_seconds": 0.0,
                             "cost_usd": pytest.approx((900 * FLASH[0] + 400 * FLASH[1]) / 1_000_000, abs=1e-9)}]


async def test_a_real_session_is_metered_from_its_models_events_with_no_deprecation_warning(
    app: Starlette, technician: CurrentUser, caplog: pytest.LogCaptureFixture,
) -> None:
    """livekit-agents 1.8 warns once per session that listens to the session's `metrics_collected`; the meter reads
    each request from the model instead, and lets go of a model (which may serve other sessions) when the session
    closes."""
    shared = FakeLLM(say("The 50TCQA06 needs a 35 A breaker."))
    session = AgentSession(llm=shared)
    meter = usage.follow(session, app.state.stores, Bridge.here().call, user_id=technician.id,
                         session_id="chat-metered", channel="text", per_turn=True)
    speeches: list[str] = []
    session.on("speech_created", lambda event: speeches.append(event.speech_handle.id))

    async def stored() -> int:
        async with app.state.stores.db.connection() as conn:
            row = await (await conn.execute("SELECT count(*) AS n FROM llm_usage WHERE session_id = %s",
                                            ("chat-metered",))).fetchone()
        return int(row["n"])

    with caplog.at_level("WARNING"):
        await session.start(Agent(instructions="Answer briefly."))
        await session.run(user_input="Max fuse on the 50TCQA06?")
        await meter.settle()
        assert await stored() == 1
        await session.aclose()
    assert not [r for r in caplog.records if "deprecated" in r.getMessage()], caplog.text
    late = LLMMetrics(label="fake", request_id="late", timestamp=time.time(), duration=0.1, ttft=0.1, cancelled=False,
                      completion_tokens=5, prompt_tokens=5, prompt_cached_tokens=0, total_tokens=10,
                      tokens_per_second=1.0, speech_id=speeches[-1])
    shared.emit("metrics_collected", late)  # the LLM serving on after the session closed
    await meter.settle()
    assert await stored() == 1


def test_the_grafana_dashboard_charts_tokens_and_cost() -> None:
    dashboard = json.loads((Path(__file__).resolve().parents[2] / "deploy" / "grafana-dashboard.json").read_text())
    charted = {target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])}
    assert any("clara_llm_tokens_total" in expr and "model" in expr for expr in charted)
    assert any("clara_llm_cost_usd_total" in expr and "model" in expr for expr in charted)
