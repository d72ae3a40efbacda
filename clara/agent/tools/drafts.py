"""Writes confirmed by the technician, as tools: a draft is read back, corrected, and saved only on a yes.

`log_deficiency` and `update_job_status` never store anything: they make a draft, which the technician hears (and
the app receives as a `draft` frame). `confirm_draft` saves it or not; `edit_draft` applies a correction. Both are
offered only while a draft waits (`clara.agent.clara.Clara.sync`), so a stray "yes" finds nothing to confirm.
"""

from __future__ import annotations

from livekit.agents import RunContext, function_tool

from clara.agent import answers, runner
from clara.agent.context import SessionContext
from clara.web.errors import ApiError
from clara.jobs import drafts
from clara.jobs.drafts import DeficiencyDraft, Draft


def draft_result(draft: Draft) -> runner.Result:
    """A draft as a tool result: the read-back to say and the `draft` the app shows."""
    text = answers.deficiency_draft(draft) if isinstance(draft, DeficiencyDraft) else answers.status_draft(draft)
    return {"say": text, "draft": {"draft_id": draft.id, "kind": draft.kind, "fields": draft.fields(), "text": text}}


@function_tool
async def confirm_draft(context: RunContext, accept: bool) -> str:
    """The technician's answer to a read-back: yes saves exactly what was read back; no saves nothing and keeps
    the draft for a correction.

    Args:
        accept: True for yes ("yes", "save it", "correct"), false for no.
    """

    async def work(ctx: SessionContext) -> runner.Result:
        return await confirm(ctx, accept=accept, draft_id=None)

    return await runner.run(context, "confirm_draft", work)


def track_draft_unit(ctx: SessionContext, draft: DeficiencyDraft) -> None:
    """The unit a deficiency draft names is the one discussed, saved or not: after "write up the fire pump ...
    never mind", "what's the churn on it" asks about that pump."""
    if draft.unit is not None:
        ctx.track_unit(model=draft.unit.model, manufacturer=draft.unit.manufacturer, equipment_id=draft.unit.id)


async def confirm(ctx: SessionContext, *, accept: bool, draft_id: str | None) -> runner.Result:
    """Save or keep the pending draft; `draft_id` (from the app's confirm frame) must name the one pending."""
    draft = ctx.draft
    if draft is None or (draft_id is not None and draft_id != draft.id):
        if draft_id is not None:
            raise ApiError(409, "draft_not_pending", "that draft is no longer waiting to be saved", "draft_id")
        return {"say": answers.nothing_pending()}
    if not accept:
        return {"say": answers.not_saved(draft)}
    record_id = await drafts.save(ctx.stores, actor=ctx.actor, draft=draft)
    ctx.draft = None
    if isinstance(draft, DeficiencyDraft):
        ctx.track(deficiency_id=record_id)
    return {"say": answers.saved(draft, record_id), "saved": {"kind": draft.kind, "id": record_id}}


@function_tool
async def edit_draft(
    context: RunContext, severity: str | None = None, equipment: str | None = None, location: str | None = None,
    description: str | None = None, status: str | None = None, job: str | None = None, cancel: bool = False,
    added: str | None = None,
) -> str:
    """Correct the draft waiting for a yes ("no, severity high", "it's the B260 in the kitchen", "the other one",
    "wrong job, ABC"), or drop it.

    Args:
        severity: The corrected severity, in the technician's words or the system's.
        equipment: The unit it is really about, as said ("the other one" for the other unit of that kind).
        location: Where on site.
        description: The corrected description.
        status: For a job status change, the corrected status.
        job: For a job status change, the job really meant, as said ("ABC", "my next job").
        cancel: True to drop the draft without saving ("cancel", "never mind").
        added: A further fault to put on the same write-up, kept with what it already says ("add to that, the
            trim gauge is cracked too").
    """

    async def work(ctx: SessionContext) -> runner.Result:
        draft = ctx.draft
        if draft is None:
            return {"say": answers.nothing_pending()}
        if cancel:
            ctx.draft = None
            return {"say": answers.discarded(draft)}
        if isinstance(draft, DeficiencyDraft):
            edited: Draft = await drafts.edit_deficiency(ctx.stores, focus=ctx.focus(), draft=draft,
                                                         severity=severity, equipment=equipment, location=location,
                                                         description=description, added=added)
        else:
            if not status and not job:
                raise ApiError(400, "validation_error", "tell me the status or the job to set", "status")
            edited = await drafts.draft_status(ctx.stores, actor=ctx.actor, focus=ctx.focus(),
                                               status=status or draft.status, job=job or f"job {draft.job_id}")
        ctx.draft = edited
        if isinstance(edited, DeficiencyDraft):
            track_draft_unit(ctx, edited)
        else:
            ctx.track(job_id=edited.job_id)
        return draft_result(edited)

    return await runner.run(context, "edit_draft", work)
