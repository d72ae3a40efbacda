"""The camera in a voice room: frames of a published video track, read through a real `rtc.VideoStream` as RoomIO
reads them, sampled at most once a second into a bounded buffer and on to Gemini Live (the wire-faithful fake);
`read_nameplate` reads the newest and makes its unit the session's current one."""

from __future__ import annotations

import asyncio
import json
from io import BytesIO
from typing import AsyncIterator

import pytest
from livekit import rtc
from livekit.agents.voice import io
from PIL import Image

from clara.agent import camera
from clara.agent.camera import Camera
from clara.agent.tools import nameplates
from tests.agent.conftest import Context, Scripted
from tests.agent.voice import Voice
from tests.fakes.gemini_live import FakeGeminiLive, call, say, turn
from tests.fakes.llm import echo_tool_output
from tests.fakes.llm import call as text_call
from tests.vision.plates import Plate, render

TRANE = Plate(header="TRANE  TYLER TEXAS", manufacturer="Trane", model="YSC060A3RHA", serial="17103N6MF4",
              manufactured="2017-03", layout="table", voltage="460", mca="11.2", mocp="15")


class PhoneCamera:
    """The app's camera: a published video track whose source gets the plate's picture at `fps`."""

    def __init__(self, plate: Plate, *, fps: float = 15.0) -> None:
        picture = Image.open(BytesIO(render(plate, angle=1.5, blur=0.6))).convert("RGBA")
        width, height = picture.width // 2 * 2, picture.height // 2 * 2  # I420 wants even sides
        self.frame = rtc.VideoFrame(width, height, rtc.VideoBufferType.RGBA, picture.crop((0, 0, width, height))
                                    .tobytes())
        self.source = rtc.VideoSource(width, height)
        self.track = rtc.LocalVideoTrack.create_video_track("camera", self.source)
        self.fps = fps
        self.sent = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        async def run() -> None:
            while True:
                self.source.capture_frame(self.frame)
                self.sent += 1
                await asyncio.sleep(1 / self.fps)

        self._task = asyncio.create_task(run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


class TrackInput(io.VideoInput):
    """A video track as the session's video input, read with `rtc.VideoStream` as RoomIO's camera input does."""

    def __init__(self, track: rtc.Track) -> None:
        super().__init__(label="test-camera")
        self.stream = rtc.VideoStream.from_track(track=track)

    async def __anext__(self) -> rtc.VideoFrame:
        event = await self.stream.__anext__()
        return event.frame


@pytest.fixture
async def fake() -> AsyncIterator[FakeGeminiLive]:
    server = await FakeGeminiLive().start()
    yield server
    await server.stop()


def test_the_camera_keeps_at_most_a_frame_a_second_and_only_the_last_few(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(camera.time, "monotonic", lambda: clock[0])
    seen = Camera(keep=3)
    frame = rtc.VideoFrame(2, 2, rtc.VideoBufferType.RGBA, bytes(16))
    kept = []
    for tick in range(60):  # six seconds at 10 FPS
        clock[0] = 100.0 + tick / 10
        kept.append(seen.sample(frame, None))
    assert sum(kept) == 6 and kept[0] and kept[10] and not any(kept[1:10])
    recent = seen.recent()
    assert [shot.number for shot in recent] == [6, 5, 4]  # newest first, three kept
    assert seen.photo() == 7  # a photo sent later is newer than every frame


async def test_read_nameplate_without_a_picture_asks_for_one(scripted: Scripted) -> None:
    result = await scripted.run("What's this unit?", text_call("read_nameplate"), echo_tool_output())
    result.expect.next_event().is_function_call(name="read_nameplate")
    output = result.expect.next_event().is_function_call_output().event().item
    assert json.loads(output.output) == {"say": nameplates.NOTHING_SEEN}


async def test_a_camera_frame_is_read_by_read_nameplate_and_sent_to_gemini_live_at_one_fps(
    make_context: Context, fake: FakeGeminiLive,
) -> None:
    fake.then(turn("What's this unit?", call("read_nameplate"), say("That's a Trane YSC060, built March 2017.")),
              turn("How old is it?", call("read_nameplate", question="how old is it"), say("About nine years.")))
    phone = PhoneCamera(TRANE)
    voice = Voice(await make_context(channel="voice"), fake)
    track = TrackInput(phone.track)
    voice.session.input.video = track  # what RoomOptions(video_input=True) sets in a room
    phone.start()
    started = asyncio.get_running_loop().time()
    await voice.start()
    try:
        while not voice.ctx.camera.recent():
            await asyncio.sleep(0.05)
        await voice.ask("What's this unit?", turns=1)
        await voice.ask("How old is it?", turns=2)
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        await voice.aclose()
        await phone.stop()
        await track.stream.aclose()
    found, again = (json.loads(r["response"]["output"]) for r in fake.tool_responses)
    assert found["nameplate"]["fields"]["model"] == TRANE.model and found["nameplate"]["fields"]["serial"] == TRANE.serial
    assert found["nameplate"]["manufactured"] == "2017-03" and found["nameplate"]["spec"]["model"] == "YSC060"
    assert "built in March 2017" in again["say"]
    assert voice.ctx.nameplate is not None and voice.ctx.entities.equipment_model == "YSC060"
    videos = [m for m in fake.received if (m.get("realtime_input") or {}).get("video")]
    assert 1 <= len(videos) <= elapsed + 1  # at most one frame a second reached Gemini Live
    assert phone.sent > 3 * len(videos)  # while the camera sent many more
    assert len(voice.ctx.camera.recent()) <= camera.KEEP
