"""What one agent session knows before the first word: who is talking, how they like answers, which job it is.

Built once per session (text or voice) through the bridge, so a voice job thread reads the database on the app's
loop like everyone else. The job part is what lets Clara open a job's room already knowing the site, its customer
and its equipment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from clara.agent import memory
from clara.agent.bridge import Bridge
from clara.auth.models import CurrentUser
from clara.jobs import service as jobs
from clara.jobs.models import JobDetail
from clara.jobs.travel import Point
from clara.stores import Stores
from clara.users import service as users
from clara.users.service import Preferences, User


@dataclass(frozen=True)
class Place:
    """A customer site a tool resolved from what the technician said."""

    site_id: int
    name: str
    point: Point


@dataclass
class SessionContext:
    stores: Stores
    bridge: Bridge
    actor: CurrentUser  # every tool acts as this user: services apply clara.auth.scope to it
    user: User
    preferences: Preferences
    conversation: memory.Conversation
    job: JobDetail | None  # the job this session belongs to (a job's voice room, or a chat opened from a job)
    voice: bool
    places: dict[str, Place] = field(default_factory=dict)  # what names said in this session resolved to
    recent_tools: list[str] = field(default_factory=list)  # this session's tool calls, oldest first
    offered: set[str] = field(default_factory=set)  # next actions already offered (or done): each at most once

    @property
    def entities(self) -> memory.Entities:
        return self.conversation.entities

    def track(self, **changes: object) -> None:
        """Remember what the conversation is now about; None leaves a slot as it was."""
        self.conversation.entities = self.conversation.entities.with_(**changes)

    def today(self) -> date:
        return datetime.now(self.stores.settings.company_tz).date()


async def load_context(
    stores: Stores, bridge: Bridge, *, caller: CurrentUser, user_id: int, channel: str, job_id: int | None = None,
    conversation_id: str | None = None,
) -> SessionContext:
    """Everything a session starts with, read in one hop to the app's loop.

    `caller` must be allowed to act for `user_id` (themselves, or staff); from then on the session acts as the user
    it belongs to, so a dispatcher opening a technician's chat sees that technician's day, with their rights.
    """

    async def load() -> SessionContext:
        user = await users.get_user(stores, actor=caller, user_id=user_id)
        actor = CurrentUser(id=user.id, role=user.role, email=user.email)
        preferences = await users.get_preferences(stores, actor=actor, user_id=user.id)
        job = await jobs.get_job(stores, actor=actor, job_id=job_id) if job_id is not None else None
        about_job = memory.Entities() if job is None else memory.Entities(
            customer=job.job.customer.name, customer_id=job.job.customer.id, site=job.job.site.name,
            site_id=job.job.site.id, job_id=job.job.id,
        )
        conversation = await memory.open_conversation(
            stores, actor=actor, user_id=user.id, channel=channel, job_id=job_id, conversation_id=conversation_id,
            entities=about_job,
        )
        return SessionContext(
            stores=stores, bridge=bridge, actor=actor, user=user, preferences=preferences,
            conversation=conversation, job=job, voice=channel == "voice",
        )

    return await bridge.call(load())
