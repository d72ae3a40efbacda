"""Which LLM answers: Gemini when a key is configured, with the offline LLM as its fallback; the offline LLM alone
otherwise. One stack per app: Gemini (behind its fallback) is shared by every text session; offline, each session
gets its own light OfflineLLM over the shared routing data (`LLMStack.for_session`).

The fallback is livekit's `llm.FallbackAdapter`: a Gemini error or timeout moves the same turn to the offline LLM,
Gemini is marked unavailable and probed in the background until it answers again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from livekit.agents import llm
from livekit.agents.llm.fallback_adapter import AvailabilityChangedEvent

from clara.platform import metrics
from clara.agent.bridge import Bridge
from clara.agent.llm_offline import KnowledgeMatch, KnownPlaces, OfflineLLM, ToolIndex, UploadNamed
from clara.agent.tools.knowledge import SEARCH_K
from clara.web.caller import CurrentUser
from clara.crm import service as crm
from clara.users import service as users
from clara.knowledge import service as knowledge
from clara.knowledge.models import SearchHit
from clara.platform.logging import get_logger
from clara.settings import Settings
from clara.stores import Stores
from clara.stores.embeddings import local_embedder

log = get_logger(__name__)

GEMINI = "gemini"
OFFLINE = "offline"


@dataclass
class LLMStack:
    offline: OfflineLLM
    session_llm: llm.LLM | None = None  # what every session shares (Gemini behind its fallback); None: offline only
    gemini: llm.LLM | None = None
    gemini_available: bool = True
    last_failure: str | None = None  # why Gemini was last passed over: "timeout" or the error's name
    fallbacks: int = 0  # turns the offline LLM answered although Gemini is configured
    knowledge: Callable[[CurrentUser | None], KnowledgeMatch] | None = None  # the remark check, per reader
    uploads: Callable[[CurrentUser | None], UploadNamed] | None = None  # an upload's product named, per reader
    _adapter: llm.FallbackAdapter | None = field(default=None, repr=False)

    def for_session(self, actor: CurrentUser | None = None) -> llm.LLM:
        """The LLM a new session talks to. Offline, each session gets its own (sharing the routing data): an
        AgentSession listens to its LLM's metrics, so one instance shared by N sessions would make every turn notify
        all N of them (measured: turn time and memory growing with the number of open sessions). `actor` is whose
        documents its remark check reads, as the session's knowledge searches do."""
        if self.session_llm is not None:
            return self.session_llm
        return OfflineLLM(places=self.offline.places, tool_index=self.offline.tool_index, people=self.offline.people,
                          knows=self.knowledge(actor) if self.knowledge is not None else None,
                          names_upload=self.uploads(actor) if self.uploads is not None else None)

    @property
    def primary(self) -> str:
        return GEMINI if self.gemini is not None else OFFLINE

    def in_use(self) -> str:
        """The model answering now: Gemini while it is healthy, the offline LLM otherwise."""
        return GEMINI if self.gemini is not None and self.gemini_available else OFFLINE

    def served_by(self) -> str:
        """Which model served the most recent request (for a turn just finished)."""
        if self._adapter is None:
            return self.primary
        return GEMINI if self._adapter.metrics_metadata.get("model_provider") == "Gemini" else OFFLINE

    def health(self) -> tuple[str, str]:
        if self.gemini is None:
            return "fallback", "offline LLM (no GOOGLE_API_KEY)"
        if not self.gemini_available:
            return "fallback", f"gemini unavailable ({self.last_failure or 'error'}), offline LLM answering"
        return "ok", f"gemini ({self.gemini.model})"

    async def aclose(self) -> None:
        if self._adapter is not None:
            await self._adapter.aclose()
        if self.gemini is not None:
            await self.gemini.aclose()

    def fell_back(self) -> str | None:
        """After a turn: why the offline LLM answered it although Gemini is configured, or None if Gemini did.

        Counted per turn (metrics, `fallbacks`), so a dashboard shows how much of the traffic the fallback carries.
        """
        if self.gemini is None or self.served_by() == GEMINI:
            return None
        reason = self.last_failure or "unavailable"
        self.fallbacks += 1
        metrics.llm_fallback(reason)
        return reason

    def _on_availability(self, event: AvailabilityChangedEvent) -> None:
        if event.llm is self.gemini:
            self.gemini_available = event.available
            log.warning("gemini_availability_changed", available=event.available, reason=self.last_failure)

    def _on_gemini_error(self, error: Any) -> None:
        exc = getattr(error, "error", None)
        self.last_failure = "timeout" if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__ else \
            type(exc).__name__


