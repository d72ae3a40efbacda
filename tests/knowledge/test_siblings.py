"""Sibling manuals through the HTTP API: one brand's adjacent models with the same sections and different values.

A question naming the model, however it is typed or said, must bring that model's document first, not a sibling's
that reads the same but for its numbers, nor one that names the asked model in passing."""

from __future__ import annotations

import httpx
import pytest

from clara.web.caller import CurrentUser
from clara.knowledge.siblings import said_models, same_family, title_models
from tests.knowledge.pdfs import make_pdf

CONTROLLER = """# Brennard {model} Fire Pump Controller

The Brennard {model} is a listed controller for electric fire pumps. {aside}

## Pressure settings

The factory cut-in pressure is {cut_in} and the factory cut-out pressure is {cut_out}.

## Timers

The minimum run timer keeps the pump running for {run} after an automatic start.
"""
MODELS = {
    "BX-200": {"cut_in": "85 psi", "cut_out": "100 psi", "run": "10 minutes",
               "aside": "For motors above 25 hp use the BX-300."},
    "BX-300": {"cut_in": "110 psi", "cut_out": "125 psi", "run": "15 minutes",
               "aside": "It replaces the BX-200 for motors above 25 hp."},
    "BX-400": {"cut_in": "135 psi", "cut_out": "150 psi", "run": "20 minutes",
               "aside": "Smaller motors are served by the BX-200 and BX-300."},
}
# Spec sheets whose model is only in the title: the body never names it.
COMPRESSOR = ["Dry System Air Compressor", "Pressure switch",
              "The safety relief valve opens at {relief}. The switch starts the compressor at {cut_in}.",
              "Electrical", "Maximum overcurrent protection (MOP): {breaker}."]


async def _upload(client: httpx.AsyncClient, auth: dict[str, str], name: str, data: bytes, media: str,
                  title: str) -> int:
    response = await client.post("/clara-server/knowledge/documents", headers=auth, data={"title": title},
                                 files={"file": (name, data, media)})
    assert response.status_code == 201, response.text
    return response.json()["document_id"]


async def _top(client: httpx.AsyncClient, auth: dict[str, str], query: str) -> dict:
    response = await client.get("/clara-server/knowledge/search", params={"query": query, "k": 3}, headers=auth)
    assert response.status_code == 200
    return response.json()["results"][0]


@pytest.fixture
async def siblings(client: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, int]:
    ids = {}
    for model, values in MODELS.items():
        text = CONTROLLER.format(model=model, **values).encode()
        ids[model] = await _upload(client, auth, f"{model.lower()}.md", text, "text/markdown",
                                   f"Brennard {model} Fire Pump Controller Manual")
    for model, relief, cut_in, breaker in (("KDA-15", "60 psi", "30 psi", "15 A"),
                                           ("KDA-25", "75 psi", "35 psi", "20 A")):
        pdf = make_pdf([line.format(relief=relief, cut_in=cut_in, breaker=breaker) for line in COMPRESSOR])
        ids[model] = await _upload(client, auth, f"{model.lower()}.pdf", pdf, "application/pdf",
                                   f"Kestrow {model} Dry System Air Compressor")
    return ids


@pytest.mark.parametrize("said", ["BX-300", "BX300", "bx 300", "b x three hundred"])
async def test_the_named_model_comes_first_however_it_is_written_or_said(
        client: httpx.AsyncClient, auth: dict[str, str], siblings: dict[str, int], said: str) -> None:
    top = await _top(client, auth, f"minimum run timer on the {said}")
    assert top["document_id"] == siblings["BX-300"]
    assert "15 minutes" in top["answer"]


async def test_a_sibling_naming_the_model_in_passing_does_not_win(client: httpx.AsyncClient, auth: dict[str, str],
                                                                  siblings: dict[str, int]) -> None:
    """The BX-300 and BX-400 manuals both name the BX-200; only the BX-200's own manual answers for it."""
    top = await _top(client, auth, "factory cut-out pressure on the bx 200")
    assert top["document_id"] == siblings["BX-200"] and "100 psi" in top["answer"]
    top = await _top(client, auth, "cut in pressure b x four hundred")
    assert top["document_id"] == siblings["BX-400"] and "135 psi" in top["answer"]


async def test_no_sibling_values_are_offered_beside_the_named_model(client: httpx.AsyncClient, auth: dict[str, str],
                                                                   technician: CurrentUser,
                                                                   siblings: dict[str, int]) -> None:
    """A sibling's passage reads like the named one's with other numbers: offered as a runner-up ("it may also
    be ..."), it puts a wrong value in the technician's ear. Neither the list nor the keyless reply carries one."""
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "minimum run timer on the b x three hundred", "k": 3})
    hits = response.json()["results"]
    assert hits and hits[0]["document_id"] == siblings["BX-300"]
    assert not {hit["document_id"] for hit in hits} & {siblings["BX-200"], siblings["BX-400"]}
    response = await client.post(f"/voice/chat/{technician.id}", headers=auth,
                                 json={"message": "minimum run timer on the bx 300", "new_session": True})
    reply = response.json()["reply"]
    assert "15 minutes" in reply and "10 minutes" not in reply and "20 minutes" not in reply


async def test_a_model_named_only_in_the_title_picks_its_sheet(client: httpx.AsyncClient, auth: dict[str, str],
                                                               siblings: dict[str, int]) -> None:
    for said, model, value in (("kda 25", "KDA-25", "75 psi"), ("k d a fifteen", "KDA-15", "60 psi"),
                               ("KDA-15", "KDA-15", "60 psi")):
        top = await _top(client, auth, f"what does the relief valve open at on the {said}")
        assert top["document_id"] == siblings[model], said
        assert value in top["answer"]


async def test_a_model_said_run_together_beats_generic_corpus(client: httpx.AsyncClient, auth: dict[str, str],
                                                              siblings: dict[str, int]) -> None:
    """"KDA15" meets no indexed word (the sheet reads "KDA-15", and only in its title); the shipped corpus's rooftop
    units state their maximum fuse size too. The sheet the question names still answers."""
    top = await _top(client, auth, "max fuse size kda15")
    assert top["document_id"] == siblings["KDA-15"] and "15 A" in top["answer"]


async def test_a_question_naming_only_the_brand_keeps_every_sibling(client: httpx.AsyncClient,
                                                                    auth: dict[str, str],
                                                                    siblings: dict[str, int]) -> None:
    """No model named: no sibling is pushed down, so the list still offers more than one model's manual."""
    response = await client.get("/clara-server/knowledge/search", headers=auth,
                                params={"query": "brennard controller minimum run timer", "k": 5})
    documents = {hit["document_id"] for hit in response.json()["results"]}
    assert len(documents & {siblings[m] for m in MODELS}) >= 2


def test_models_are_read_whole_and_families_by_their_opening() -> None:
    known = frozenset({"AHP36H", "AHP36C", "XR300", "XR3000"})
    assert said_models("max breaker on the a h p thirty six h", known) == {"AHP36H"}
    assert said_models("ahp 36 c charge", known) == {"AHP36C"}
    assert said_models("XR-3000 cut in", known) == {"XR3000"}  # not the XR-300 inside it
    assert said_models("the aldmoor rooftop unit", known) == frozenset()
    assert same_family("AHP36H", "AHP36C") and same_family("XR200", "XR300")
    assert not same_family("LX60", "LGH120") and not same_family("XR300", "XR300")
    assert title_models("Corrigan XR-300 Controller, NFPA 20 (2022), section 13.2.4") == {"XR300": "xr-300"}
