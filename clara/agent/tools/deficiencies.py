"""Deficiencies as tools: log one (read back as a draft first, `tools.drafts`) and mark one fixed."""

from __future__ import annotations

from livekit.agents import RunContext, function_tool

from clara.agent import answers, runner, unit_answers
from clara.agent.context import SessionContext
from clara.agent.tools.drafts import draft_result, track_draft_unit
from clara.web.errors import ApiError
from clara.jobs import drafts
from clara.jobs import service as jobs


@function_tool
async def log_deficiency(
    context: RunContext, description: str, severity: str | None = None, equipment: str | None = None,
    location: str | None = None, job: str | None = None,
) -> str:
    """Log a deficiency found on site. Nothing is saved until the technician confirms the read-back
    (confirm_draft).

    Args:
        description: What is wrong, e.g. "gauge in the red, needs recharge".
        severity: How bad, in the technician's words or the system's: inoperable ("out of service", "critical",
            "high", "impaired"), deficient ("needs repair", "medium") or suggested ("minor", "recommend", "low").
        equipment: The unit it concerns, as said: "the Amerex B260 extinguisher", "the fire pump", "that unit".
        location: Where on site, e.g. "kitchen" or "stairwell B".
        job: Which job it belongs to; empty for the one the technician is on.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        if not description.strip():  # announced before the fault is said: ask for it, draft nothing yet
            return {"say": answers.what_is_wrong(equipment)}
        replaced = ctx.draft
        # no unit named right after a turn about one ("its packing is leaking bad, write it up" after the fire
        # pump's churn pressure): that unit
        unit = equipment or ("it" if ctx.unit_just_discussed() and not location else None)
        draft = await drafts.draft_deficiency(ctx.stores, actor=ctx.actor, focus=ctx.focus(), description=description,
                                              severity=severity, equipment=unit, location=location, job=job)
        ctx.draft = draft
        ctx.track(job_id=draft.job_id, site=draft.site, site_id=draft.site_id)
        track_draft_unit(ctx, draft)
        result = draft_result(draft)
        if draft.unit is None and draft.unit_words:  # a unit the site lacks: say so, and what it has instead
            on_file = await jobs.site_equipment(ctx.stores, site_id=draft.site_id)
            result["say"] = f"{unit_answers.lacking(draft.unit_words, on_file, draft.site)} {result['say']}"
        if replaced is not None:  # a new write-up while one waited: the waiting one is never saved by this yes
            result["say"] = f"{answers.draft_replaced()} {result['say']}"
        return result

    return await runner.run(context, "log_deficiency", work)


@function_tool
async def mark_deficiency_fixed(context: RunContext, deficiency_id: int | None = None) -> str:
    """Mark a deficiency as fixed.

    Args:
        deficiency_id: The deficiency number. Empty for the one just logged or discussed.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        wanted = deficiency_id or ctx.entities.deficiency_id
        if not wanted:  # "mark it fixed" with none discussed: the open ones at the job discussed, by number
            job_id = ctx.entities.job_id or (ctx.current.id if ctx.current else None)
            open_ones = (await jobs.get_job(ctx.stores, actor=ctx.actor, job_id=job_id)).deficiencies \
                if job_id else []
            if not open_ones:
                raise ApiError(400, "validation_error", "tell me the deficiency number", "deficiency_id")
            return {"say": answers.which_deficiency(open_ones), "choices": [d.id for d in open_ones]}
        deficiency = await jobs.mark_deficiency_fixed(ctx.stores, actor=ctx.actor, deficiency_id=wanted)
        ctx.track(deficiency_id=deficiency.id)
        return {"say": answers.deficiency_fixed(deficiency), "deficiency": deficiency.as_json()}

    return await runner.run(context, "mark_deficiency_fixed", work)
