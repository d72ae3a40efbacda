"""Gemini Live for a whole job: a RealtimeModel configured so a session outlasts the service's connection limits.

What Google documents for the Live API, and what Clara does about it:
- Without context-window compression an audio session ends after about 15 minutes (2 with video). Clara turns on
  the sliding window: once the context passes `TRIGGER_TOKENS` the service drops the oldest turns down to
  `TARGET_TOKENS` (about 25 audio tokens a second: the trigger is roughly 20 minutes of two-way talk, the target
  keeps the last ten). The conversation itself stays whole in PostgreSQL (`clara.agent.memory`).
- A connection lasts about 10 minutes and ends after a `goAway`. Session resumption is on: the service sends a new
  handle after each turn, and livekit-plugins-google reconnects with the latest one after a `goAway` or a dropped
  connection, so the model keeps the conversation without replaying it.
- A handle can be refused (expired, or after the service's own hour-long limit). The plugin then gives up on the
  session; `ResumingSession` instead connects afresh without the handle, and the plugin seeds the new session with
  the agent's conversation, which began as the persisted window of turns and has every turn since.
- A blocking tool call holds the model: it answers nothing until the call's response arrives, so a line asked for
  while a slow tool runs ("Checking the manual…", `clara.agent.fillers`) would never be spoken (livekit/agents
  #2165, where the maintainers' answer is NON_BLOCKING). Clara declares her tools NON_BLOCKING, and a response
  is scheduled WHEN_IDLE so it never cuts a filler off; the session still waits for each result before it answers
  (livekit sends the response, then the model speaks it).
"""

from __future__ import annotations

import contextlib
from typing import Any, AsyncIterator

from google.genai import errors as genai_errors
from google.genai import live as genai_live
from google.genai import types
from websockets.exceptions import ConnectionClosed
from livekit.agents import APIConnectOptions
from livekit.plugins.google.realtime.realtime_api import RealtimeModel, RealtimeSession

from clara.platform.logging import get_logger

log = get_logger(__name__)

TRIGGER_TOKENS = 32_000
TARGET_TOKENS = 16_000
# A dropped connection is retried at once, then every second, five times: a rooftop's patchy signal, not an outage.
CONNECT_OPTIONS = APIConnectOptions(max_retry=5, retry_interval=1.0, timeout=10.0)


def compression() -> types.ContextWindowCompressionConfig:
    return types.ContextWindowCompressionConfig(
        trigger_tokens=TRIGGER_TOKENS, sliding_window=types.SlidingWindow(target_tokens=TARGET_TOKENS))


class ResumingSession(RealtimeSession):
    """The plugin's session, with two changes: a refused resumption handle starts a fresh session instead of
    ending the conversation, and an answer the connection cut off is remembered as cut (`cut_short`)."""

    def __init__(self, model: "ResumingRealtimeModel") -> None:
        super().__init__(model)
        live = self._client.aio.live
        self._connect_live = live.connect
        live.connect = self._connect  # the plugin's main task connects through this; it has not run yet
        self.refused_handles = 0
        self.cut_short: set[str] = set()  # message ids of answers that ended without the model finishing them

    def _mark_current_generation_done(self) -> None:
        """The plugin ends a generation the same way whether the model finished it or the connection died under
        it; only the first had `generationComplete` (which closes the text stream). A spoken answer that ends
        without it was cut off, and the turn's record must say so rather than keep half a sentence as the answer."""
        gen = self._current_generation
        if gen is not None and not gen._done and gen.output_text and not gen.text_ch.closed:
            self.cut_short.add(gen.response_id)
            log.warning("gemini_answer_cut_short", said=len(gen.output_text))
        super()._mark_current_generation_done()

    @contextlib.asynccontextmanager
    async def _connect(self, *, model: str, config: types.LiveConnectConfig) -> AsyncIterator[genai_live.AsyncSession]:
        handle = config.session_resumption.handle if config.session_resumption else None
        try:
            opened = self._connect_live(model=model, config=config)
            session = await opened.__aenter__()
        except (genai_errors.APIError, ConnectionClosed) as exc:  # refused while reading the setup, or before
            if handle is None:
                raise
            self.refused_handles += 1
            log.warning("gemini_resumption_refused", error=str(exc)[:200])
            # Forget the handle: the plugin then seeds the new session with the conversation it holds.
            self._session_resumption_handle = None
            self._resumption_chat_ctx = None
            config.session_resumption = types.SessionResumptionConfig(handle=None)
            opened = self._connect_live(model=model, config=config)
            session = await opened.__aenter__()
        else:
            if handle is not None:
                log.info("gemini_session_resumed")
        try:
            yield session
        except BaseException as exc:
            if not await opened.__aexit__(type(exc), exc, exc.__traceback__):
                raise
        else:
            await opened.__aexit__(None, None, None)


class ResumingRealtimeModel(RealtimeModel):
    def session(self, *, turn_detection_disabled: bool = False) -> ResumingSession:
        sess = ResumingSession(self)
        self._sessions.add(sess)
        return sess

    def cut_short(self, message_id: str) -> bool:
        """Whether the answer `message_id` was cut off by a lost connection before the model finished it."""
        return any(isinstance(s, ResumingSession) and message_id in s.cut_short for s in self._sessions)


def realtime_model(*, model: str, api_key: str, http_options: types.HttpOptions | None = None,
                   **options: Any) -> ResumingRealtimeModel:
    """Gemini Live as Clara uses it: compression, resumption, transcripts both ways, patient reconnects."""
    extra: dict[str, Any] = {"http_options": http_options} if http_options is not None else {}
    return ResumingRealtimeModel(
        model=model, api_key=api_key, context_window_compression=compression(),
        session_resumption=types.SessionResumptionConfig(), input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(), conn_options=CONNECT_OPTIONS,
        tool_behavior=types.Behavior.NON_BLOCKING, tool_response_scheduling=types.FunctionResponseScheduling.WHEN_IDLE,
        **extra, **options,
    )
