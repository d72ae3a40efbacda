"""The offline LLM: Clara without Gemini, behind the same `llm.LLM` interface so AgentSession cannot tell.

It does what an LLM does in Clara's turns, deterministically: given a technician's message, pick the tool
(`clara.agent.routing`'s rules; then embedding similarity to the tools' descriptions; then a knowledge search with
the question, since manuals and standards may answer what no rule foresaw), fill its arguments, and emit the call;
given the tool's result, say its `say` line, which the tool built from the service's facts. An equipment model
with no spec sheet is searched for in the manuals too. No key, no network, a few milliseconds a turn. It is also
the fallback when Gemini fails or times out (see `llm_select`).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any, Awaitable, Callable, Sequence

import numpy as np
from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from clara.agent.another_place import about_the_same_thing, at_another_place, last_call, of_another_model, \
    of_each_model, of_the_model_just_asked_about, one_of_those_asked, picked_from_offer, points_back
from clara.agent.after_tools import PLACE_LOOKUPS, after_tools
from clara.agent.asides import aside
from clara.agent.deficiency_said import asks_about_a_problem
from clara.agent.heard import heard
from clara.agent.knowledge_follow_up import holds_most_of
from clara.agent.listed_said import listed_named
from clara.agent.reading import asks, conversational, remark
from clara.agent.relayed_said import relayed
from clara.agent.repeat_said import LastWrite
from clara.agent.routing import arguments_for
from clara.agent.two_asks import routes
from clara.agent.said import Route, after_withdrawn, clean, small_talk
from clara.agent.sections_said import sections_written
from clara.agent.write_pieces import continued, of_what_was_said, open_write
from clara.knowledge.models import SearchHit
from clara.platform.logging import get_logger
from clara.stores.embeddings import Embedder

log = get_logger(__name__)

MODEL = "clara-offline"
SIMILARITY_THRESHOLD = 0.5  # MiniLM cosine to the closest example: paraphrases score ~0.55-0.8, unrelated talk < 0.4
NAMES_TTL = 300.0  # seconds the known customer and site names are reused

# Tools that make a draft or change a record: never chosen by likeness alone for a message put as a question.
WRITE_TOOLS = frozenset({"log_deficiency", "update_job_status", "mark_deficiency_fixed", "set_preferences"})

# Tools only a rule may choose, never likeness: an undo acts on a job however the message was meant.
_SAID_ONLY = frozenset({"undo_status_change"})

DONT_KNOW = ("I don't know that one. I can look up a customer by site or address, your jobs and daily brief, "
             "equipment specs by model, NFPA requirements, travel times and inspections due, and log deficiencies.")


def attached_tool(text: str, tools: Sequence[llm.Tool]) -> Route | None:
    """A tool from an attached MCP server that the message names ("part price 4TTR-01" calls `part_price`), with
    the rest of the message as its one required argument. Clara's own tools are routed by `route`."""
    lowered = text.lower()
    for tool in tools:
        if not isinstance(tool, llm.RawFunctionTool):
            continue
        name = tool.info.name
        at = lowered.find(name.replace("_", " ").lower())
        required = tool.info.raw_schema.get("parameters", {}).get("required", [])
        rest = clean(text[at + len(name):]) if at >= 0 else ""
        if at >= 0 and len(required) <= 1 and (rest or not required):
            return Route(name, {required[0]: rest} if required else {})
    return None


# How technicians ask for each tool, beyond the keyword rules: the similarity fallback compares a message with these
# and with the tool's own description, and takes the closest.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "customer_at_location": ("who is the customer at this building", "whose site is this",
                             "who do I call at the site", "phone number of the building manager"),
    "my_jobs_today": ("what am I doing today", "list my work orders for today", "what's on the schedule"),
    "next_job": ("where do I go after this", "what's my next stop", "where am I heading next"),
    "daily_brief": ("give me the rundown for today", "summarise my day", "what does today look like"),
    "job_details": ("what's this job about", "tell me about the work order", "what do I need to know for this job"),
    "job_history": ("when were we last out here", "when did we last service this customer",
                    "what did I do last week"),
    "equipment_spec": ("how many amps does the unit pull", "what's the breaker size for this unit",
                       "how much refrigerant does it take", "what does this unit weigh"),
    "knowledge_search": ("what does the code say about this", "how often must this be inspected",
                         "what's the procedure for this test", "why would a compressor short cycle"),
    "travel_time": ("how long will it take me to get there", "how far away is the site", "drive time to the site"),
    "inspections_due": ("what needs inspecting here", "which equipment is overdue", "what's due for testing"),
    "log_deficiency": ("write this up as a deficiency", "the pump is leaking, log it", "record a problem I found"),
    "mark_deficiency_fixed": ("I fixed that problem", "close out the deficiency", "that issue is repaired now"),
    "get_preferences": ("how are you set up to answer me", "what are my settings"),
    "set_preferences": ("talk to me like a beginner", "give me shorter answers", "switch to metric units"),
}


