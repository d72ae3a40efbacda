"""A model picked by its end after "Which one do you mean: the NFS2-3030 or the NFS2-640?" ("the 640", "six forty")
is that model, asked what was asked of the pair; it used to be asked again, and the question was lost."""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say


async def test_the_model_picked_by_its_end_is_asked_the_question_again(app: Starlette,
                                                                        technician: CurrentUser) -> None:
    session = await chat(app, technician)
    asked, _ = await say(session, "how many loops on an nfs2")
    assert asked.startswith("Which one do you mean") and "NFS2-640" in asked
    reply, events = await say(session, "the six forty")
    assert called(events) == ["equipment_spec"]
    # the loops asked of the pair: the 640's overview would name its points, not its loops
    assert "NFS2-640" in reply and "loops" in reply and "Which one" not in reply
    follow, _ = await say(session, "and its battery")
    assert "NFS2-640" in follow or "battery" in follow.lower()


async def test_a_reply_naming_neither_is_routed_as_it_is(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    await say(session, "how many points on an nfs2")
    reply, events = await say(session, "whats my next job")
    assert called(events) == ["next_job"] and "NFS2" not in reply
