"""Clara's conversational side for one app: the LLM stack, the text sessions and the voice worker, started and
stopped with the app's lifespan (in that order, and the reverse)."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncIterator

from clara.agent import llm_select
from clara.agent.bridge import Bridge
from clara.agent.llm_select import LLMStack
from clara.agent.worker import AgentWorker
from clara.chat.sessions import ChatSessions
from clara.platform import livekit_reuse
from clara.platform.logging import get_logger
from clara.settings import Settings
from clara.stores import Stores
from clara.stores.embeddings import local_embedder

log = get_logger(__name__)


@dataclass
class AgentRuntime:
    stack: LLMStack
    chats: ChatSessions
    worker: AgentWorker


@asynccontextmanager
async def running(settings: Settings, stores: Stores) -> AsyncIterator[AgentRuntime]:
    livekit_reuse.install()  # before any session replies: what livekit rebuilds per reply from fixed code, once
    bridge = Bridge.here()
    stack = llm_select.build(settings, stores, bridge)
    chats = ChatSessions(stores, bridge, stack)
    worker = AgentWorker(settings, stores, bridge, stack)
    # The offline LLM's similarity routing needs the embedding model: load it off the loop now, not on a first turn.
    warm = asyncio.create_task(asyncio.to_thread(local_embedder), name="clara-embedder-warmup")
    await chats.start()
    await worker.start()
    log.info("agent_runtime_started", llm=stack.in_use(), worker=worker.health()[0])
    try:
        yield AgentRuntime(stack, chats, worker)
    finally:
        await worker.aclose()
        await chats.aclose()
        await stack.aclose()
        await asyncio.gather(warm, return_exceptions=True)
