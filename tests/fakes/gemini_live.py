"""A local stand-in for Gemini Live (`BidiGenerateContent`), speaking the JSON-over-WebSocket protocol that
google-genai's live client speaks, for the real `livekit.plugins.google.realtime.RealtimeModel`.

The client always connects over TLS (google-genai turns the base URL's scheme into `wss`), so the fake serves TLS
with a throwaway self-signed certificate; `client_options()` gives the `HttpOptions` that aim a RealtimeModel here
and trust that certificate. What it does, as the real service does:

- the first frame is `{"setup": {...}}`; it answers `{"setupComplete": {}}`, or closes with 1008 when the setup
  names a resumption handle it does not know (or refuses on purpose: `refuse_handles`);
- `{"realtime_input": {"audio": {"data": <base64 16 kHz PCM>}}}` frames are listened to with an energy detector:
  speech followed by half a second of silence ends the technician's utterance, which plays the next scripted turn;
- a turn sends `inputTranscription` (the script says what was said: the fake does not recognise speech), then
  tool calls (`toolCall`, waiting for the matching `tool_response`), then Clara's answer as 24 kHz PCM `inlineData`
  parts with `outputTranscription`, `generationComplete`, `turnComplete`, `usageMetadata`, and a
  `sessionResumptionUpdate` whose handle restores the conversation so far;
- a spoken answer marked `interruptible` stops with `interrupted` when speech arrives while it plays;
- speech while a tool call is pending interrupts the turn: `interrupted`, then `toolCallCancellation` naming the
  pending call (kept in `cancelled`); the rest of that turn's script is dropped and the speech is the next turn;
- after a turn the script may send `goAway` or drop the TCP connection without a close frame;
- while a tool call is pending, a `clientContent` turn asking for a reply (`turnComplete`) is answered only when
  the function was declared `NON_BLOCKING` in the setup (the fake says the line the instruction quotes, and keeps
  it in `fillers`); a blocking call holds the model, so the request is kept in `held` and never answered;
- bad input on purpose: `Relay` says what the last tool answered, `Garbage` sends a frame that is not JSON, `Cut`
  dies after the first chunks of an answer's audio.

`clientContent` turns sent at the start of a session (how a client seeds a fresh session with history) and every
message received are kept for assertions. Simulated time: each utterance and answer advances `clock` by its audio
length; with `connection_minutes` set a `goAway` arrives once a connection has lasted that long, and the token
window is enforced (25 tokens per second of audio, text at about 4 characters a token; with `turn_seconds` each
turn counts as that long): without `contextWindowCompression` a session whose context passes `window_tokens` is
closed with 1007, with it the oldest turns are dropped to the target once the trigger is passed.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import ipaddress
import json
import math
import re
import ssl
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from google.genai import types
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

PATH = "/ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent"  # the path google-genai 3.4 opens
INPUT_RATE = 16000
OUTPUT_RATE = 24000
AUDIO_TOKENS_PER_SECOND = 25  # Gemini's documented audio tokenisation
SPEECH_RMS = 300.0  # 16-bit samples: espeak speech is in the thousands, silence is 0
END_OF_SPEECH_SECONDS = 0.5


@dataclass(frozen=True)
class Call:
    name: str
    args: dict[str, Any]


@dataclass(frozen=True)
class Say:
    text: str
    interruptible: bool = False  # stream in real time and stop if the technician talks over it


@dataclass(frozen=True)
class GoAway:
    seconds: int = 10


@dataclass(frozen=True)
class Drop:
    """Cut the TCP connection without a close frame, as a mobile network does."""


@dataclass(frozen=True)
class Relay:
    """Say what the last tool answered (its `say` line, or its error), as the model relays a tool's words."""


@dataclass(frozen=True)
class Garbage:
    """A frame that is not JSON, as a broken proxy or a truncated message delivers."""


@dataclass(frozen=True)
class Cut:
    """Start speaking `text`, then cut the connection after the first chunks of audio."""

    text: str


Step = Call | Say | GoAway | Drop | Relay | Garbage | Cut


def call(name: str, **args: Any) -> Call:
    return Call(name, args)


def say(text: str, *, interruptible: bool = False) -> Say:
    return Say(text, interruptible)


def relay() -> Relay:
    return Relay()


@dataclass(frozen=True)
class Turn:
    heard: str  # what the technician said (the fake's "speech recognition")
    steps: tuple[Step, ...]


