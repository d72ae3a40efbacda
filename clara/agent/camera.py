"""What a session has seen: the technician's latest photo and the last few frames of a room's camera.

In a LiveKit room the app publishes its camera; RoomIO (`RoomOptions(video_input=True)`) reads that track with an
`rtc.VideoStream` and offers every frame to the session's video sampler. `Camera.sample` is that sampler: it keeps
at most one frame a second, in a buffer of the last `KEEP`, and lets the same frames through to Gemini Live, so the
model and `read_nameplate` see the same pictures. Frames stay as the stream delivered them (I420, about 1.4 MB at
720p); one becomes an RGB picture only when `read_nameplate` reads it, on the photo worker.

A photo sent over the chat socket is read at once and only its number is taken here, so a camera frame that
arrives later is newer than it, and an older one is not. The buffer is written on a voice job's loop and read on
the app's loop: a `deque` with `maxlen` appends and copies atomically.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from livekit import rtc
from PIL import Image

from clara.vision.models import Identification

KEEP = 3  # frames kept: enough to skip one blurred by a moving hand, at most about 4 MB of 720p frames
INTERVAL = 1.0  # seconds between kept frames: at most 1 FPS to the buffer and to Gemini Live


@dataclass(frozen=True)
class Shot:
    """One camera frame kept, numbered in the order the session saw pictures."""

    number: int
    taken: float  # monotonic seconds
    frame: rtc.VideoFrame


class Camera:
    def __init__(self, *, keep: int = KEEP, interval: float = INTERVAL) -> None:
        self.interval = interval
        self._shots: deque[Shot] = deque(maxlen=keep)
        self._numbers = itertools.count(1)
        self._last: float | None = None

    def sample(self, frame: rtc.VideoFrame, session: Any = None) -> bool:
        """AgentSession's video sampler: keep this frame (and forward it to the realtime model) when a second has
        passed since the last one kept."""
        now = time.monotonic()
        if self._last is not None and now - self._last < self.interval:
            return False
        self._last = now
        self._shots.append(Shot(next(self._numbers), now, frame))
        return True

    def photo(self) -> int:
        """Number a photo the app sent (read at once, not kept): later frames are newer than it."""
        return next(self._numbers)

    def recent(self) -> list[Shot]:
        """The frames kept, newest first."""
        return list(reversed(list(self._shots)))


def picture(frame: rtc.VideoFrame) -> Image.Image:
    """A camera frame as an RGB picture (CPU work: run it on the photo worker)."""
    rgb = frame if frame.type == rtc.VideoBufferType.RGB24 else frame.convert(rtc.VideoBufferType.RGB24)
    return Image.frombuffer("RGB", (rgb.width, rgb.height), bytes(rgb.data), "raw", "RGB", 0, 1)


@dataclass(frozen=True)
class Nameplate:
    """The session's current unit as read from picture `number` (a photo or a camera frame)."""

    number: int
    identification: Identification