def place_loader(stores: Stores, bridge: Bridge) -> KnownPlaces:
    """Customer names, site names and street addresses from the CRM, for the offline LLM's routing."""

    async def load() -> list[str]:
        async def collect() -> list[str]:
            names: list[str] = []
            offset, total = 0, 1
            while offset < total:
                page = await crm.list_customers(stores, limit=crm.MAX_PAGE, offset=offset)
                total = page.total
                offset += crm.MAX_PAGE
                for customer in page.customers:
                    names.append(customer.name)
                    names += [name for site in customer.sites for name in (site.name, site.address)]
            return sorted(set(names))

        return await bridge.call(collect())

    return KnownPlaces(load)


def people_loader(stores: Stores, bridge: Bridge) -> KnownPlaces:
    """The company's technicians' names, for the offline LLM's reading of a colleague's day asked about."""

    async def load() -> list[str]:
        return [member.name for member in await bridge.call(users.technicians(stores))]

    return KnownPlaces(load)


def knowledge_matcher(stores: Stores, bridge: Bridge) -> Callable[[CurrentUser | None], KnowledgeMatch]:
    """The passage the documents an actor may read would cite for some words, with how sure they are of it: none
    tells a remark the offline LLM has no rule for from a question put as a statement, and two readings of a
    follow-up compared tell whether it is asked of the last question's subject. The search is the knowledge tool's
    own (same k, same reader), so the tool's search that follows is a cache hit."""

    def for_actor(actor: CurrentUser | None) -> KnowledgeMatch:
        async def knows(text: str) -> SearchHit | None:
            hits = await bridge.call(knowledge.search(stores, query=text, k=SEARCH_K, actor=actor))
            return hits[0] if hits else None  # search returns only passages above its floor

        return knows

    return for_actor


def upload_matcher(stores: Stores, bridge: Bridge) -> Callable[[CurrentUser | None], UploadNamed]:
    """Whether some words name the product, brand or model of an uploaded document an actor may read: such a
    question goes to the documents whatever lookup its other words suggest."""

    def for_actor(actor: CurrentUser | None) -> UploadNamed:
        async def names_upload(text: str) -> bool:
            return bool(await bridge.call(knowledge.uploads_named(stores, text=text, actor=actor)))

        return names_upload

    return for_actor


def build(settings: Settings, stores: Stores, bridge: Bridge) -> LLMStack:
    matcher = knowledge_matcher(stores, bridge)
    uploads = upload_matcher(stores, bridge)
    offline = OfflineLLM(places=place_loader(stores, bridge), tool_index=ToolIndex(local_embedder), knows=matcher(None),
                         names_upload=uploads(None), people=people_loader(stores, bridge))
    if not settings.google_api_key:
        return LLMStack(offline=offline, knowledge=matcher, uploads=uploads)
    from google.genai import types
    from livekit.plugins import (
        google,  # imported here, on the main thread, as the plugin requires
    )

    # One attempt per turn, the fallback decides the rest: without retry options google-genai sleeps 1-10 s and
    # tries again when Gemini refuses or drops the connection, and the turn waited that long for the offline LLM.
    gemini = google.LLM(model=settings.gemini_model, api_key=settings.google_api_key.get_secret_value(),
                        http_options=types.HttpOptions(retry_options=types.HttpRetryOptions(attempts=1)))
    adapter = llm.FallbackAdapter([gemini, offline], attempt_timeout=settings.gemini_timeout_seconds,
                                  max_retry_per_llm=0)
    stack = LLMStack(offline=offline, session_llm=adapter, gemini=gemini, _adapter=adapter, knowledge=matcher,
                     uploads=uploads)
    adapter.on("llm_availability_changed", stack._on_availability)
    gemini.on("error", stack._on_gemini_error)
    return stack