class ToolIndex:
    """Embeddings of each tool's description and example requests, computed once, for the similarity fallback."""

    def __init__(self, embedder: Callable[[], Embedder]) -> None:
        self._embedder = embedder
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def best(self, text: str, tools: dict[str, str]) -> tuple[str, float] | None:
        """The tool whose description or examples lie closest to `text`, with that cosine similarity."""
        embedder = self._embedder()
        missing = [(name, doc) for name, doc in tools.items() if (name, doc) not in self._vectors]
        if missing:
            for name, doc in missing:
                phrases = [f"{name.replace('_', ' ')}: {doc}", *EXAMPLES.get(name, ())]
                self._vectors[(name, doc)] = embedder.embed_documents(phrases)
        query = embedder.embed_query(text)
        scored = [(name, float(np.max(self._vectors[(name, doc)] @ query))) for name, doc in tools.items()]
        return max(scored, key=lambda s: s[1]) if scored else None


class KnownPlaces:
    """Customer and site names, refreshed every few minutes: what "WeWork" or "Salesforce Tower" can match."""

    def __init__(self, load: Callable[[], Awaitable[list[str]]]) -> None:
        self._load = load
        self._names: list[str] = []
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def names(self) -> list[str]:
        if time.monotonic() < self._expires:
            return self._names
        async with self._lock:
            if time.monotonic() >= self._expires:
                self._names = await self._load()
                self._expires = time.monotonic() + NAMES_TTL
        return self._names


# The passage the knowledge index would answer some words with, and how sure it is of it (its calibrated confidence);
# None when no passage clears the search's floor.
KnowledgeMatch = Callable[[str], Awaitable[SearchHit | None]]
# Whether some words name an uploaded document's product, brand or model (`clara.knowledge.named`).
UploadNamed = Callable[[str], Awaitable[bool]]


