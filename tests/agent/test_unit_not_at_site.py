"""A unit's record asked where there is no such unit ("when was the fire pump at WeWork last tested") is answered by
that: the site has none. It used to go on to the standards, which answered with NFPA 25's annual
pump test comparison, a passage about no unit at all."""

from __future__ import annotations

from starlette.applications import Starlette

from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say


async def test_a_record_of_a_unit_the_site_lacks_says_so(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "when was the fire pump at WeWork last tested")
    assert called(events) == ["equipment_spec"]
    assert reply == "There is no fire pump at WeWork 123 Main St."


async def test_a_document_question_naming_a_kind_still_reaches_the_documents(app: Starlette,
                                                                           technician: CurrentUser) -> None:
    session = await chat(app, technician)
    reply, events = await say(session, "how long does the diesel fire pump have to run on the weekly test")
    assert "knowledge_search" in called(events) and "NFPA 25" in reply
    # one of a kind: the standards' question, though no such unit is at the site
    reply, events = await say(session, "when was a fire pump last tested")
    assert "knowledge_search" in called(events) and "There is no" not in reply
