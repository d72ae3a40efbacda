"""The offline LLM: Clara without Gemini, behind the same `llm.LLM` interface so AgentSession cannot tell.

It does what an LLM does in Clara's turns, deterministically: given a technician's message, pick the tool (model
numbers, known customer and site names, keywords, and, when nothing matches, embedding similarity to the tools'
descriptions), fill its arguments, and emit the call; given the tool's result, say its `say` line, which the tool
built from the service's facts. No key, no network, a few milliseconds a turn. It is also the fallback when Gemini
fails or times out (see `llm_select`).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Sequence

import numpy as np
from livekit.agents import llm
from livekit.agents.types import DEFAULT_API_CONNECT_OPTIONS, NOT_GIVEN, APIConnectOptions, NotGivenOr

from clara.logging import get_logger
from clara.stores.embeddings import Embedder

log = get_logger(__name__)

MODEL = "clara-offline"
SIMILARITY_THRESHOLD = 0.5  # MiniLM cosine to the closest example: paraphrases score ~0.55-0.8, unrelated talk < 0.4
NAMES_TTL = 300.0  # seconds the known customer and site names are reused

DONT_KNOW = ("I don't know that one. I can look up a customer by site or address, your jobs and daily brief, "
             "equipment specs by model, NFPA requirements, travel times and inspections due, and log deficiencies.")

_MODEL_TOKEN = re.compile(r"(?<![\w-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])")
_NOT_A_MODEL = re.compile(
    r"^(?:nfpa\d+[a-z]?|\d+(?:st|nd|rd|th)|\d+(?:a|v|w|kw|hz|psi|psig|gpm|cfm|ft|in|lb|lbs|am|pm|s|min|h|hr|hrs|mi|km"
    r"|f|c|k)|r-?\d{2,3}[a-z]?|i-?\d+|[a-z]\d|\d[a-z])$",
    re.IGNORECASE,
)
_STANDARD = re.compile(r"\bnfpa[\s-]*\d+[a-z]?\b", re.IGNORECASE)
_SEVERITY_WORDS = {"inoperable": "inoperable", "impaired": "inoperable", "out of service": "inoperable",
                   "deficient": "deficient", "deficiency": "deficient", "suggested": "suggested",
                   "suggestion": "suggested", "recommendation": "suggested", "recommended": "suggested"}
_EQUIPMENT_WORDS = re.compile(
    r"\b(fire pump|jockey pump|pump|alarm panel|fire alarm panel|panel|dry pipe valve|alarm check valve|valve|"
    r"backflow(?: preventer)?|extinguisher|rooftop unit|rtu|kitchen hood|hood|clean agent system|compressor|riser)\b",
    re.IGNORECASE,
)
_SPEC_TOPIC = re.compile(
    r"\b(amp|amps|amperage|draw|current|mca|mocp|rla|fla|lra|breaker|fuse|voltage|volts|phase|refrigerant|charge|"
    r"weigh\w*|dimensions?|size|seer2?|eer2?|hspf2?|efficiency|capacity|tonnage|tons?|btu\w*|pressure|psi|flow|gpm|cfm|"
    r"airflow|rpm|specs?|specifications?|service notes?)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(r"\b(its|it|that unit|this unit|the unit|that one|this one|that model|this model)\b",
                      re.IGNORECASE)
_KNOWLEDGE = re.compile(
    r"\b(requirements?|required|require|code|standard|section|how often|frequency|interval|allowed|maximum|"
    r"minimum|clearance|procedure|troubleshoot\w*|what causes|why (?:is|does|would|do)|symptoms?|test(?:ing)? "
    r"(?:procedure|frequency)|annual|quarterly|monthly|weekly|semi-?annual)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Route:
    tool: str
    arguments: dict[str, Any]


def _clean(text: str) -> str:
    return text.strip().strip("?!.,;: ").strip()


def model_numbers(text: str) -> list[str]:
    """Tokens that look like equipment model numbers ("50TCQA06", "NFS2-3030"), not quantities or standards."""
    return [t for t in _MODEL_TOKEN.findall(text) if len(t) >= 3 and not _NOT_A_MODEL.match(t)]


def _after(text: str, pattern: str) -> str | None:
    match = re.search(pattern, text, re.IGNORECASE)
    return _clean(match.group(1)) or None if match else None


def _known_in(text: str, known: Sequence[str]) -> str | None:
    """The longest known customer name, site name or street address the text contains."""
    lowered = text.lower()
    return next((name for name in sorted(known, key=len, reverse=True)
                 if re.search(rf"(?<!\w){re.escape(name.lower())}(?!\w)", lowered)), None)


_HERE = re.compile(r"^(?:this|that|the|my)?\s*(?:site|building|place|job|location|one|here|there|it)$|^(?:here|there|it)$",
                   re.IGNORECASE)


def _place_in(text: str, known: Sequence[str]) -> str | None:
    """The place a question names: a known name it contains, else what follows "at/for/to/of"; None for "here"."""
    place = _known_in(text, known) or _after(
        text, r"\b(?:at|for|to|of|owns|near)\s+(?:the\s+)?([A-Za-z0-9][\w .'&-]*?)\s*(?:\?|$|\.|,|!)"
    )
    return None if place is None or _HERE.match(place) else place


def _deficiency(text: str) -> dict[str, Any]:
    body = re.split(r"deficienc(?:y|ies)\s*[:,-]?\s*", text, maxsplit=1, flags=re.IGNORECASE)[-1]
    body = re.sub(r"^(?:log|record|report|add|write up)\s+(?:a|an|the)?\s*", "", body, flags=re.IGNORECASE)
    severity = "deficient"
    for word, level in _SEVERITY_WORDS.items():
        pattern = rf"(?:[,;-]\s*|\b(?:severity|as)\s+|\()\s*{word}\)?\s*[.!]?\s*$"
        if re.search(pattern, body, re.IGNORECASE):
            severity = level
            body = re.sub(pattern, "", body, flags=re.IGNORECASE)
            break
    else:
        mentioned = next((level for word, level in _SEVERITY_WORDS.items()
                          if word != "deficiency" and re.search(rf"\b{word}\b", body, re.IGNORECASE)), None)
        severity = mentioned or severity
    body = _clean(body)
    location = None
    where = re.search(r"^(.*\S)\s+(?:in|at|on|near|inside|by)\s+(?:the\s+)?(.+)$", body, re.IGNORECASE)
    if where:
        body, location = _clean(where.group(1)), _clean(where.group(2))
    arguments: dict[str, Any] = {"description": body, "severity": severity}
    if location:
        arguments["location"] = location
    equipment = _EQUIPMENT_WORDS.search(body)
    if equipment:
        arguments["equipment"] = equipment.group(1).lower()
    return arguments


# What a technician says to change how Clara answers: per preference, the first phrase that matches wins.
_PREFERENCE_PHRASES: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("skill_level", ((r"\b(beginner|novice|new tech\w*|apprentice|explain (?:more|the steps))\b", "beginner"),
                     (r"\b(expert|senior tech\w*|just the numbers|terse)\b", "expert"),
                     (r"\bintermediate\b", "intermediate"))),
    ("units", ((r"\bmetric\b", "metric"), (r"\b(imperial|us units|us customary|feet and inches)\b", "imperial"))),
    ("verbosity", ((r"\b(brief|shorter|short answers|less detail|concise)\b", "brief"),
                   (r"\b(detailed|more detail|longer answers|elaborate)\b", "detailed"),
                   (r"\bnormal (?:length|answers|verbosity)\b", "normal"))),
)


def _preferences(text: str) -> dict[str, str]:
    lowered = text.lower()
    changes: dict[str, str] = {}
    for preference, phrases in _PREFERENCE_PHRASES:
        value = next((value for pattern, value in phrases if re.search(pattern, lowered)), None)
        if value is not None:
            changes[preference] = value
    return changes


def route(text: str, tools: set[str], known_places: Sequence[str]) -> Route | None:
    """The tool a message asks for, with its arguments; None when no rule applies (embeddings decide then)."""
    lowered = text.lower()

    def pick(name: str, **arguments: Any) -> Route | None:
        return Route(name, {k: v for k, v in arguments.items() if v is not None}) if name in tools else None

    changes = _preferences(text)
    if changes and re.search(r"\b(set|switch|change|use|make|prefer|i'?m|i am|be more|talk to me|treat me|give me|"
                             r"from now on|answers?|preferences?|settings?|units)\b", lowered):
        return pick("set_preferences", **changes)
    if re.search(r"\b(preferences|settings|skill level|verbosity)\b", lowered):
        return pick("get_preferences")
    if re.search(r"\b(log|record|report|add|write up|note)\b.*\bdeficienc", lowered) or \
            re.match(r"\s*deficiency\s*:", lowered):
        return pick("log_deficiency", **_deficiency(text))
    if re.search(r"\b(fixed|repaired|resolved|corrected)\b", lowered) and \
            re.search(r"\b(mark|set|it'?s|is|was|been|deficiency)\b", lowered):
        number = re.search(r"(?:deficiency|number|#|no\.?)\s*#?\s*(\d+)", lowered)
        return pick("mark_deficiency_fixed", deficiency_id=int(number.group(1)) if number else None)
    if re.search(r"\b(daily brief|brief me|my day|plan for (?:the day|today)|today'?s plan|morning brief|"
                 r"summary of (?:my|the) day|how does my day look)\b", lowered):
        return pick("daily_brief")
    if re.search(r"\b(next (?:job|stop|appointment|visit|call)|where am i (?:going|headed)|where to next)\b", lowered):
        return pick("next_job")
    if re.search(r"\b(my jobs|jobs (?:today|for today|do i have)|today'?s jobs|my schedule|schedule today|"
                 r"what'?s on (?:my plate|today)|how many jobs)\b", lowered):
        return pick("my_jobs_today")
    job_number = re.search(r"\bjob\s*(?:number\s*|#\s*|no\.?\s*)?(\d+)\b", lowered)
    if job_number or re.search(r"\b(this|current|the) job\b|\bjob details\b", lowered):
        return pick("job_details", job_id=int(job_number.group(1)) if job_number else None)
    if re.search(r"\binspections?\b.*\b(due|overdue|needed|coming up|pending)\b|\bwhat(?:'s| is) (?:over)?due\b|"
                 r"\boverdue\b", lowered):
        return pick("inspections_due", site=_place_in(text, known_places))
    if re.search(r"\b(how (?:long|far)|travel time|drive time|driving time|get to|drive to|eta|distance to)\b", lowered):
        destination = _known_in(text, known_places) or _after(
            text, r".*\b(?:to|is)\s+(?:the\s+)?([A-Za-z0-9][\w .'&-]*?)\s*(?:from\b.*)?(?:\?|$|\.|!)"
        )
        if destination and (_HERE.match(destination) or destination.lower() in ("get there", "away")):
            destination = None
        return pick("travel_time", destination=destination)
    if re.search(r"\b(customer|client|owner|owns|who(?:'s| is) at)\b", lowered):
        return pick("customer_at_location", location=_place_in(text, known_places))
    if _STANDARD.search(text):
        return pick("knowledge_search", query=_clean(text), source="nfpa")
    models = model_numbers(text)
    if models:
        return pick("equipment_spec", model=models[-1], question=_clean(text))
    if _SPEC_TOPIC.search(text) and _PRONOUN.search(text):
        return pick("equipment_spec", question=_clean(text))
    if _KNOWLEDGE.search(text):
        return pick("knowledge_search", query=_clean(text))
    place = _known_in(text, known_places)
    if place:
        return pick("customer_at_location", location=place)
    return None


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
        rest = _clean(text[at + len(name):]) if at >= 0 else ""
        if at >= 0 and len(required) <= 1 and (rest or not required):
            return Route(name, {required[0]: rest} if required else {})
    return None


def _small_talk(text: str) -> str | None:
    lowered = text.lower().strip()
    if re.match(r"^(hi|hello|hey|good (?:morning|afternoon|evening)|yo)\b", lowered):
        return "Hi, Clara here. Ask me about your jobs, a customer, an equipment spec or a code requirement."
    if re.search(r"\b(thanks|thank you|cheers|appreciate it)\b", lowered):
        return "You're welcome."
    if re.match(r"^(ok|okay|got it|cool|great|perfect|sounds good)\W*$", lowered):
        return "Okay."
    return None


def _tool_arguments(tool: str, text: str, known: Sequence[str]) -> dict[str, Any]:
    """Arguments for a tool chosen by similarity alone: whatever the message offers for its main parameter."""
    if tool == "knowledge_search":
        return {"query": _clean(text)}
    if tool == "log_deficiency":
        return _deficiency(text)
    if tool == "equipment_spec":
        models = model_numbers(text)
        return {"question": _clean(text), **({"model": models[-1]} if models else {})}
    if tool in ("customer_at_location", "inspections_due", "travel_time"):
        place = _place_in(text, known)
        key = {"customer_at_location": "location", "inspections_due": "site", "travel_time": "destination"}[tool]
        return {key: place} if place else {}
    if tool == "set_preferences":
        return _preferences(text)
    return {}


# How technicians ask for each tool, beyond the keyword rules: the similarity fallback compares a message with these
# and with the tool's own description, and takes the closest.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "customer_at_location": ("who is the customer at this building", "whose site is this",
                             "who do I call at the site", "phone number of the building manager"),
    "my_jobs_today": ("what am I doing today", "list my work orders for today", "what's on the schedule"),
    "next_job": ("where do I go after this", "what's my next stop", "where am I heading next"),
    "daily_brief": ("give me the rundown for today", "summarise my day", "what does today look like"),
    "job_details": ("what's this job about", "tell me about the work order", "what do I need to know for this job"),
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


class OfflineLLM(llm.LLM):
    def __init__(self, *, places: KnownPlaces, tool_index: ToolIndex) -> None:
        super().__init__()
        self.places = places
        self.tool_index = tool_index

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

    async def respond(self, chat_ctx: llm.ChatContext, tools: list[llm.Tool]) -> str | Route:
        """Either the text to say or the tool to call next."""
        items = chat_ctx.items
        last_user = max((i for i, item in enumerate(items) if item.type == "message" and item.role == "user"),
                        default=-1)
        outputs = [item for item in items[last_user + 1:] if isinstance(item, llm.FunctionCallOutput)]
        if outputs:
            return " ".join(_say(output) for output in outputs)
        message = items[last_user] if last_user >= 0 else None
        if not isinstance(message, llm.ChatMessage):
            return "Hi, Clara here. What do you need?"
        text = message.text_content or ""
        available = {t.info.name: t.info.description or "" for t in tools if isinstance(t, llm.FunctionTool)}
        named = attached_tool(text, tools)
        if named is not None:
            return named
        known = await self.places.names()
        chosen = route(text, set(available), known)
        if chosen is not None:
            return chosen
        talk = _small_talk(text)
        if talk is not None:
            return talk
        if available:
            best = await asyncio.to_thread(self.tool_index.best, text, available)
            if best is not None and best[1] >= SIMILARITY_THRESHOLD:
                log.info("offline_route_by_similarity", tool=best[0], score=round(best[1], 3))
                return Route(best[0], _tool_arguments(best[0], text, known))
        return DONT_KNOW


def _say(output: llm.FunctionCallOutput) -> str:
    """What a tool result says: its `say` line, or the apology a failed tool returned."""
    if output.is_error:
        return output.output
    try:
        data = json.loads(output.output)
    except json.JSONDecodeError:
        return output.output
    return str(data.get("say") or output.output) if isinstance(data, dict) else output.output


class OfflineStream(llm.LLMStream):
    def __init__(self, offline: OfflineLLM, *, chat_ctx: llm.ChatContext, tools: list[llm.Tool],
                 conn_options: APIConnectOptions) -> None:
        super().__init__(offline, chat_ctx=chat_ctx, tools=tools, conn_options=conn_options)
        self._offline = offline

    async def _run(self) -> None:
        request_id = f"offline-{uuid.uuid4().hex[:12]}"
        answer = await self._offline.respond(self._chat_ctx, self._tools)
        if isinstance(answer, Route):
            call = llm.FunctionToolCall(name=answer.tool, arguments=json.dumps(answer.arguments),
                                        call_id=f"call_{uuid.uuid4().hex[:12]}")
            self._event_ch.send_nowait(llm.ChatChunk(id=request_id, delta=llm.ChoiceDelta(role="assistant",
                                                                                           tool_calls=[call])))
            return
        # Sentence by sentence, like a streaming model: clients show the reply as it grows.
        pieces = [p for p in re.split(r"(?<=[.!?])\s+", answer) if p]
        for index, piece in enumerate(pieces):
            content = piece if index == 0 else " " + piece
            self._event_ch.send_nowait(
                llm.ChatChunk(id=request_id, delta=llm.ChoiceDelta(role="assistant", content=content))
            )
