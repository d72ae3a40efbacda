"""Nameplates as a tool: what the unit in the technician's latest picture is, and questions about it.

A picture is a photo sent over the chat socket (read as it arrives, `photo`) or a frame of the camera the app
publishes in a LiveKit room (`clara.agent.camera`, read when asked). Either way the same vision service reads it,
and the unit read becomes the session's current unit: "what's the max fuse on this one?" and "how old is it?" are
then answered from its plate, and the spec tools take its model as "it".
"""

from __future__ import annotations

import functools
from datetime import date

from livekit.agents import RunContext, function_tool

from clara.agent import camera, runner, spec_answers, unit_answers
from clara.agent.camera import Nameplate
from clara.agent.context import SessionContext
from clara.jobs import service as jobs
from clara.jobs.models import Equipment
from clara.knowledge import service as knowledge
from clara.stores import Stores
from clara.users.service import Preferences
from clara.vision import service as vision
from clara.vision.models import Identification

NOTHING_SEEN = "I don't see a nameplate yet: send me a photo of it, or point your camera at it."


@function_tool
async def read_nameplate(context: RunContext, question: str | None = None) -> str:
    """Read the nameplate in the technician's latest photo or camera view: make, model, serial, age (from the
    serial), electrical data (MCA, max fuse), refrigerant and charge, and our spec. Also answers questions about
    the unit last photographed ("how old is it", "max fuse on this one").

    Args:
        question: What the technician asked about the unit, e.g. "how old is it" or "max fuse"; empty to
            identify it.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        seen = await _latest(ctx)
        if seen is None:
            # no picture, but a unit on file discussed ("the newest one here is the B500" ... "how old is it"):
            # its age is in the site's register
            unit = await _unit_discussed(ctx) if spec_answers.asks_age(question) else None
            if unit is not None:
                return {"say": unit_answers.installed(unit, ctx.entities.site or "the site", ctx.today()),
                        "equipment": unit.as_json()}
            return {"say": NOTHING_SEEN}
        return await answer(ctx, seen.identification, question)

    return await runner.run(context, "read_nameplate", work)


async def photo(ctx: SessionContext, data: bytes) -> runner.Result:
    """A photo the app sent: read it, make its unit the current one, and say what it is. ApiError naming `data`
    when it is not a JPEG or PNG Clara can read."""
    picture = await vision.decode_photo(data, max_bytes=ctx.stores.settings.max_image_bytes, field="data")
    number = ctx.camera.photo()
    found = await vision.identify_picture(ctx.stores, actor=ctx.actor, picture=picture, job_id=_job_id(ctx))
    _make_current(ctx, Nameplate(number, found))
    return await answer(ctx, found, None)


async def answer(ctx: SessionContext, found: Identification, question: str | None) -> runner.Result:
    """The plate's answer to `question`, and the reading itself."""
    said = await answer_from_plate(ctx.stores, found, question, preferences=ctx.preferences, today=ctx.today())
    return {"say": said, "nameplate": found.model_dump(mode="json")}


async def answer_from_plate(stores: Stores, found: Identification, question: str | None, *,
                            preferences: Preferences, today: date) -> str:
    """The plate's answer to `question` (an overview when empty), as a sentence to say; what the plate does not
    print comes from our spec of its model. (`/mcp`'s read_nameplate answers with figures, not sentences: its
    client's model writes its own, from `clara.knowledge.spec_fields`.)"""
    said = spec_answers.nameplate(found, question, preferences, today)
    if said is None and found.spec is not None:
        spec = await knowledge.equipment_spec(stores, model=str(found.spec["model"]))
        said = spec_answers.equipment_spec(spec, question, preferences)
    if said is None:
        said = f"The plate doesn't show that, and we have no spec sheet for {spec_answers.plate_name(found.fields)}."
    return said


async def _latest(ctx: SessionContext) -> Nameplate | None:
    """The reading of the newest picture: camera frames newer than the current unit's picture are read, newest
    first, until one shows a model or serial (a frame blurred by a moving hand is passed over); else the current
    unit stands."""
    current = ctx.nameplate
    fresh = [shot for shot in ctx.camera.recent() if current is None or shot.number > current.number]
    best: Nameplate | None = None
    for shot in fresh:
        picture = await vision.picture_from(functools.partial(camera.picture, shot.frame))
        found = await vision.identify_picture(ctx.stores, actor=ctx.actor, picture=picture, job_id=_job_id(ctx))
        if best is None or found.fields.keys() & {"model", "serial"}:
            best = Nameplate(shot.number, found)
        if found.fields.keys() & {"model", "serial"}:
            break
    if best is None:
        return current
    _make_current(ctx, best)
    return best


def _make_current(ctx: SessionContext, seen: Nameplate) -> None:
    """The unit read is the one now discussed: by its catalogue model when we have its spec (so the spec tools
    find it), and as the registered unit when it is already on record at the job's site. The conversation keeps
    it (saved with the turn), so a reconnect, or another instance, still knows what "it" is."""
    ctx.nameplate = seen
    found = seen.identification
    ctx.conversation.nameplate = found.model_dump(mode="json")
    model = str(found.spec["model"]) if found.spec else found.fields.get("model")
    if model:
        ctx.track_unit(model=model, manufacturer=found.fields.get("manufacturer"),
                       equipment_id=found.on_site.id if found.on_site else None)


async def _unit_discussed(ctx: SessionContext) -> Equipment | None:
    """The registered unit the conversation is about, when one at a site is."""
    e = ctx.entities
    if e.equipment_id is None or e.site_id is None:
        return None
    units = await jobs.site_equipment(ctx.stores, site_id=e.site_id)
    return next((u for u in units if u.id == e.equipment_id), None)


def _job_id(ctx: SessionContext) -> int | None:
    """The job whose site the unit may already be registered at: the session's, else the one the technician is
    on."""
    if ctx.job is not None:
        return ctx.job.job.id
    return ctx.current.id if ctx.current is not None else None
