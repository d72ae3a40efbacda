"""LLM usage and cost: what each model request consumed, as livekit-agents reported it, priced and kept per turn.

Counts come from the `metrics_collected` events of the conversation's model, one per request: `LLMMetrics` from
the session's LLM for Gemini text (the API's own `usageMetadata`) and the offline LLM, `RealtimeModelMetrics` from
the running agent's realtime session for Gemini Live (with the audio/text split the API reports). livekit-agents
1.8 deprecates the session's own `metrics_collected` (it logged a warning per session) for `session_usage_updated`,
which carries running totals per model: no request id, no latency, no total (so no thinking tokens), and, for text
sessions sharing one LLM, every session's requests; the models' events carry each request as the session's did. Nothing is estimated from characters. The offline LLM has no tokenizer, so its rows carry
0 tokens and `counted = 'none'` (it costs nothing either). Audio seconds are derived from audio tokens at Gemini's
documented 32 tokens per second of audio. Gemini 2.5 thinks before it answers and bills the thinking as output, but
reports it only in the total (`totalTokenCount` = prompt + candidates + thoughts; the plugins pass candidates as the
completion): output is therefore the total less the prompt whenever that is more than the completion.

A turn is everything between one user message and the next; rows carry a turn key of their own, so `turns` counts
the distinct turns that used a model.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Awaitable, Callable, Coroutine, Literal

from livekit import rtc
from livekit.agents import AgentSession
from livekit.agents.metrics import LLMMetrics, RealtimeModelMetrics
from psycopg import sql
from pydantic import Field
from typing_extensions import NotRequired, TypedDict  # pydantic reads their fields on Python < 3.12

from clara.platform import metrics
from clara.web.caller import CurrentUser, authorize
from clara.crm.models import Timestamp
from clara.web.errors import ApiError, validation_error
from clara.platform.logging import get_logger
from clara.stores import Stores

log = get_logger(__name__)

AUDIO_TOKENS_PER_SECOND = 32  # Gemini bills one second of audio as 32 tokens
DEFAULT_WINDOW = timedelta(days=30)
Prices = dict[str, tuple[float, float, float, float]]
OnAppLoop = Callable[[Coroutine[Any, Any, None]], Awaitable[None]]  # the agent's Bridge.call


@dataclass(frozen=True)
class Usage:
    """One model request's consumption, split by modality."""

    provider: str
    model: str
    request_id: str
    text_in: int
    text_out: int
    audio_in: int
    audio_out: int
    latency_seconds: float
    counted: str  # reported | none
    at: datetime

    @property
    def input_tokens(self) -> int:
        return self.text_in + self.audio_in

    @property
    def output_tokens(self) -> int:
        return self.text_out + self.audio_out

    @property
    def audio_seconds(self) -> float:
        return (self.audio_in + self.audio_out) / AUDIO_TOKENS_PER_SECOND

    def cost(self, prices: Prices) -> float:
        """USD at the price table; a model missing from it costs 0 (and is logged once per request)."""
        price = prices.get(self.model)
        if price is None:
            if self.input_tokens or self.output_tokens:
                log.warning("llm_price_unknown", model=self.model)
            return 0.0
        text_in, text_out, audio_in, audio_out = price
        return (self.text_in * text_in + self.text_out * text_out + self.audio_in * audio_in
                + self.audio_out * audio_out) / 1_000_000


def from_metrics(event: Any) -> Usage | None:
    """The usage in one livekit metrics event, or None when it is not a language model's."""
    meta = getattr(event, "metadata", None)
    provider = (meta.model_provider if meta else None) or "unknown"
    model = (meta.model_name if meta else None) or getattr(event, "label", "") or "unknown"
    at = datetime.fromtimestamp(event.timestamp, timezone.utc)
    if isinstance(event, LLMMetrics):
        output = max(event.completion_tokens, event.total_tokens - event.prompt_tokens)
        return Usage(provider, model, event.request_id, event.prompt_tokens, output, 0, 0,
                     event.duration, "reported" if event.total_tokens > 0 else "none", at)
    if isinstance(event, RealtimeModelMetrics):
        audio_in = event.input_token_details.audio_tokens
        audio_out = event.output_token_details.audio_tokens
        output = max(event.output_tokens, event.total_tokens - event.input_tokens)
        return Usage(provider, model, event.request_id, max(event.input_tokens - audio_in, 0),
                     max(output - audio_out, 0), audio_in, audio_out, event.duration,
                     "reported" if event.total_tokens > 0 else "none", at)
    return None