class OfflineLLM(llm.LLM):
    def __init__(self, *, places: KnownPlaces, tool_index: ToolIndex, knows: KnowledgeMatch | None = None,
                 names_upload: UploadNamed | None = None, people: KnownPlaces | None = None) -> None:
        super().__init__()
        self.places = places
        self.people = people  # the company's technicians' names: "what's James got" asks about his day
        self.tool_index = tool_index
        self.knows = knows
        self.names_upload = names_upload

    @property
    def model(self) -> str:
        return MODEL

    @property
    def provider(self) -> str:
        return "clara"

    def chat(
        self,
        *,
        chat_ctx: llm.ChatContext,
        tools: list[llm.Tool] | None = None,
        conn_options: APIConnectOptions = DEFAULT_API_CONNECT_OPTIONS,
        parallel_tool_calls: NotGivenOr[bool] = NOT_GIVEN,
        tool_choice: NotGivenOr[llm.ToolChoice] = NOT_GIVEN,
        extra_kwargs: NotGivenOr[dict[str, Any]] = NOT_GIVEN,
    ) -> llm.LLMStream:
        allow_tools = tool_choice != "none"
        return OfflineStream(self, chat_ctx=chat_ctx, tools=(tools or []) if allow_tools else [],
                             conn_options=conn_options)

    async def respond(self, chat_ctx: llm.ChatContext, tools: list[llm.Tool]) -> str | Route | list[Route]:
        """Either the text to say or the tool (or tools, one per question asked) to call next."""
        items = chat_ctx.items
        last_user = max((i for i, item in enumerate(items) if item.type == "message" and item.role == "user"),
                        default=-1)
        message = items[last_user] if last_user >= 0 else None
        # "my helper wants to know how often the FDC gets looked at": the question itself (`relayed_said`)
        text = relayed(sections_written(heard(message.text_content or "")), await self.places.names()) \
            if isinstance(message, llm.ChatMessage) \
            else ""
        available = {t.info.name: t.info.description or "" for t in tools if isinstance(t, llm.FunctionTool)}
        # "can you log a... actually forget it. what time am i at the plant": the request is what follows (a draft
        # waiting hears "forget it" as its answer instead)
        kept = after_withdrawn(text) if "confirm_draft" not in available else None
        text = kept if kept else text
        outputs = [item for item in items[last_user + 1:] if isinstance(item, llm.FunctionCallOutput)]
        if outputs:
            calls = [item for item in items[last_user + 1:] if isinstance(item, llm.FunctionCall)]
            return after_tools(outputs, calls, text, available)
        if not isinstance(message, llm.ChatMessage):
            return "Hi, Clara here. What do you need?"
        named = attached_tool(text, tools)
        if named is not None:
            return named
        earlier = items[:last_user]
        answered = aside(text, earlier, available, await self.people.names() if self.people else [])
        if answered is not None:
            return answered
        known = await self.places.names()
        opened = open_write(earlier) if "log_deficiency" in available and "confirm_draft" not in available else None
        piece = continued(text, opened, known) if opened is not None else None
        if piece is not None:  # the unit or the fault of a write-up announced the turn before
            return piece
        told = of_what_was_said(text, earlier) if "log_deficiency" in available and "confirm_draft" not in available \
            else None
        if told is not None:  # "ok log that" after a fault was told: that fault
            return told
        picked = one_of_those_asked(text, earlier)  # "the 640" after "the NFS2-3030 or the NFS2-640?"
        if picked is not None and picked.tool in available:
            return picked
        draft_kind, last_write = _drafts(items)
        last = last_call(earlier)
        text = listed_named(text, earlier)  # "the first one you said" after the day was read out: that job
        chosen = of_another_model(text, at_another_place(text, routes(
            text, set(available), known, draft_kind=draft_kind, photo=_photo_current(items), last_write=last_write),
            last, known), last)
        chosen = of_each_model(text, await self._of_the_same_thing(text, chosen, last), earlier)
        chosen = of_the_model_just_asked_about(text, chosen, last)
        if chosen and await self._asks_an_upload(text, chosen):
            return Route("knowledge_search", {"query": clean(text)[:500]})
        if chosen:
            return chosen[0] if len(chosen) == 1 else chosen
        picked = picked_from_offer(text, earlier)  # "the oh four" after "which size is yours?"
        if picked is not None and picked.tool in available:
            return picked
        talk = small_talk(text)
        if talk is not None:
            return talk
        if kept is not None and not asks(text):  # "never mind, I'll just go find him": nothing left to look up
            return "Okay."
        if remark(text, known):
            return "Okay."
        likely = {name: doc for name, doc in available.items() if name not in _SAID_ONLY}
        if likely:
            best = await asyncio.to_thread(self.tool_index.best, text, likely)
            if best is not None and best[1] >= SIMILARITY_THRESHOLD and \
                    not (best[0] in WRITE_TOOLS and asks_about_a_problem(text)):  # a question never drafts
                log.info("offline_route_by_similarity", tool=best[0], score=round(best[1], 3))
                chosen = _change_said(Route(best[0], arguments_for(best[0], text, known)))
                if chosen is not None and await self._asks_an_upload(text, [chosen]):
                    return Route("knowledge_search", {"query": clean(text)[:500]})
                if chosen is not None:
                    return (await self._of_the_same_thing(text, [chosen], last))[0]
        if "knowledge_search" in available and clean(text):
            query = clean(text)[:500]
            if not asks(text) and conversational(text) and self.knows is not None and not await self.knows(query):
                # Neither asked nor anything the documents speak to ("ugh, long day already"): a remark, which
                # is acknowledged; a search would only say it found nothing.
                return "Okay."
            return (await self._of_the_same_thing(text, [Route("knowledge_search", {"query": query})], last))[0]
        return DONT_KNOW

    async def _of_the_same_thing(self, text: str, chosen: list[Route], last: Route | None) -> list[Route]:
        """`chosen`, asked of what the last documents question was about (`about_the_same_thing`) only when that
        makes the documents surer of their answer. "so how far apart should the start and stop be" after the jockey
        pump finds the jockey pump's settings surer with "jockey pump" before it; "how often do i need to inspect
        the fdc" after the alarm valves names a thing of its own, whose passage the carried words only dilute, and
        the search asked both ways says so without a list of such things. The ranker's confidence is read off
        coverage and meaning normalised by the question's length, so questions of different lengths compare. A
        subject that only makes a faint match surer is not kept either: the passage found with it must still hold
        most of the question's own words (`holds_most_of`), or "how do I bleed the air out of a hydronic loop" after
        the jockey pump answers with the jockey's short cycling."""
        carried = about_the_same_thing(text, chosen, last)
        if carried == chosen or self.knows is None or points_back(text):  # "it" says so itself
            return carried
        asked = str(chosen[0].arguments["query"])
        alone, with_subject = await asyncio.gather(self.knows(asked), self.knows(str(carried[0].arguments["query"])))
        if with_subject is None or (alone is not None and with_subject.confidence < alone.confidence):
            return chosen
        passage = f"{with_subject.title} {with_subject.section or ''} {with_subject.text}"
        return carried if holds_most_of(asked, passage) else chosen

    async def _asks_an_upload(self, text: str, chosen: list[Route]) -> bool:
        """Whether the lookups the rules or likeness chose are really a question about an uploaded document, which it
        names by its product (`_LOOKUPS`): every one of them, as "Pinecrest nitrogen pressure test, how high and how
        long" read as two asks is neither a spec sheet nor a drive. A model number said is looked up on its spec
        sheet first: a miss goes to the manuals anyway (`after_tools`), and a sheet found is the surest answer."""
        if self.names_upload is None or any(c.tool not in _LOOKUPS for c in chosen):
            return False
        if any(c.tool == "equipment_spec" and re.search(r"\d", str(c.arguments.get("model") or "")) for c in chosen):
            return False
        return await self.names_upload(clean(text)[:500])


