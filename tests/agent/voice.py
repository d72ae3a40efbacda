"""A voice session without a room: the technician's speech rendered by espeak-ng goes in as audio frames, Clara's
audio comes out into a buffer, and the session runs on the real Gemini Live plugin aimed at the local fake."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import pytest
from livekit import rtc
from livekit.agents import AgentSession
from livekit.agents.voice import io

from clara.agent.clara import Clara
from clara.agent.context import SessionContext
from clara.agent.realtime import ResumingRealtimeModel, realtime_model
from clara.agent.worker import follow_turns
from tests.fakes.gemini_live import FakeGeminiLive

FRAME_SECONDS = 0.02


def speech(text: str) -> rtc.AudioFrame:
    """`text` spoken by espeak-ng (Debian's `espeak-ng`, installed by .ci/run), as one 16-bit mono frame."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install -y espeak-ng): no speech to feed the voice tests")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
        with wave.open(str(path)) as wav:
            rate, pcm = wav.getframerate(), wav.readframes(wav.getnframes())
    return rtc.AudioFrame(data=pcm, sample_rate=rate, num_channels=1, samples_per_channel=len(pcm) // 2)


class Microphone(io.AudioInput):
    """A microphone that hears silence unless the test speaks into it, paced in real time like a real one."""

    def __init__(self) -> None:
        super().__init__(label="test-microphone")
        self._queue: asyncio.Queue[rtc.AudioFrame] = asyncio.Queue()
        self._rate = 16000

    def say(self, frame: rtc.AudioFrame, *, silence_after: float = 0.8) -> None:
        self._rate = frame.sample_rate
        step = int(frame.sample_rate * FRAME_SECONDS)
        data = bytes(frame.data)
        for start in range(0, len(data) // 2, step):
            chunk = data[start * 2:(start + step) * 2]
            self._queue.put_nowait(rtc.AudioFrame(data=chunk, sample_rate=frame.sample_rate, num_channels=1,
                                                  samples_per_channel=len(chunk) // 2))
        for _ in range(int(silence_after / FRAME_SECONDS)):
            self._queue.put_nowait(self._silence())

    def _silence(self) -> rtc.AudioFrame:
        count = int(self._rate * FRAME_SECONDS)
        return rtc.AudioFrame(data=bytes(count * 2), sample_rate=self._rate, num_channels=1,
                              samples_per_channel=count)

    async def __anext__(self) -> rtc.AudioFrame:
        if not self._queue.empty():
            await asyncio.sleep(0.002)  # faster than real time, but never a busy loop
            return self._queue.get_nowait()
        await asyncio.sleep(FRAME_SECONDS)
        return self._silence()


class Speaker(io.AudioOutput):
    """Clara's audio, kept. By default a segment has finished playing as soon as it is flushed (no device to wait
    for); `realtime=True` plays it at speaking pace, so talking over Clara cuts a reply short as it would a room."""

    def __init__(self, *, realtime: bool = False) -> None:
        super().__init__(label="test-speaker", capabilities=io.AudioOutputCapabilities(pause=False))
        self.realtime = realtime
        self.frames: list[rtc.AudioFrame] = []
        self.cleared = 0
        self._segment = 0.0  # seconds captured in the segment being played
        self._began: float | None = None
        self._finishing: asyncio.TimerHandle | None = None

    @property
    def seconds(self) -> float:
        return sum(f.duration for f in self.frames)

    async def capture_frame(self, frame: rtc.AudioFrame) -> None:
        await super().capture_frame(frame)
        self.frames.append(frame)
        if self._began is None:
            self._began = asyncio.get_running_loop().time()
        self._segment += frame.duration

    def flush(self) -> None:
        super().flush()
        if self._began is None:
            return  # nothing was captured: no segment to report
        if not self.realtime:
            self._finish(interrupted=False)
            return
        left = self._began + self._segment - asyncio.get_running_loop().time()
        self._finishing = asyncio.get_running_loop().call_later(max(0.0, left), self._finish, False)

    def clear_buffer(self) -> None:
        self.cleared += 1
        if self._began is not None:
            self._finish(interrupted=True)

    def _finish(self, interrupted: bool) -> None:
        if self._finishing is not None:
            self._finishing.cancel()
            self._finishing = None
        if self._began is None:
            return
        played = self._segment
        if interrupted:
            played = min(played, asyncio.get_running_loop().time() - self._began)
        self._segment, self._began = 0.0, None
        self.on_playback_finished(playback_position=played, interrupted=interrupted)

    async def playing(self, timeout: float = 20.0) -> None:
        """Until Clara's voice is coming out."""
        async def wait() -> None:
            while self._began is None:
                await asyncio.sleep(0.01)

        await asyncio.wait_for(wait(), timeout)


class Voice:
    """Clara in a voice session on Gemini Live (the fake), with a microphone and a speaker."""

    def __init__(self, ctx: SessionContext, fake: FakeGeminiLive, *, realtime_playback: bool = False) -> None:
        self.ctx = ctx
        self.fake = fake
        self.model: ResumingRealtimeModel = realtime_model(model="gemini-live-fake", api_key="test-key",
                                                           http_options=fake.client_options())
        self.agent = Clara(ctx)
        self.session: AgentSession = AgentSession(llm=self.model, vad=None, user_away_timeout=None,
                                                  video_sampler=ctx.camera.sample)  # as the worker builds it
        self.microphone = Microphone()
        self.speaker = Speaker(realtime=realtime_playback)
        self.session.input.audio = self.microphone
        self.session.output.audio = self.speaker
        follow_turns(self.session, self.agent, llm_name="gemini")

    async def start(self) -> "Voice":
        await self.session.start(self.agent)
        return self

    async def ask(self, text: str, *, turns: int) -> None:
        """Say `text` and wait until the fake has played `turns` turns in all and the turn is saved."""
        self.microphone.say(speech(text))
        await self.fake.wait_turns(turns)
        await self.saved(turns)

    async def saved(self, turns: int, timeout: float = 20.0) -> None:
        async def wait() -> None:
            while self.ctx.conversation.turns < turns:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(wait(), timeout)

    async def aclose(self) -> None:
        await self.session.aclose()
