"""The LiveKit worker inside the app's lifespan: HTTP never waits on LiveKit, /health says where the worker stands,
a voice job runs in a thread of this process and reaches the database through the bridge, and shutdown drains."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any, AsyncIterator

import httpx
import pytest
from livekit.agents.job import JobAcceptArguments, RunningJobInfo
from livekit.plugins import google
from livekit.protocol import agent, models
from starlette.applications import Starlette
from structlog.testing import capture_logs

from clara.agent.llm_offline import OfflineLLM
from clara.agent.realtime import compression
from clara.agent.worker import AgentWorker, Dispatch, follow_turns, parse_dispatch, resolve_job
from clara.web.caller import CurrentUser
from clara.chat.runtime import AgentRuntime
from clara.knowledge import service as knowledge
from clara.settings import Settings
from clara.stores import Stores
from tests.agent.conftest import Context, Scripted
from tests.conftest import bearer, running, user_by_email
from tests.fakes.livekit import FakeLiveKit
from tests.fakes.llm import call, echo_tool_output


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def livekit_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """AgentServer.run() writes LIVEKIT_* into os.environ; put them back afterwards."""
    for name in ("LIVEKIT_URL", "LIVEKIT_API_KEY", "LIVEKIT_API_SECRET"):
        monkeypatch.setenv(name, "")


def with_livekit(settings: Settings, url: str) -> Settings:
    return settings.changed(livekit_url=url, livekit_api_key="devkey",
                            livekit_api_secret="secret-secret-secret-secret-0123", agent_worker_enabled=True)


async def get(app: Starlette, path: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://clara.test") as client:
        return await client.get(path, **kwargs)


async def test_unreachable_livekit_leaves_http_serving_and_shuts_down_cleanly(settings: Settings,
                                                                              livekit_env: None) -> None:
    async with running(with_livekit(settings, f"ws://127.0.0.1:{closed_port()}")) as app:
        runtime: AgentRuntime = app.state.agent
        health = await get(app, "/health")
        assert health.status_code == 200 and health.json()["status"] == "degraded"
        assert health.json()["checks"]["agent_worker"]["state"] == "connecting"
        technician = await user_by_email(app, "maria.lopez@clara.dev")
        chat = await get(app, f"/voice/status/{technician.id}", headers=bearer(app, technician))
        assert chat.status_code == 200
        for _ in range(100):  # the server keeps trying in the background
            if runtime.worker.attempts >= 1:
                break
            await asyncio.sleep(0.05)
        assert runtime.worker.attempts >= 1
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 15
    assert runtime.worker.health()[0] == "disabled"


async def test_the_worker_registers_as_clara_and_reports_ok(settings: Settings, livekit_env: None) -> None:
    livekit = await FakeLiveKit().start()
    try:
        async with running(with_livekit(settings, livekit.url)) as app:
            runtime: AgentRuntime = app.state.agent
            for _ in range(200):
                if runtime.worker.health()[0] == "ok":
                    break
                await asyncio.sleep(0.05)
            assert livekit.registrations == ["clara"]
            checks = (await get(app, "/health")).json()["checks"]
            assert checks["agent_worker"] == {"state": "ok", "detail": "registered as AW_fake_1"}
    finally:
        await livekit.stop()


@pytest.fixture
async def worker_app(settings: Settings, livekit_env: None) -> AsyncIterator[Starlette]:
    livekit = await FakeLiveKit().start()
    try:
        async with running(with_livekit(settings, livekit.url)) as app:
            yield app
    finally:
        await livekit.stop()


async def test_a_voice_job_runs_in_a_thread_and_reaches_the_database_through_the_bridge(
    worker_app: Starlette,
) -> None:
    runtime: AgentRuntime = worker_app.state.agent
    technician = await user_by_email(worker_app, "maria.lopez@clara.dev")
    async with worker_app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (technician.id,))
        job_id = (await cur.fetchone())["id"]  # type: ignore[index]
    for _ in range(200):
        if runtime.worker._server is not None and runtime.worker.health()[0] == "ok":
            break
        await asyncio.sleep(0.05)
    server = runtime.worker._server
    assert server is not None
    job = agent.Job(id="AJ_test", room=models.Room(sid="RM_test", name="console"), type=agent.JobType.JT_ROOM,
                    metadata=json.dumps({"user_id": technician.id, "job_id": job_id}))
    # A fake job runs the real entrypoint in a job thread against LiveKit's mock room (no media server here).
    await server._proc_pool.launch_job(RunningJobInfo(
        accept_arguments=JobAcceptArguments(name="", identity="agent-test", metadata=""), job=job,
        url="ws://127.0.0.1:1", token="", worker_id="AW_fake_1", fake_job=True,
    ))
    for _ in range(200):
        if runtime.worker.rooms:
            break
        await asyncio.sleep(0.05)
    room = runtime.worker.rooms["console"]
    assert room.user_id == technician.id and room.job_id == job_id
    status = (await get(worker_app, f"/voice/status/{technician.id}", headers=bearer(worker_app, technician))).json()
    assert status["voice_room"] == {"room": "console", "job_id": job_id, "session_id": room.conversation_id}
    async with worker_app.state.stores.db.connection() as conn:
        cur = await conn.execute("SELECT channel, job_id, entities FROM conversations WHERE id = %s",
                                 (room.conversation_id,))
        row = await cur.fetchone()
    assert row is not None and row["channel"] == "voice" and row["job_id"] == job_id
    assert row["entities"]["job_id"] == job_id  # the session started knowing its job's site and customer


@pytest.mark.parametrize(("metadata", "message"), [
    ("", "user_id"), ("not json", "not JSON"), ("[1]", "object"), ('{"user_id": "7"}', "user_id"),
    ('{"user_id": 7, "job_id": -1}', "job_id"), ('{"user_id": true}', "user_id"),
    ('{"user_id": 7, "job_id": 4.5}', "job_id"), ('{"job_id": 4}', "user_id: Field required"),
])
def test_dispatch_metadata_must_name_the_user(metadata: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_dispatch(metadata)


def test_dispatch_metadata_from_get_token() -> None:
    assert parse_dispatch('{"user_id": 7, "job_id": 42}').user_id == 7
    assert parse_dispatch('{"user_id": 7, "job_id": 42}').job_id == 42
    assert parse_dispatch('{"user_id": 7}').job_id is None


async def test_spoken_turns_are_saved_as_they_complete(make_context: Context, stores: Stores) -> None:
    ctx = await make_context(channel="voice")
    harness = Scripted(ctx)
    follow_turns(harness.session, harness.agent, llm_name="gemini")
    await harness.session.start(harness.agent)
    try:
        await harness.run("amps on the 50TCQA06?", call("equipment_spec", model="50TCQA06"), echo_tool_output())
        for _ in range(100):
            if ctx.conversation.turns:
                break
            await asyncio.sleep(0.02)
    finally:
        await harness.session.aclose()
    async with stores.db.connection() as conn:
        cur = await conn.execute("SELECT user_text, reply, tool_calls, llm FROM conversation_turns"
                                 " WHERE conversation_id = %s", (ctx.conversation.id,))
        rows = await cur.fetchall()
    assert len(rows) == 1 and rows[0]["user_text"] == "amps on the 50TCQA06?" and rows[0]["llm"] == "gemini"
    assert "MCA 26.7 A" in rows[0]["reply"]
    assert rows[0]["tool_calls"] == [{"name": "equipment_spec", "arguments": {"model": "50TCQA06"}, "ok": True}]


async def test_voice_uses_gemini_live_with_a_key_and_the_offline_llm_without(app: Starlette,
                                                                             settings: Settings) -> None:
    runtime: AgentRuntime = app.state.agent
    keyed = AgentWorker(settings.changed(google_api_key="test-key"), app.state.stores,
                        runtime.chats.bridge, runtime.stack)
    technician = CurrentUser(id=1, role="technician")
    live = keyed._voice_llm(technician)
    assert isinstance(live, google.realtime.RealtimeModel)
    assert live._opts.context_window_compression == compression()  # a session outlasts the 15-minute audio limit
    assert isinstance(runtime.worker._voice_llm(technician), OfflineLLM)


async def test_the_offline_voice_llm_reads_the_technicians_own_uploads_before_calling_words_a_remark(
    app: Starlette, stores: Stores, technician: CurrentUser,
) -> None:
    """A spoken statement the technician's private notes speak to is searched, as it would be in chat: the remark
    check reads what the room's own knowledge searches read."""
    notes = (b"# Depot rooftop notes\n\n## Blower belt\n\nThe squealing blower belt on the north rooftop unit at the "
             b"Quokka depot is a known quirk: retension it to half an inch of deflection.\n")
    await knowledge.upload_document(stores, actor=technician, data=notes, filename="depot.md",
                                    content_type="text/markdown")
    voice_llm = app.state.agent.worker._voice_llm(technician)
    assert isinstance(voice_llm, OfflineLLM) and voice_llm.knows is not None
    assert await voice_llm.knows("the squealing blower belt on the north rooftop unit at the Quokka depot")


