"""What one agent session knows: who is talking, how they like answers, their day, where they stand, the job the
session is about, the conversation so far, a write waiting for a yes, and the nameplate last seen.

Built once per session (text or voice) through the bridge, so a voice job thread reads the database on the app's
loop like everyone else, and refreshed before each turn (`refresh`): preferences changed over REST and jobs changed
by a dispatcher reach an open session at once (both come from the cache, which every instance invalidates).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from clara.agent.bridge import Bridge
from clara.agent.camera import Camera, Nameplate
from clara.web.caller import CurrentUser
from clara.conversations import service as conversations
from clara.conversations.models import Conversation, Entities
from clara.jobs import drafts, resolution
from clara.jobs import service as jobs
from clara.jobs.drafts import Draft
from clara.jobs.models import Job, JobDetail
from clara.jobs.resolution import Focus
from clara.jobs.travel import Point
from clara.platform.logging import get_logger
from clara.stores import Stores
from clara.users import service as users
from clara.users.service import Preferences, User
from clara.vision.models import Identification

if TYPE_CHECKING:
    from livekit.agents.voice import SpeechHandle

log = get_logger(__name__)

UNITS_REMEMBERED = 8  # earlier units "that backflow from before" can go back to


@dataclass
class SessionContext:
    stores: Stores
    bridge: Bridge
    actor: CurrentUser  # every tool acts as this user: services apply clara.web.caller to it
    user: User
    preferences: Preferences
    conversation: Conversation
    job: JobDetail | None  # the job this session belongs to (a job's voice room, or a chat opened from a job)
    voice: bool
    day: list[Job] = field(default_factory=list)  # today's jobs in schedule order, as of the last refresh
    current: Job | None = None  # the job the technician is on (or heading to), as of the last refresh
    position: Point | None = None  # where the technician stands, when the app says (a `location` frame)
    recent_tools: list[str] = field(default_factory=list)  # this session's tool calls, oldest first
    offered: set[str] = field(default_factory=set)  # next actions already offered (or done): each at most once
    offer_contexts: set[tuple[str, ...]] = field(default_factory=set)  # last-two-tools contexts already weighed
    unweighed: set[tuple[str, ...]] = field(default_factory=set)  # contexts whose tool failed before its offer
    camera: Camera = field(default_factory=Camera)  # the room camera's recent frames (clara.agent.camera)
    nameplate: Nameplate | None = None  # the unit last read from a photo or frame: "this one", "how old is it"
    fillers: list["SpeechHandle"] = field(default_factory=list)  # "checking the manual…" lines: not the answer
    _draft_parsed: tuple[dict[str, Any] | None, Draft | None] = field(default=(None, None), repr=False)

    @property
    def entities(self) -> Entities:
        return self.conversation.entities

    def track(self, **changes: object) -> None:
        """Remember what the conversation is now about; None leaves a slot as it was."""
        self.conversation.entities = self.conversation.entities.with_(**changes)

    def track_unit(self, *, model: str, manufacturer: str | None, equipment_id: int | None) -> None:
        """The equipment now discussed: a model, and the unit at a site when there is one (or none: a model
        looked up away from any site is not "that unit" at the next one)."""
        e = self.conversation.entities
        earlier = e.units_discussed
        if e.equipment_id is not None and e.equipment_id != equipment_id:  # remembered: "that backflow from before"
            earlier = (e.equipment_id, *(i for i in earlier if i != e.equipment_id))[:UNITS_REMEMBERED]
        self.conversation.entities = replace(e, equipment_model=model, manufacturer=manufacturer,
                                             equipment_id=equipment_id, units_discussed=earlier)

    def track_listed(self, unit_ids: list[int]) -> None:
        """Several units named in one answer (a site's backflows, what stands in a room): no one of them is "it",
        and the model discussed before them is not either; each is remembered, as "that backflow" may pick one."""
        e = self.conversation.entities
        earlier = tuple(dict.fromkeys([*unit_ids, *([e.equipment_id] if e.equipment_id else []),
                                       *e.units_discussed]))[:UNITS_REMEMBERED]
        self.conversation.entities = replace(e, equipment_model=None, manufacturer=None, equipment_id=None,
                                             units_discussed=earlier)

    def unit_just_discussed(self) -> bool:
        """Whether the last turn was about a unit at a site: a spec lookup that found the unit there. Only then is
        that unit what an unnamed "it" means ("how often is it looked at", "its packing is leaking, write it up")."""
        last = self.conversation.recent[-1] if self.conversation.recent else None
        return bool(last and self.entities.equipment_id is not None and
                    any(call.name == "equipment_spec" and call.ok for call in last.tool_calls))

    def focus(self) -> Focus:
        """What reference resolution needs from this session."""
        e = self.entities
        return Focus(position=self.position, session_job_id=self.job.job.id if self.job else None, job_id=e.job_id,
                     site_id=e.site_id, equipment_id=e.equipment_id, equipment_model=e.equipment_model,
                     unit_kind=e.unit_kind, units_discussed=e.units_discussed)

    @property
    def draft(self) -> Draft | None:
        """The write read back and waiting for a yes, if any: parsed from the conversation's JSON once, not at each
        of a turn's several looks (the tools offered, each tool, the turn saved)."""
        data = self.conversation.draft
        if data is None:
            return None
        source, parsed = self._draft_parsed
        if source is not data:
            parsed = drafts.from_json(data)
            self._draft_parsed = (data, parsed)
        return parsed

    @draft.setter
    def draft(self, value: Draft | None) -> None:
        data = None if value is None else drafts.as_json(value)
        self.conversation.draft = data
        self._draft_parsed = (data, value)

    def today(self) -> date:
        return datetime.now(self.stores.settings.company_tz).date()

    async def refresh(self) -> bool:
        """Re-read preferences, today's jobs and the current job (cache hits unless something changed); True when
        anything the instructions mention changed. Runs on the app's loop."""
        preferences = await users.get_preferences(self.stores, actor=self.actor, user_id=self.user.id)
        day = await resolution.todays_jobs(self.stores, actor=self.actor)
        current = await resolution.current_job(self.stores, actor=self.actor, focus=self.focus(), day=day)
        changed = (preferences, day, current) != (self.preferences, self.day, self.current)
        self.preferences, self.day, self.current = preferences, day, current
        return changed


async def load_context(
    stores: Stores, bridge: Bridge, *, caller: CurrentUser, user_id: int, channel: str, job_id: int | None = None,
    conversation_id: str | None = None, fresh: bool = False, position: Point | None = None,
) -> SessionContext:
    """Everything a session starts with, read in one hop to the app's loop.

    `caller` must be allowed to act for `user_id` (themselves, or staff); from then on the session acts as the user
    it belongs to, so a dispatcher opening a technician's chat sees that technician's day, with their rights.
    `fresh` starts a new conversation instead of continuing the latest.
    """

    async def load() -> SessionContext:
        user = await users.get_user(stores, actor=caller, user_id=user_id)
        actor = CurrentUser(id=user.id, role=user.role, email=user.email)
        preferences = await users.get_preferences(stores, actor=actor, user_id=user.id)
        job = await jobs.get_job(stores, actor=actor, job_id=job_id) if job_id is not None else None
        about_job = Entities() if job is None else Entities(
            customer=job.job.customer.name, customer_id=job.job.customer.id, site=job.job.site.name,
            site_id=job.job.site.id, job_id=job.job.id,
        )
        conversation = await conversations.open_conversation(
            stores, actor=actor, user_id=user.id, channel=channel, job_id=job_id, conversation_id=conversation_id,
            entities=about_job, fresh=fresh,
        )
        ctx = SessionContext(stores=stores, bridge=bridge, actor=actor, user=user, preferences=preferences,
                             conversation=conversation, job=job, voice=channel == "voice", position=position,
                             nameplate=_nameplate(conversation))
        await ctx.refresh()
        return ctx

    return await bridge.call(load())


def _nameplate(conversation: Conversation) -> Nameplate | None:
    """The unit the conversation last read from a photo, as picture 0: older than any this session will see. A
    reading saved in a shape this version cannot read (an older release's) is dropped: the technician is asked for
    the photo again rather than the conversation failing to open."""
    saved = conversation.nameplate
    if saved is None:
        return None
    try:
        return Nameplate(0, Identification.model_validate(saved))
    except ValidationError as exc:
        log.warning("saved_nameplate_unreadable", conversation_id=conversation.id, errors=exc.error_count())
        return None