def turn(heard: str, *steps: Step) -> Turn:
    return Turn(heard, steps)


@dataclass
class Connection:
    """One WebSocket session, as the fake saw it."""

    setup: dict[str, Any]
    handle: str | None  # the resumption handle the client presented
    resumed: bool
    history: list[dict[str, Any]]  # what the model knows: restored from the handle, then this connection's turns
    seeded: list[dict[str, Any]] = field(default_factory=list)  # clientContent turns sent before any speech
    utterances: list[int] = field(default_factory=list)  # bytes of speech audio per utterance
    started_at: float = 0.0  # simulated seconds

    @property
    def resumable(self) -> bool:
        return _field(self.setup, "sessionResumption") is not None

    @property
    def transcribed(self) -> bool:
        """Both transcriptions asked for: what the technician said and what Clara said, as text."""
        return all(_field(self.setup, f) is not None for f in ("inputAudioTranscription", "outputAudioTranscription"))

    @property
    def compression(self) -> tuple[int, int] | None:
        """(trigger tokens, sliding-window target tokens) as configured in the setup, or None."""
        config = _field(self.setup, "contextWindowCompression")
        if config is None:
            return None
        window = _field(config, "slidingWindow") or {}
        return int(_field(config, "triggerTokens") or 0), int(_field(window, "targetTokens") or 0)


