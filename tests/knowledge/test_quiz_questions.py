"""A safety talk that ends with a quiz on what it taught (a document of our own, in the style crews read aloud): the
quiz's questions restate what a technician asks, in the talk's own words, but say no fact; the step they quiz on
does. A FAQ's question, said with its answer beside it, still finds its entry."""

from __future__ import annotations

import httpx

from clara.knowledge.questions_in_text import questions_only

TALK = """# Toolbox Talk 12: Recovering Refrigerant from a Rooftop Unit

Corvel Mechanical - weekly safety meeting. Read it aloud, then take the quiz.

## Before you start

1. Check the recovery cylinder's test date. A cylinder past its five-year hydrostatic test date must not be filled.
2. Weigh the empty cylinder and never fill it past 80 percent of its rated capacity by weight.
3. Wear safety glasses and insulated gloves; liquid refrigerant on skin causes frostbite in seconds.

## When you finish

1. Close both cylinder valves and cap the ports before you disconnect the hoses.
2. Tag the cylinder with the refrigerant type, the weight recovered and the unit it came from.

## Quiz

1. What is the most a recovery cylinder may be filled to, by weight? a) 50 percent b) 80 percent c) 100 percent
2. How old can the cylinder's hydrostatic test date be before you must not fill it?
3. What do you write on the tag of a recovery cylinder when you finish?
4. Which protection do you wear against liquid refrigerant on skin?
"""

FAQ = ["Can I fill a cylinder to 90 percent in winter?", "No. The limit is 80 percent by weight all year."]


def test_a_list_of_questions_is_a_quiz_and_a_question_with_its_answer_is_not() -> None:
    quiz = ["1. What is the most a recovery cylinder may be filled to, by weight? a) 50 percent b) 80 percent",
            "2. How old can the cylinder's hydrostatic test date be before you must not fill it?",
            "3. Tag the cylinder when you finish."]
    assert questions_only(quiz)
    assert not questions_only(FAQ)
    assert not questions_only(["Q: How full?", "A: 80 percent.", "Q: How old?"])  # a labelled answer among them


async def test_a_question_a_quiz_restates_finds_the_step_that_answers_it(client: httpx.AsyncClient,
                                                                         auth: dict[str, str]) -> None:
    response = await client.post("/clara-server/knowledge/documents", headers=auth,
                                 files={"file": ("corvel-toolbox-talk-12.md", TALK.encode(), "text/markdown")})
    assert response.status_code == 201, response.text
    document = int(response.json()["document_id"])
    for question, section, fact in (
            ("Corvel toolbox talk, what is the most a recovery cylinder may be filled to by weight",
             "Before you start", "80 percent of its rated capacity"),
            ("Corvel talk, what do I write on the tag of the recovery cylinder when I finish",
             "When you finish", "the refrigerant type, the weight recovered")):
        response = await client.get("/clara-server/knowledge/search", headers=auth,
                                    params={"query": question, "k": 3})
        assert response.status_code == 200, response.text
        top = response.json()["results"][0]
        assert (top["document_id"], top["section"]) == (document, section), (question, top["section"])
        assert fact in top["answer"], top["answer"]