@dataclass(frozen=True)
class _Row:
    usage: Usage
    cost: float
    turn_id: str


class Meter:
    """Follows one AgentSession: each model request is counted in Prometheus at once and stored in PostgreSQL.

    Rows are written on the app's loop through `on_app_loop` (the agent's bridge: voice sessions run on a job
    thread's loop, the pools on the app's), all the rows waiting in one statement. With `per_turn` (text chat,
    which settles every turn) they wait for `settle()`: a turn with a tool call makes two model requests, and
    storing each on its own cost a second database round trip on every such turn. Otherwise (voice, which has no
    end of turn to wait for), and for a request reported after its turn settled, they are stored as they come.
    `settle()` stores what waits and returns once every request seen so far is stored, so a turn's usage is
    queryable when the turn reports `done`.
    """

    def __init__(self, stores: Stores, on_app_loop: OnAppLoop, *, prices: Prices, user_id: int, session_id: str,
                 channel: str, per_turn: bool = False) -> None:
        self.stores = stores
        self.on_app_loop = on_app_loop
        self.prices = prices
        self.user_id = user_id
        self.session_id = session_id
        self.channel = channel
        self.per_turn = per_turn
        self.turn_id = uuid.uuid4().hex
        self._speeches: deque[str] = deque(maxlen=64)  # this session's recent speech handles
        self._rows: list[_Row] = []  # seen, not yet handed to a write
        self._settled: str | None = None  # the turn settle() was last called in
        self._writes: set[asyncio.Task[None]] = set()
        self._session: AgentSession | None = None
        self._model: rtc.EventEmitter[Any] | None = None  # whose `metrics_collected` this meter listens to

    def attach(self, session: AgentSession) -> "Meter":
        """Follow `session`; its model is followed from its first speech on (see `_follow_model`)."""
        self._session = session
        session.on("conversation_item_added", self._on_item)
        session.on("speech_created", self._on_speech)
        session.on("close", self._on_close)
        return self

    def detach(self, session: AgentSession) -> None:
        session.off("conversation_item_added", self._on_item)
        session.off("speech_created", self._on_speech)
        session.off("close", self._on_close)
        self._on_close(None)

    def _on_close(self, _: Any) -> None:
        """A closed session's meter stops listening: a text LLM outlives the sessions it serves."""
        self._follow(None)
        self._session = None

    def _follow_model(self) -> None:
        """Listen to the model answering the speech just created: the session's LLM, or for a realtime model the
        running agent's realtime session (one per agent activity, so looked up again at every speech). Looked up
        once a speech exists, so the agent's activity, which names the speech in an LLM's metrics, listens first."""
        model: Any = None if self._session is None else self._session.llm
        if model is not None and not isinstance(model, rtc.EventEmitter):  # a RealtimeModel: its session reports
            try:
                model = self._session.current_agent.realtime_llm_session  # type: ignore[union-attr]
            except RuntimeError:  # no agent running (yet)
                model = None
        self._follow(model)

    def _follow(self, model: rtc.EventEmitter[Any] | None) -> None:
        if model is self._model:
            return
        if self._model is not None:
            self._model.off("metrics_collected", self._on_metrics)
        self._model = model
        if model is not None:
            model.on("metrics_collected", self._on_metrics)

    async def settle(self) -> None:
        """Store the requests still waiting and wait until every request seen so far is stored."""
        self._settled = self.turn_id
        self._write_waiting()
        while self._writes:
            await asyncio.gather(*list(self._writes), return_exceptions=True)

    def _on_item(self, event: Any) -> None:
        item = event.item
        if getattr(item, "type", None) == "message" and item.role == "user":
            self.turn_id = uuid.uuid4().hex

    def _on_speech(self, event: Any) -> None:
        self._speeches.append(event.speech_handle.id)
        self._follow_model()

    def _on_metrics(self, event: Any) -> None:
        # A text session's LLM may serve other sessions too: keep only the requests made for this session's own
        # speech (a realtime model's session is never shared).
        if isinstance(event, LLMMetrics) and event.speech_id not in self._speeches:
            return
        usage = from_metrics(event)
        if usage is None:
            return
        self._rows.append(_Row(usage, counted(usage, self.prices, channel=self.channel), self.turn_id))
        if not self.per_turn or self._settled == self.turn_id:  # no settle() is coming for this turn
            self._write_waiting()

    def _write_waiting(self) -> None:
        if not self._rows:
            return
        rows, self._rows = self._rows, []
        task = asyncio.get_running_loop().create_task(self._store(rows))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _store(self, rows: list[_Row]) -> None:
        try:
            await self.on_app_loop(store(self.stores, [(r.usage, r.cost, r.turn_id) for r in rows],
                                         user_id=self.user_id, session_id=self.session_id, channel=self.channel))
        except Exception as exc:  # usage accounting must never break the conversation it describes
            log.error("llm_usage_not_stored", models=sorted({r.usage.model for r in rows}), error=repr(exc))