async def test_a_dispatched_job_is_accepted_and_its_entrypoint_resolves_the_room_up_to_connecting(
    settings: Settings, livekit_env: None,
) -> None:
    """The server's side of a dispatch (availability -> accept -> assignment), played by the fake. What stays
    unverified without a LiveKit server: the room connection itself (WebRTC signalling, ICE, media), the
    technician's audio track reaching the session, Clara's track being published, and the job's shutdown when the
    technician leaves."""
    livekit = await FakeLiveKit().start()
    try:
        async with running(with_livekit(settings, livekit.url)) as app:
            runtime: AgentRuntime = app.state.agent
            for _ in range(200):
                if runtime.worker.health()[0] == "ok":
                    break
                await asyncio.sleep(0.05)
            technician = await user_by_email(app, "maria.lopez@clara.dev")
            async with app.state.stores.db.connection() as conn:
                cur = await conn.execute("SELECT min(id) AS id FROM jobs WHERE technician_id = %s", (technician.id,))
                job_id = (await cur.fetchone())["id"]  # type: ignore[index]
            with capture_logs() as logs:
                await livekit.offer_job(job_id="AJ_1", room=f"job-{job_id}",
                                        metadata=json.dumps({"user_id": technician.id}))
                ended = await livekit.job_ended("AJ_1")
            assert [(a.job_id, a.available) for a in livekit.availability] == [("AJ_1", True)]
            resolved = [e for e in logs if e["event"] == "voice_job_resolved"]
            assert resolved == [{"event": "voice_job_resolved", "log_level": "info", "room": f"job-{job_id}",
                                 "user_id": technician.id, "job_id": job_id}]  # the job taken from the room name
            # It ends at the room connection (no media server here); LiveKit's THREAD executor reports that as
            # JS_SUCCESS, not JS_FAILED, as seen here.
            assert ended.status in (agent.JobStatus.JS_SUCCESS, agent.JobStatus.JS_FAILED)
            assert runtime.worker.health()[0] == "ok" and not runtime.worker.rooms  # still serving, nothing half-open
    finally:
        await livekit.stop()


def test_the_room_names_the_job_and_must_agree_with_the_dispatch() -> None:
    assert resolve_job("job-42", '{"user_id": 7}') == Dispatch(user_id=7, job_id=42)
    assert resolve_job("job-42", '{"user_id": 7, "job_id": 42}') == Dispatch(user_id=7, job_id=42)
    assert resolve_job("console", '{"user_id": 7, "job_id": 5}') == Dispatch(user_id=7, job_id=5)
    with pytest.raises(ValueError, match="does not match"):
        resolve_job("job-42", '{"user_id": 7, "job_id": 43}')