def _change_said(chosen: Route) -> Route | None:
    """A change chosen by likeness alone, only with the change it makes said: "switch the units" lies close to
    "switch to metric units" but says no value, so what is set now is said (nothing changes, and no "Done"); a status
    change with no status is no turn at all (None: the documents are asked instead)."""
    if chosen.arguments:
        return chosen
    if chosen.tool == "set_preferences":
        return Route("get_preferences", {})
    return None if chosen.tool == "update_job_status" else chosen


# Lookups a question naming an uploaded document's product is not about, though its words may read so: "Brennholt
# controller left in off, how long before it sends the alarm contact" is no customer's contact, "the passcode to
# change settings on a Brennholt PMC-200" none of the technician's settings, "manifold pressure on the Tavistrom
# package unit" not the site's rooftop unit. Writes, the day's jobs and drafts stay with their rules.
_LOOKUPS = frozenset({*PLACE_LOOKUPS, "get_preferences", "read_nameplate", "equipment_spec"})


# The tools whose results read a write back (a `draft` in their JSON): the only results a turn parses for drafts.
_READ_BACK_TOOLS = frozenset({"log_deficiency", "update_job_status", "edit_draft"})


def _drafts(items: list[llm.ChatItem]) -> tuple[str, LastWrite | None]:
    """What the conversation's read-backs say, in one pass back through its turns that parses only the read-back
    tools' results: the kind of the last draft read back (the caller offers the confirm tools only while one waits;
    "deficiency" when only the words remain, after a reconnect), and the last deficiency read back (what "same
    thing for the kitchen one" repeats)."""
    kind: str | None = None
    for item in reversed(items):
        if isinstance(item, llm.FunctionCallOutput) and not item.is_error and item.name in _READ_BACK_TOOLS:
            try:
                draft = json.loads(item.output).get("draft")
            except (json.JSONDecodeError, AttributeError):
                continue
            if not isinstance(draft, dict):
                continue
            kind = kind or str(draft.get("kind"))
            fields = draft.get("fields")
            last = LastWrite.of(fields) if draft.get("kind") == "deficiency" and isinstance(fields, dict) else None
            if last is not None:
                return kind, last
        elif kind is None and isinstance(item, llm.ChatMessage) and item.role == "assistant" and \
                "Save it?" in (item.text_content or ""):
            kind = "job_status" if (item.text_content or "").startswith("I'll mark job") else "deficiency"
    return kind or "deficiency", None


def _photo_current(items: list[llm.ChatItem]) -> bool:
    """Whether the unit discussed is the one last read from a nameplate: a `read_nameplate` call came after the
    last spec lookup that named a model."""
    for item in reversed(items):
        if not isinstance(item, llm.FunctionCall):
            continue
        if item.name == "read_nameplate":
            return True
        if item.name == "equipment_spec":
            try:
                named = json.loads(item.arguments or "{}").get("model")
            except (json.JSONDecodeError, AttributeError):
                named = None
            if named:
                return False
    return False


class OfflineStream(llm.LLMStream):
    def __init__(self, offline: OfflineLLM, *, chat_ctx: llm.ChatContext, tools: list[llm.Tool],
                 conn_options: APIConnectOptions) -> None:
        super().__init__(offline, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._offline = offline

    async def _run(self) -> None:
        request_id = f"offline-{uuid.uuid4().hex[:12]}"
        answer = await self._offline.respond(self._chat_ctx, self._tools)
        if isinstance(answer, (Route, list)):
            calls = [llm.FunctionToolCall(name=r.tool, arguments=json.dumps(r.arguments),
                                          call_id=f"call_{uuid.uuid4().hex[:12]}")
                     for r in (answer if isinstance(answer, list) else [answer])]
            self._event_ch.send_nowait(llm.ChatChunk(id=request_id, delta=llm.ChoiceDelta(role="assistant",
                                                                                           tool_calls=calls)))
            return
        # Sentence by sentence, like a streaming model: clients show the reply as it grows.
        pieces = [p for p in re.split(r"(?<=[.!?])\s+", answer) if p]
        for index, piece in enumerate(pieces):
            content = piece if index == 0 else " " + piece
            self._event_ch.send_nowait(
                llm.ChatChunk(id=request_id, delta=llm.ChoiceDelta(role="assistant", content=content))
            )