_INSERT = (
    "INSERT INTO llm_usage (occurred_at, user_id, session_id, turn_id, channel, provider, model, request_id,"
    " input_tokens, output_tokens, input_audio_tokens, output_audio_tokens, audio_seconds, latency_seconds,"
    " cost_usd, counted) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


async def store(stores: Stores, requests: list[tuple[Usage, float, str]], *, user_id: int | None,
                session_id: str | None, channel: str) -> None:
    """Store model requests, each `(usage, cost, turn_id)`, in one transaction shared with the other writes of the
    moment (`stores.writes`, a group commit: a turn's usage usually commits with the turns being saved)."""
    await stores.writes.write([
        (_INSERT, (usage.at, user_id, session_id, turn_id, channel, usage.provider, usage.model, usage.request_id,
                   usage.input_tokens, usage.output_tokens, usage.audio_in, usage.audio_out, usage.audio_seconds,
                   usage.latency_seconds, cost, usage.counted))
        for usage, cost, turn_id in requests
    ])


async def record(stores: Stores, usage: Usage, *, user_id: int, channel: str) -> None:
    """One request made outside a conversation (a nameplate read by Gemini): priced, counted in /metrics and
    stored like a turn's, so the usage route, /metrics and the console agree on it too."""
    cost = counted(usage, stores.settings.llm_price_table, channel=channel)
    await store(stores, [(usage, cost, "")], user_id=user_id, session_id=None, channel=channel)


def counted(usage: Usage, prices: Prices, *, channel: str) -> float:
    """A request's cost, after counting its tokens and cost in /metrics (what the usage route will also say)."""
    cost = usage.cost(prices)
    metrics.observe_llm(model=usage.model, channel=channel, text_in=usage.text_in, text_out=usage.text_out,
                        audio_in=usage.audio_in, audio_out=usage.audio_out, cost_usd=cost,
                        seconds=usage.latency_seconds)
    return cost


def from_response(response: Any, *, model: str, latency_seconds: float) -> Usage:
    """A google-genai `generate_content` response's usage: output is the total less the prompt, because Gemini
    bills thinking tokens as output but reports them only in the total."""
    meta = getattr(response, "usage_metadata", None)
    prompt = int(getattr(meta, "prompt_token_count", None) or 0)
    total = int(getattr(meta, "total_token_count", None) or 0)
    output = max(total - prompt, int(getattr(meta, "candidates_token_count", None) or 0))
    return Usage(provider="google", model=model, request_id=getattr(response, "response_id", None) or "",
                 text_in=prompt, text_out=output, audio_in=0, audio_out=0, latency_seconds=latency_seconds,
                 counted="reported" if meta is not None else "none", at=datetime.now(timezone.utc))


GroupBy = Literal["day", "user", "model"]


class UsageTotals(TypedDict):
    turns: int
    requests: int
    input_tokens: int
    output_tokens: int
    audio_seconds: float
    cost_usd: float


class UsageRow(UsageTotals):
    key: Annotated[str, Field(description="UTC day (YYYY-MM-DD), user id or model")]
    label: NotRequired[Annotated[str | None, Field(description="the user's name (group_by=user)")]]


@dataclass(frozen=True)
class UsageReport:
    """`GET /clara-server/analytics/usage`'s answer: one row per group in [since, until), and their totals."""

    since: Timestamp
    until: Timestamp
    user_id: int | None
    group_by: GroupBy
    rows: list[UsageRow]
    totals: UsageTotals
    prices_as_of: Annotated[date, Field(description="The date of the price table (`LLM_PRICES`) costs use")]


_KEYS = {
    "day": sql.SQL("to_char(u.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
    "user": sql.SQL("u.user_id::text"),
    "model": sql.SQL("u.model"),
}
_AGGREGATES = sql.SQL(
    "count(DISTINCT u.turn_id) FILTER (WHERE u.turn_id <> '') AS turns,"  # a nameplate read is no turn
    " coalesce(sum(u.input_tokens), 0)::bigint AS input_tokens,"
    " coalesce(sum(u.output_tokens), 0)::bigint AS output_tokens,"
    " coalesce(sum(u.audio_seconds), 0)::float8 AS audio_seconds, coalesce(sum(u.cost_usd), 0)::float8 AS cost_usd,"
    " count(*) AS requests"
)


def _row(record: dict[str, Any]) -> UsageTotals:
    return {"turns": record["turns"], "requests": record["requests"], "input_tokens": record["input_tokens"],
            "output_tokens": record["output_tokens"], "audio_seconds": round(record["audio_seconds"], 3),
            "cost_usd": round(record["cost_usd"], 9)}


async def report(stores: Stores, *, actor: CurrentUser, since: datetime | None, until: datetime | None,
                 user_id: int | None, group_by: GroupBy) -> UsageReport:
    """Usage per day, user or model in [since, until). Technicians see only their own; staff everyone's or one's."""
    if user_id is not None:
        authorize(actor, user_id)
    elif not actor.is_staff:
        user_id = actor.id
    end = until or datetime.now(timezone.utc)
    start = since or end - DEFAULT_WINDOW
    if start >= end:
        raise validation_error("since", "since must be before until")
    where = sql.SQL("u.occurred_at >= %(since)s AND u.occurred_at < %(until)s")
    if user_id is not None:
        where += sql.SQL(" AND u.user_id = %(user_id)s")
    params = {"since": start, "until": end, "user_id": user_id}
    grouped = sql.SQL(
        "SELECT {key} AS key, min(us.name) AS label, {aggregates} FROM llm_usage u"
        " LEFT JOIN users us ON us.id = u.user_id WHERE {where} GROUP BY 1 ORDER BY 1"
    ).format(key=_KEYS[group_by], aggregates=_AGGREGATES, where=where)
    total = sql.SQL("SELECT {aggregates} FROM llm_usage u WHERE {where}").format(aggregates=_AGGREGATES, where=where)
    async with stores.db.connection() as conn:
        if user_id is not None and await (await conn.execute("SELECT 1 FROM users WHERE id = %s",
                                                              (user_id,))).fetchone() is None:
            raise ApiError(404, "not_found", f"no user with id {user_id}", "user_id")
        rows = await (await conn.execute(grouped, params)).fetchall()
        totals = await (await conn.execute(total, params)).fetchone()
    assert totals is not None
    out: list[UsageRow] = []
    for record in rows:
        row: UsageRow = {"key": record["key"] if record["key"] is not None else "unknown", **_row(record)}
        if group_by == "user":
            row["label"] = record["label"]
        out.append(row)
    return UsageReport(start, end, user_id, group_by, out, _row(totals),
                       date.fromisoformat(stores.settings.llm_prices_as_of))


def follow(session: AgentSession, stores: Stores, on_app_loop: OnAppLoop, *, user_id: int, session_id: str,
           channel: str, per_turn: bool = False) -> Meter:
    """A meter on `session`, priced with the configured table: the one line a chat or voice session needs."""
    return Meter(stores, on_app_loop, prices=stores.settings.llm_price_table, user_id=user_id, session_id=session_id,
                 channel=channel, per_turn=per_turn).attach(session)
