"""How the technician likes answers, as tools: read and change skill level, units and verbosity."""

from __future__ import annotations

from typing import Literal

from livekit.agents import RunContext, function_tool

from clara.agent import answers, runner
from clara.agent.context import SessionContext
from clara.users import service as users


@function_tool
async def get_preferences(context: RunContext) -> str:
    """How the technician likes answers: skill level, units and verbosity."""

    async def work(ctx: SessionContext) -> runner.Result:
        prefs = await users.get_preferences(ctx.stores, actor=ctx.actor, user_id=ctx.user.id)
        ctx.preferences = prefs
        return {"say": answers.preferences(prefs), **prefs.as_json()}

    return await runner.run(context, "get_preferences", work)


@function_tool
async def set_preferences(
    context: RunContext, skill_level: Literal["beginner", "intermediate", "expert"] | None = None,
    units: Literal["imperial", "metric"] | None = None, verbosity: Literal["brief", "normal", "detailed"] | None = None,
    revert: bool = False,
) -> str:
    """Change how the technician likes answers; only the values given change.

    Args:
        skill_level: beginner (steps and safety notes), intermediate, or expert (terse numbers).
        units: imperial or metric.
        verbosity: brief, normal or detailed.
        revert: True to undo the last change when no value is said ("switch me back").
    """

    async def work(ctx: SessionContext) -> runner.Result:
        prefs = await users.change_preferences(ctx.stores, actor=ctx.actor, user_id=ctx.user.id,
                                               skill_level=skill_level, units=units, verbosity=verbosity,
                                               revert=revert)
        ctx.preferences = prefs
        # called with no value (a model's guess) nothing changed, and "Done" would say otherwise
        changed = revert or any(v is not None for v in (skill_level, units, verbosity))
        return {"say": answers.preferences(prefs, changed=changed), **prefs.as_json()}

    result = await runner.run(context, "set_preferences", work)
    agent = context.session.current_agent  # the rest of this turn already answers the new way
    await agent.update_instructions(agent.current_instructions())  # type: ignore[attr-defined]
    return result
