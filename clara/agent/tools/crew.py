"""Another technician's day as a tool, for dispatchers and admins (and a technician's own, asked in the third
person by a lead on their tablet): which jobs, the one under way, a contact or the rules at one of them."""

from __future__ import annotations

import re

from livekit.agents import RunContext, function_tool

from clara.agent import crew_answers, runner
from clara.agent.context import SessionContext
from clara.agent.topics_said import BEFORE_WORK, NEEDS
from clara.agent.tools.jobs import track_job
from clara.crm import service as crm
from clara.jobs import crew

_CONTACT = re.compile(r"\b(?:contact|who (?:do|should|does|will)|who'?s (?:the|his|her) (?:contact|person)|call|"
                      r"number|phone|talk to|ask for)\b", re.IGNORECASE)
_RULES = re.compile(r"\b(?:rules?|requirements?|anything special|special|badge|permit|escort|access)\b", re.IGNORECASE)
# The job the conversation is on, pointed at rather than named: "anything he has to do before working in there".
_BACK = re.compile(r"\b(?:there|that one|that job|that stop|that site|that place)\b", re.IGNORECASE)


def _rules_asked(said: str) -> bool:
    """The rules at a colleague's job, in the words a lead uses: named ("any rules at his first stop") or as what must
    be done before the work ("anything he's gotta do before working in there")."""
    return bool(_RULES.search(said) or (BEFORE_WORK.search(said) and NEEDS.search(said)))
_COUNT = re.compile(r"\bhow many\b", re.IGNORECASE)


@function_tool
async def crew_day(context: RunContext, technician: str, question: str | None = None) -> str:
    """Another technician's day, for a dispatcher or admin: where they are (by job status), their jobs today, the
    first, last, one at a time or after lunch, the one at a place, how many; or the contact or rules at one of them.

    Args:
        technician: The technician's name as said, e.g. "James", "Priya Patel".
        question: What was asked about their day, in the speaker's words, e.g. "what does she have after lunch".
    """

    async def work(ctx: SessionContext) -> runner.Result:
        found, whole, meant, how = await crew.day_asked(ctx.stores, actor=ctx.actor, technician=technician,
                                                        question=question)
        said = question or ""
        if how == "all" and _BACK.search(said):  # "there": the colleague's job the conversation is on
            there = [j for j in whole if j.id == ctx.entities.job_id]
            meant, how = (there, "place") if there else (meant, how)
        if meant and how != "all":
            track_job(ctx, meant[0])  # "any rules at that one", "how far is it": the job named
        name = found.first
        if meant and len(meant) == 1 and (_CONTACT.search(said) or _rules_asked(said)):
            located = await crm.customer_at_site(ctx.stores, site_id=meant[0].site.id)
            track_job(ctx, meant[0])
            say = crew_answers.contact(name, meant[0], located) if _CONTACT.search(said) else \
                crew_answers.rules(name, meant[0], located)
        else:
            say = crew_answers.day(name, meant, whole, ctx.preferences, how=how, counted=bool(_COUNT.search(said)))
        return {"say": say, "technician": {"id": found.id, "name": found.name},
                "jobs": [job.as_json() for job in meant]}

    return await runner.run(context, "crew_day", work)
