"""A documents question after another is asked of the last one's subject only when it needs it. Keyless chat over
`POST /voice/chat/{user_id}` on the shipped corpus, as a technician asks: "is it going to shut off by itself" after a
diesel fire pump's alarm is about that engine; "how often is the standpipe flow tested" after the diesel pump's run
names a thing of its own, and the pump put before it would find the pump's weekly run instead."""

from __future__ import annotations

import httpx

from clara.agent.another_place import about_the_same_thing
from clara.agent.llm_offline import OfflineLLM
from clara.agent.said import Route
from clara.knowledge.models import SearchHit
from clara.web.caller import CurrentUser


def _hit(confidence: float, text: str) -> SearchHit:
    """The passage a search would answer with, as sure as given."""
    return SearchHit(id=1, title="Notes", source="manuals", section=None, text=text, score=1.0, document_id=1,
                     standard=None, edition=None, confidence=confidence)


async def _ask(client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser, message: str,
               new: bool) -> str:
    response = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                                 json={"message": message, "new_session": new})
    assert response.status_code == 200, response.text
    return response.json()["reply"]


async def test_a_follow_up_naming_nothing_is_asked_of_the_last_questions_unit(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    await _ask(client, auth, technician, "the diesel fire pump threw a high coolant temperature alarm", True)
    reply = await _ask(client, auth, technician, "is it going to shut off by itself", False)
    assert "overspeed" in reply.lower(), reply  # the engine keeps running in a fire: only overspeed stops it


async def test_a_follow_up_naming_its_own_thing_is_asked_as_said(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    await _ask(client, auth, technician, "how often does a diesel fire pump have to be run", True)
    reply = await _ask(client, auth, technician, "how often is the standpipe flow tested", False)
    assert reply.startswith("Per NFPA 25, section 6.3.1.1") and "5 years" in reply, reply  # not the pump's run


def test_the_last_questions_unit_is_carried_with_the_words_describing_it() -> None:
    """A diesel pump's run is not an electric one's: "diesel fire pump", not "fire pump", goes before the question."""
    last = Route("knowledge_search", {"query": "how often does a diesel fire pump have to be run"})
    asked = [Route("knowledge_search", {"query": "how long does it need to go for"})]
    [carried] = about_the_same_thing("how long does it need to go for", asked, last)
    assert carried.arguments["query"] == "diesel fire pump: how long does it need to go for"


async def test_the_subject_is_kept_only_when_the_documents_are_surer_with_it() -> None:
    """The search asked both ways decides, whichever way the words lean."""
    last = Route("knowledge_search", {"query": "the dry pipe valve tripped last night"})
    sureness = {"how do i reset the clapper": 0.39, "dry pipe valve: how do i reset the clapper": 0.64,
                "what color is a 286 degree bulb": 0.8, "dry pipe valve: what color is a 286 degree bulb": 0.6}

    async def knows(text: str) -> SearchHit:  # each passage holds the words asked
        return _hit(sureness[text], "Reset the clapper; a 286 degree bulb is blue.")

    offline = OfflineLLM(places=None, tool_index=None, knows=knows)  # type: ignore[arg-type]  # neither is read
    for said, kept in (("how do i reset the clapper", "dry pipe valve: how do i reset the clapper"),
                       ("what color is a 286 degree bulb", "what color is a 286 degree bulb")):
        [route] = await offline._of_the_same_thing(said, [Route("knowledge_search", {"query": said})], last)
        assert route.arguments["query"] == kept


async def test_a_question_saying_it_of_nothing_it_names_keeps_the_subject_whatever_the_documents_match() -> None:
    """ "how often does it have to be inspected" after the server room's gas system is that system's inspection,
    though the question alone matches the extinguishers' monthly one more surely."""
    last = Route("knowledge_search", {"query": "that gas system in the server room, how long does it hold the gas"})

    async def knows(text: str) -> SearchHit:
        return _hit(0.8 if text == "how often does it have to be inspected" else 0.5, "Hold time is 10 minutes.")

    offline = OfflineLLM(places=None, tool_index=None, knows=knows)  # type: ignore[arg-type]  # neither is read
    said = "how often does it have to be inspected"
    [route] = await offline._of_the_same_thing(said, [Route("knowledge_search", {"query": said})], last)
    assert route.arguments["query"] == "that gas system: how often does it have to be inspected"



async def test_a_subject_that_only_makes_a_faint_match_surer_is_not_kept() -> None:
    """A question of another matter after a unit's fault: the unit put before it makes the search surer of the
    unit's own passage, which says nothing of what was asked; asked as said it is."""
    last = Route("knowledge_search", {"query": "the diesel fire pump keeps tripping on overspeed"})
    passages = {"whats the wire gauge for a 30 amp breaker": _hit(0.2, "A 30 amp breaker takes 10 gauge wire."),
                "diesel fire pump: whats the wire gauge for a 30 amp breaker":
                    _hit(0.4, "Overspeed shuts the diesel engine down at 120 percent of rated speed.")}

    async def knows(text: str) -> SearchHit:
        return passages[text]

    offline = OfflineLLM(places=None, tool_index=None, knows=knows)  # type: ignore[arg-type]  # neither is read
    said = "whats the wire gauge for a 30 amp breaker"
    [route] = await offline._of_the_same_thing(said, [Route("knowledge_search", {"query": said})], last)
    assert route.arguments["query"] == said


async def test_an_unrelated_manual_question_after_a_units_fault_is_not_asked_of_that_unit(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    await _ask(client, auth, technician, "the jockey pump wont stop cycling", True)
    reply = await _ask(client, auth, technician, "how do i purge air from a chilled water loop", False)
    assert "jockey" not in reply.lower(), reply  # the jockey's short cycling says nothing of purging a loop


EXTENDER = b"""# Voltix VPS-6 and VPS-10 NAC power extender

## 1 Specifications

|                       | VPS-6  | VPS-10  |
|-----------------------|--------|---------|
| Total output current  | 6.0 A  | 10.0 A  |
| Max current per NAC   | 2.5 A  | 3.0 A   |

## 4 Battery

Use two 12 V sealed lead-acid batteries in series. Replace batteries every 4 years.
"""


async def test_a_rate_said_alone_qualifies_the_last_question(
    client: httpx.AsyncClient, auth: dict[str, str], technician: CurrentUser
) -> None:
    """"and per circuit" after the extender's total output was put in place of its thing ("how many amps can the per
    circuit") and read a rooftop unit's electrical data; it asks the same question per circuit."""
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("voltix.md", EXTENDER, "text/markdown")})
    assert response.status_code == 201, response.text
    await _ask(client, auth, technician, "how many amps can the voltix vps-10 put out total", True)
    reply = await _ask(client, auth, technician, "and per circuit", False)
    assert "Voltix" in reply and "3.0 A" in reply, reply
