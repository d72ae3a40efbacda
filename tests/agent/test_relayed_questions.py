"""A question passed on from someone else on site is answered as the question itself. Read whole, "the customer",
"my helper" or "wants" steered the rules (the customer's card, a request); the frame dropped, "the lady at the
security desk asked me where we can park" is the site's access notes."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from clara.agent.relayed_said import relayed
from clara.web.caller import CurrentUser
from tests.agent.conftest import called, chat, say


@pytest.mark.parametrize(("said", "asked"), [
    ("my helper wants to know how long the hood system's fusible links are good for",
     "how long are the hood system's fusible links good for"),
    ("the lady at the security desk asked me where we can park", "where can we park"),
    ("ok the property manager is asking whether the sprinkler test can wait until friday",
     "can the sprinkler test wait until friday?"),
    ("customer is asking what the pressure loss on the backflow is", "what is the pressure loss on the backflow"),
    ("the tenant wanted to know, do we need to shut the water off", "do we need to shut the water off"),
])
def test_the_question_passed_on_is_asked_as_the_technician_would(said: str, asked: str) -> None:
    assert relayed(said) == asked


PLACES = ["ABC Manufacturing", "ABC Manufacturing Plant 1", "Salesforce Tower", "Ferry Building"]


@pytest.mark.parametrize(("said", "asked"), [
    ("the foreman at salesforce tower wants to know who we call about the pump",
     "who do we call about the pump at salesforce tower"),
    ("over at ABC the guard asked me when the extinguishers are due", "when are the extinguishers due at ABC"),
    ("my apprentice here is wondering where the riser is", "where is the riser here"),
    # the place is already in the question, or the frame's place is a spot at the site: nothing carried
    ("the manager at the ferry building asks what the rules are at ABC", "what are the rules at ABC"),
    ("the guard at the loading dock asked me where we can park", "where can we park"),
])
def test_where_the_asker_is_goes_with_the_question(said: str, asked: str) -> None:
    """The place the person stands ("the foreman at Salesforce Tower") is the place asked about: with the frame
    dropped whole, the question was asked of wherever the technician was."""
    assert relayed(said, PLACES) == asked


@pytest.mark.parametrize("said", ["the customer asked me to paint the covers", "the owner wants the panel moved",
                                  "my helper is out sick today"])
def test_a_request_or_a_report_about_someone_is_left_as_said(said: str) -> None:
    assert relayed(said) == said


async def test_a_relayed_question_gets_the_answer_the_question_would(app: Starlette, technician: CurrentUser) -> None:
    session = await chat(app, technician, position=(37.7361, -122.1974))  # at ABC Manufacturing
    reply, events = await say(session, "the super here wants to know where we park")
    assert called(events) == ["site_requirements"], events
    assert "ABC Manufacturing Plant 1" in reply, reply
