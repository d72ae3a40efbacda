"""A local stand-in for LiveKit's agent endpoint: enough of the worker protocol for an AgentServer to register.

`GET /agent` upgrades to a WebSocket carrying protobuf `WorkerMessage`s / `ServerMessage`s, as LiveKit Cloud does;
the fake answers `register` with a worker id and keeps the connection open, reading whatever the worker sends
(status updates, pings). Registrations are kept so a test can see which agent name registered.

`offer_job` plays a dispatch as the server does: an `availability` request for the job; when the worker answers
available, the `assignment` with the room's URL and a token. The worker's answers and job status updates are kept.
There is no media server behind the URL, so a job's room connection fails: that is where the fake stops.
"""

from __future__ import annotations

import asyncio
import socket

from aiohttp import WSMsgType, web
from livekit import api
from livekit.protocol import agent, models


class FakeLiveKit:
    def __init__(self) -> None:
        self.registrations: list[str] = []  # agent names, in order
        self.port = 0
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.availability: list[agent.AvailabilityResponse] = []
        self.statuses: list[agent.UpdateJobStatus] = []
        self._offered: dict[str, agent.Job] = {}
        self._worker: web.WebSocketResponse | None = None  # the last worker that registered
        self._changed = asyncio.Condition()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    async def _agent(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            async for message in ws:
                if message.type != WSMsgType.BINARY:
                    continue
                incoming = agent.WorkerMessage()
                incoming.ParseFromString(message.data)
                if incoming.HasField("register"):
                    self.registrations.append(incoming.register.agent_name)
                    reply = agent.ServerMessage()
                    reply.register.worker_id = f"AW_fake_{len(self.registrations)}"
                    await ws.send_bytes(reply.SerializeToString())
                    self._worker = ws
                elif incoming.HasField("availability"):
                    await self._answered(ws, incoming.availability)
                elif incoming.HasField("update_job"):
                    async with self._changed:
                        self.statuses.append(incoming.update_job)
                        self._changed.notify_all()
        finally:
            self._sockets.discard(ws)
        return ws

    async def offer_job(self, *, job_id: str, room: str, metadata: str, agent_name: str = "clara") -> None:
        """Ask the registered worker to take a job in `room` with the dispatch's `metadata`."""
        job = agent.Job(id=job_id, dispatch_id=f"AD_{job_id}", type=agent.JobType.JT_ROOM, agent_name=agent_name,
                        room=models.Room(sid=f"RM_{room}", name=room), metadata=metadata)
        self._offered[job_id] = job
        request = agent.ServerMessage(availability=agent.AvailabilityRequest(job=job))
        assert self._worker is not None, "no worker has registered"
        await self._worker.send_bytes(request.SerializeToString())

    async def _answered(self, ws: web.WebSocketResponse, answer: agent.AvailabilityResponse) -> None:
        async with self._changed:
            self.availability.append(answer)
            self._changed.notify_all()
        if not answer.available:
            return
        token = (api.AccessToken("devkey", "secret-secret-secret-secret-0123")
                 .with_identity(answer.participant_identity or "agent")
                 .with_grants(api.VideoGrants(room_join=True, room=self._offered[answer.job_id].room.name)).to_jwt())
        assignment = agent.JobAssignment(job=self._offered[answer.job_id], url=self.url, token=token)
        await ws.send_bytes(agent.ServerMessage(assignment=assignment).SerializeToString())

    async def job_ended(self, job_id: str, timeout: float = 90.0) -> agent.UpdateJobStatus:
        """The job's final status update (success or failure), once the worker sends it."""
        final = (agent.JobStatus.JS_SUCCESS, agent.JobStatus.JS_FAILED)

        def ended() -> agent.UpdateJobStatus | None:
            return next((s for s in self.statuses if s.job_id == job_id and s.status in final), None)

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: ended() is not None), timeout)
        status = ended()
        assert status is not None
        return status

    async def start(self) -> "FakeLiveKit":
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        app = web.Application()
        app.router.add_get("/agent", self._agent)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