def _field(data: dict[str, Any], camel: str) -> Any:
    """A setup field in either JSON spelling: protobuf JSON accepts both, and google-genai sends nested config
    objects in snake_case (`context_window_compression.sliding_window.target_tokens`)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)
    return data.get(camel, data.get(snake))


def _behavior(setup: dict[str, Any], name: str) -> str:
    """How the setup declared function `name`: "NON_BLOCKING", or "BLOCKING" (the service's default)."""
    for tool in _field(setup, "tools") or []:
        for declaration in _field(tool, "functionDeclarations") or []:
            if declaration.get("name") == name:
                return str(declaration.get("behavior") or "BLOCKING")
    return "BLOCKING"


def _tokens(history: list[dict[str, Any]]) -> int:
    return sum(int(h.get("tokens", 0)) for h in history)


class FakeGeminiLive:
    def __init__(self, *, refuse_handles: bool = False, connection_minutes: float | None = None,
                 window_tokens: int | None = None, turn_seconds: float | None = None) -> None:
        self.script: list[Turn] = []
        self.connections: list[Connection] = []
        self.received: list[dict[str, Any]] = []  # every client frame but audio, in order
        self.calls_sent: list[tuple[str, str, dict[str, Any]]] = []  # (id, name, args)
        self.tool_responses: list[dict[str, Any]] = []
        self.handles: dict[str, list[dict[str, Any]]] = {}  # handle -> the conversation it restores
        self.refuse_handles = refuse_handles
        self.connection_minutes = connection_minutes
        self.window_tokens = window_tokens
        self.turn_seconds = turn_seconds  # simulated length of each turn (talk, pauses, work), when set
        self.compressions = 0
        self.go_aways = 0
        self.drops = 0
        self.clock = 0.0  # simulated seconds of conversation
        self.turns_played = 0
        self.interrupted = 0
        self.fillers: list[str] = []  # lines spoken while a NON_BLOCKING call was pending
        self.held: list[str] = []  # replies asked for while a blocking call was pending: the model waits instead
        self.events: list[tuple[str, str]] = []  # ("call" | "filler" | "tool_response" | "say" | "cancelled", detail)
        self.cancelled: list[str] = []  # ids of pending calls the technician talked over (`toolCallCancellation`)
        self.port = 0
        self._server: Server | None = None
        self._dir = tempfile.TemporaryDirectory(prefix="fake-gemini-live-")
        self._cert, self._server_ssl = _self_signed(Path(self._dir.name))
        self._turn_done = asyncio.Condition()

    # -- test API -------------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def client_options(self) -> types.HttpOptions:
        """Aim the real client here and trust the fake's certificate (nothing else in the process changes)."""
        return types.HttpOptions(base_url=self.url, async_client_args={"ssl": self.client_ssl()})

    def client_ssl(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self._cert))

    def then(self, *turns: Turn) -> "FakeGeminiLive":
        self.script.extend(turns)
        return self

    async def wait_turns(self, count: int, timeout: float = 30.0) -> None:
        """Until `count` scripted turns have been played to the end."""
        async with self._turn_done:
            await asyncio.wait_for(self._turn_done.wait_for(lambda: self.turns_played >= count), timeout)

    async def start(self) -> "FakeGeminiLive":
        self._server = await serve(self._session, "127.0.0.1", 0, ssl=self._server_ssl, max_size=None)
        self.port = next(iter(self._server.sockets)).getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self._dir.cleanup()

    # -- the protocol ----------------------------------------------------------------------------------------------

    async def _session(self, ws: ServerConnection) -> None:
        if ws.request is None or ws.request.path.split("?")[0] != PATH:
            await ws.close(1008, f"unknown method {ws.request.path if ws.request else None}")
            return
        first = json.loads(await ws.recv())
        setup = first["setup"]
        handle = (_field(setup, "sessionResumption") or {}).get("handle")
        if handle is not None and (self.refuse_handles or handle not in self.handles):
            await ws.close(1008, "Session resumption handle is invalid or has expired.")
            return
        conn = Connection(setup=setup, handle=handle, resumed=handle is not None,
                          history=list(self.handles.get(handle, [])) if handle else [], started_at=self.clock)
        self.connections.append(conn)
        await ws.send(json.dumps({"setupComplete": {}}))
        listener = _Listener()
        try:
            async for raw in ws:
                message = json.loads(raw)
                audio = (message.get("realtime_input") or {}).get("audio")
                if audio is None:
                    self.received.append(message)
                    self._take_content(conn, message)
                    continue
                pcm = _pcm(audio["data"])
                if listener.hear(pcm) and self.script:
                    conn.utterances.append(listener.take())
                    if not await self._play(ws, conn, self.script.pop(0), listener):
                        return
        except ConnectionClosed:
            return

    def _take_content(self, conn: Connection, message: dict[str, Any]) -> None:
        content = message.get("client_content")
        if content is not None:
            for t in content.get("turns") or []:
                text = " ".join(p.get("text", "") for p in t.get("parts", []))
                entry = {"role": t.get("role"), "text": text, "tokens": max(1, len(text) // 4)}
                conn.history.append(entry)
                if not conn.utterances:
                    conn.seeded.append(entry)

    async def _play(self, ws: ServerConnection, conn: Connection, script: Turn, listener: "_Listener") -> bool:
        """Answer one utterance; False when the connection ended on purpose (drop)."""
        heard_seconds = conn.utterances[-1] / (2 * INPUT_RATE)
        began = self.clock
        self.clock += heard_seconds
        conn.history.append({"role": "user", "text": script.heard,
                             "tokens": int(heard_seconds * AUDIO_TOKENS_PER_SECOND)})
        await ws.send(json.dumps({"serverContent": {"inputTranscription": {"text": script.heard}}}))
        for step in script.steps:
            if isinstance(step, Call):
                ended = await self._call(ws, conn, step, listener)
                if ended == "closed":
                    return False
                if ended == "talked_over":
                    break
            elif isinstance(step, Say):
                await self._say(ws, conn, step, listener)
            elif isinstance(step, Relay):
                await self._say(ws, conn, Say(self._last_tool_words()), listener)
            elif isinstance(step, Garbage):
                await ws.send('{"serverContent": {"modelTurn": ')
            elif isinstance(step, Cut):
                await self._cut(ws, step)
                return False
            elif isinstance(step, GoAway):
                await self._finish_turn(ws, conn, began)
                await self._go_away(ws, step.seconds)
                return True
            else:
                await self._finish_turn(ws, conn, began)
                self.drops += 1
                ws.transport.abort()
                return False
        await self._finish_turn(ws, conn, began)
        return await self._enforce_limits(ws, conn)

    async def _go_away(self, ws: ServerConnection, seconds: int) -> None:
        self.go_aways += 1
        await ws.send(json.dumps({"goAway": {"timeLeft": f"{seconds}s"}}))

    async def _call(self, ws: ServerConnection, conn: Connection, step: Call, listener: "_Listener") -> str:
        """Ask for a tool call and wait for its response: "answered", "talked_over" (the technician spoke while it
        was pending: the service interrupts the turn and cancels the call) or "closed". Meanwhile a client turn
        asking for a reply is answered only when the function was declared NON_BLOCKING; a blocking call holds the
        model until its response (the service's documented sequential function calling)."""
        call_id = f"call-{len(self.calls_sent) + 1}"
        self.calls_sent.append((call_id, step.name, step.args))
        self.events.append(("call", step.name))
        await ws.send(json.dumps({"toolCall": {"functionCalls": [{"id": call_id, "name": step.name,
                                                                 "args": step.args}]}}))
        async for raw in ws:
            message = json.loads(raw)
            if "realtime_input" in message:
                audio = message["realtime_input"].get("audio")
                pcm = b"" if audio is None else _pcm(audio["data"])
                if not pcm.strip(b"\0"):
                    continue  # digital silence, the microphone's idle frames: nothing to hear, nothing to compute
                listener.hear(pcm)  # the words belong to the next turn
                if _rms(pcm) >= SPEECH_RMS:
                    self.interrupted += 1
                    self.cancelled.append(call_id)
                    self.events.append(("cancelled", step.name))
                    await ws.send(json.dumps({"serverContent": {"interrupted": True}}))
                    await ws.send(json.dumps({"toolCallCancellation": {"ids": [call_id]}}))
                    return "talked_over"
                continue
            self.received.append(message)
            responses = (message.get("tool_response") or {}).get("functionResponses") or []
            self._take_content(conn, message)
            content = message.get("client_content")
            if content is not None and _field(content, "turnComplete"):
                await self._answer_while_pending(ws, conn, step.name, content)
            for response in responses:
                self.events.append(("tool_response", response.get("id", "")))
                self.tool_responses.append(response)
                output = json.dumps(response.get("response", {}))
                conn.history.append({"role": "tool", "text": output, "tokens": max(1, len(output) // 4)})
            if any(r.get("id") == call_id for r in responses):
                return "answered"
        return "closed"

    async def _answer_while_pending(self, ws: ServerConnection, conn: Connection, name: str,
                                    content: dict[str, Any]) -> None:
        """A reply asked for while `name` runs. The fake does not generate language: it says the line the client's
        instruction quotes, as the model does when told to say exactly that."""
        text = " ".join(p.get("text", "") for t in content.get("turns") or [] for p in t.get("parts", []))
        quoted = re.search(r'"([^"]+)"', text)
        line = quoted.group(1) if quoted else text
        if _behavior(conn.setup, name) != "NON_BLOCKING":
            self.held.append(line)
            return
        self.fillers.append(line)
        self.events.append(("filler", line))
        await self._say(ws, conn, Say(line), _Listener())
        await ws.send(json.dumps({"serverContent": {"turnComplete": True}}))

    def _last_tool_words(self) -> str:
        response = (self.tool_responses[-1].get("response") or {}) if self.tool_responses else {}
        if "error" in response:
            return str(response["error"])
        try:
            output = json.loads(response.get("output", "{}"))
        except (TypeError, json.JSONDecodeError):
            return str(response.get("output", ""))
        return str(output.get("say", "")) if isinstance(output, dict) else str(output)

    async def _cut(self, ws: ServerConnection, step: Cut) -> None:
        """Two chunks of audio with their words, then the connection dies: no turnComplete, no handle."""
        words = step.text.split()
        for i in range(2):
            await ws.send(json.dumps({"serverContent": {
                "modelTurn": {"parts": [{"inlineData": {"mimeType": f"audio/pcm;rate={OUTPUT_RATE}",
                                                        "data": base64.b64encode(_tone(0.1)).decode()}}]},
                "outputTranscription": {"text": " ".join(words[i * 2:i * 2 + 2]) + " "}}}))
        self.drops += 1
        ws.transport.abort()

    async def _say(self, ws: ServerConnection, conn: Connection, step: Say, listener: "_Listener") -> None:
        words = step.text.split()
        seconds = max(0.5, 0.3 * len(words))
        chunks = max(1, math.ceil(seconds / 0.1))
        per_chunk = max(1, math.ceil(len(words) / chunks))
        spoken: list[str] = []
        for i in range(chunks):
            part = words[i * per_chunk:(i + 1) * per_chunk]
            content: dict[str, Any] = {"modelTurn": {"parts": [{"inlineData": {
                "mimeType": f"audio/pcm;rate={OUTPUT_RATE}", "data": base64.b64encode(_tone(0.1)).decode()}}]}}
            if part:
                content["outputTranscription"] = {"text": " ".join(part) + " "}
                spoken.extend(part)
            await ws.send(json.dumps({"serverContent": content}))
            self.clock += 0.1
            if step.interruptible:
                if await listener.speech_within(ws, 0.1):
                    self.interrupted += 1
                    conn.history.append({"role": "model", "text": " ".join(spoken), "tokens": len(spoken)})
                    await ws.send(json.dumps({"serverContent": {"interrupted": True}}))
                    return
        conn.history.append({"role": "model", "text": step.text,
                             "tokens": int(seconds * AUDIO_TOKENS_PER_SECOND)})
        self.events.append(("say", step.text))
        await ws.send(json.dumps({"serverContent": {"generationComplete": True}}))

    async def _finish_turn(self, ws: ServerConnection, conn: Connection, began: float) -> None:
        if self.turn_seconds is not None and self.clock < began + self.turn_seconds:
            rest = began + self.turn_seconds - self.clock  # the rest of the turn's talk, as audio in the context
            self.clock += rest
            conn.history.append({"role": "audio", "text": "", "tokens": int(rest * AUDIO_TOKENS_PER_SECOND)})
        await ws.send(json.dumps({"serverContent": {"turnComplete": True}, "usageMetadata": {
            "promptTokenCount": _tokens(conn.history), "responseTokenCount": 40,
            "totalTokenCount": _tokens(conn.history) + 40,
            "promptTokensDetails": [{"modality": "AUDIO", "tokenCount": _tokens(conn.history)}],
            "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 40}]}}))
        handle = f"handle-{len(self.handles) + 1}"
        self.handles[handle] = list(conn.history)
        await ws.send(json.dumps({"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}}))
        async with self._turn_done:
            self.turns_played += 1
            self._turn_done.notify_all()

    async def _enforce_limits(self, ws: ServerConnection, conn: Connection) -> bool:
        """The context window and the connection's lifetime, as the service applies them after a turn."""
        tokens = _tokens(conn.history)
        if conn.compression is None:
            if self.window_tokens is not None and tokens > self.window_tokens:
                await ws.close(1007, "Request contains an invalid argument.")  # what the service sends when full
                return False
        elif tokens > conn.compression[0]:
            self.compressions += 1
            while conn.history and _tokens(conn.history) > conn.compression[1]:
                conn.history.pop(0)
        if self.connection_minutes is not None and self.clock - conn.started_at >= self.connection_minutes * 60:
            await self._go_away(ws, 10)
        return True


class _Listener:
    """An energy detector over 16 kHz PCM: an utterance ends after half a second of silence."""

    def __init__(self) -> None:
        self.speech = 0
        self.silence = 0.0

    def hear(self, pcm: bytes) -> bool:
        """Add a chunk; True when it ends an utterance."""
        if _rms(pcm) >= SPEECH_RMS:
            self.speech += len(pcm)
            self.silence = 0.0
            return False
        if not self.speech:
            return False
        self.silence += len(pcm) / (2 * INPUT_RATE)
        return self.silence >= END_OF_SPEECH_SECONDS

    def take(self) -> int:
        heard, self.speech, self.silence = self.speech, 0, 0.0
        return heard

    async def speech_within(self, ws: ServerConnection, seconds: float) -> bool:
        """Listen for `seconds` while answering: True when the technician starts talking."""
        try:
            raw = await asyncio.wait_for(ws.recv(), seconds)
        except TimeoutError:
            return False
        audio = (json.loads(raw).get("realtime_input") or {}).get("audio")
        if audio is None:
            return False
        pcm = _pcm(audio["data"])
        self.hear(pcm)
        return _rms(pcm) >= SPEECH_RMS


def _pcm(data: str) -> bytes:
    """google-genai sends bytes as unpadded URL-safe base64 (pydantic's encoding); the service accepts both."""
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def _rms(pcm: bytes) -> float:
    count = len(pcm) // 2
    if not count:
        return 0.0
    samples = struct.unpack(f"<{count}h", pcm[:count * 2])
    return math.sqrt(sum(s * s for s in samples) / count)


def _tone(seconds: float) -> bytes:
    """Clara's "voice": a 220 Hz tone at 24 kHz mono 16-bit, which is what the client expects back."""
    count = int(OUTPUT_RATE * seconds)
    return struct.pack(f"<{count}h", *(int(6000 * math.sin(2 * math.pi * 220 * i / OUTPUT_RATE))
                                       for i in range(count)))


def _self_signed(directory: Path) -> tuple[Path, ssl.SSLContext]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_path, key_path)
    return cert_path, server
