"""Model numbers as spoken and written, read and matched against a catalogue (`clara.knowledge.spoken_models`).

The phrasings below are the ones this reader was tuned on (the author's own and the dev sets'); the conversation
sets measure it on others."""

from __future__ import annotations

import pytest

from clara.agent.heard import heard
from clara.knowledge.spoken_models import ModelMatch, close_matches, match_model, model_mentions, relative_models
from clara.knowledge.spoken_models import spoken_quantity


def test_close_matches_prefer_the_same_series_then_similar_spellings() -> None:
    models = {"50TCQA04": "50TCQA04", "50TCQA06": "50TCQA06", "48TCDA06": "48TCDA06", "LGH120": "LGH120"}
    assert close_matches("50tcqa", models)[:2] == ["50TCQA04", "50TCQA06"]
    assert close_matches("50TCQA07", models)[0] in {"50TCQA06", "50TCQA04"}
    assert close_matches("LGH-12", models) == ["LGH120"]
    assert close_matches("ZZZ999", models) == []


MODELS = {k: k for k in ("50TCQA04", "50TCQA06", "50TCQA12", "48TCDA12", "48TCDA14", "NFS23030", "NFS2640", "LGH036",
                         "B260", "B500")}
# The catalogue's display forms, dashes and all: a name up to a dash is matched against them.
CATALOGUE = {**MODELS, "NFS23030": "NFS2-3030", "NFS2640": "NFS2-640", "AEF1500115": "AEF1500-115",
             "AEF1000125": "AEF1000-125", "3000SS4": "3000SS-4", "3000SS6": "3000SS-6"}


@pytest.mark.parametrize(("heard", "key"), [
    ("50TCQA06", "50TCQA06"), ("50TCQA6", "50TCQA06"), ("50TCQA006", "50TCQA06"), ("Carrier 50TCQA06", "50TCQA06"),
    ("50 TCQ A06", "50TCQA06"), ("50-tcqa-06", "50TCQA06"), ("five zero T C Q A zero six", "50TCQA06"),
    ("forty eight TCDA twelve", "48TCDA12"), ("NFS2 3030", "NFS23030"), ("LGH36", "LGH036"), ("Amerex B260", "B260"),
])
def test_a_model_as_spoken_matches_exactly_one_unit(heard: str, key: str) -> None:
    assert match_model(heard, MODELS) == ModelMatch([key], True)


@pytest.mark.parametrize(("heard", "keys"), [
    ("NFS2", ["NFS23030", "NFS2640"]), ("48TCDA1", ["48TCDA12", "48TCDA14"]), ("ZZ99", []),
    ("50TCQA99", []),  # a different size is another unit, never "close enough"
])
def test_a_partial_or_unknown_model_is_never_exact(heard: str, keys: list[str]) -> None:
    assert match_model(heard, MODELS) == ModelMatch(keys, False)


@pytest.mark.parametrize(("text", "models"), [
    ("What's the max fuse on the 48TCDA12?", ["48TCDA12"]),
    ("amp draw on the five zero T C Q A zero six", ["50TCQA06"]),
    ("specs for the 50 TCQ A06 at 460 V", ["50TCQA06"]),
    ("NFS2 3030 panel in trouble", ["NFS23030"]),
    ("Carrier 50TCQA06 vs NFS2-3030 at 460V, 25A, NFPA 25, R-410A, 3rd floor", ["50TCQA06", "NFS2-3030"]),
    ("I have two or three questions about job 42 at 7:30 AM", []),
    ("the Watts 957-4 backflow at 100-120 V, 24 VDC, 18 AH, keep 10-15 psi", ["957-4"]),
    # a code's section cited by its book is no model
    ("what does CFPC 9-402(a) require, and IFC 901.6.1 or CMC 1104.2, for the NFS2-3030", ["NFS2-3030"]),
])
def test_model_mentions_in_a_sentence(text: str, models: list[str]) -> None:
    assert model_mentions(text) == models


@pytest.mark.parametrize(("heard_as", "keys", "exact"), [
    ("AEF1500", ["AEF1500115"], True),  # the one model named so up to its dash
    ("peerless AEF 1500", ["AEF1500115"], True),
    ("3000SS", ["3000SS4", "3000SS6"], False),  # two: ask which
    ("NFS2", ["NFS23030", "NFS2640"], False),
    ("48TCD12", ["48TCDA12"], True),  # a letter dropped, every digit as said
    ("50TCDA06", ["50TCQA06"], True),  # a letter misheard
    ("50TCQA10", [], False),  # a digit is never misheard into another size
    ("48TCDA2", [], False),
    ("50TCQA06 MCA", ["50TCQA06"], True),  # the figure asked, run into the model by the recogniser
    ("NFS2 3030 loops", ["NFS23030"], True),
    ("3000SS", ["3000SS4", "3000SS6"], False),  # letters that end a series' name stay its own
])
def test_the_nearest_models_by_a_distance_that_keeps_digits(heard_as: str, keys: list[str], exact: bool) -> None:
    assert match_model(heard_as, CATALOGUE) == ModelMatch(keys, exact)


@pytest.mark.parametrize(("said", "model"), [
    ("whats the max fuse on a forty eight tc d a twelve", "48TCDA12"),
    ("whats the charge on a five oh tcqa oh ate", "50TCQA08"),
    ("what does the bee two sixty weigh", "B260"),
    ("the amerex bee five hundred", "B500"),
    ("how many points on an en eff ess two three oh three oh", "NFS23030"),
    ("mca for a ysc oh nine oh", "YSC090"),
    ("what's the k factor on a ty thirty one fifty one", "TY3151"),
    ("whats the hp on the j u four h u f thirty", "JU4HUF30"),
    ("battery on a forty one hundred e s", "4100ES"),
    ("points on an e s fifty x", "ES50X"),
    ("whats the max fuse on a carrier 48 tcd a 12", "48TCDA12"),
    ("how much does a 48 tcd a oh eight weigh", "48TCDA08"),
    ("churn pressure on the a e f fifteen hundred", "AEF1500"),
    # pieces heard or typed in lower case, a letter group before a letter-and-digits end: "a06" alone was the model
    ("what about the 50 tcq a06", "50TCQA06"),
    ("specs on the 48 tcd a12", "48TCDA12"),
    ("what about the 50tcq a06", "50TCQA06"),
    ("is the nfs2 3030 in trouble", "NFS23030"),  # a series' prefix, then its number
    ("order ty3151 100 heads", "ty3151"),  # a model written whole, then a count: never joined
])
def test_a_model_said_in_pieces_is_read_as_written(said: str, model: str) -> None:
    assert [m.replace("-", "") for m in model_mentions(heard(said))][-1:] == [model]


@pytest.mark.parametrize(("said", "model"), [
    ("whats the locked rotor amps on the carrier fifty tcqa oh five sorry i mean oh six", "50TCQA06"),
    ("whats the mca on the forty eight tcda oh eight, no sorry, the oh six", "48TCDA06"),
    ("max fuse on the 48TC... sorry, the 50TCQA06", "50TCQA06"),
])
def test_a_correction_after_a_model_is_the_model_meant(said: str, model: str) -> None:
    assert model_mentions(heard(said))[-1] == model


@pytest.mark.parametrize("said", [
    "the extinguisher in room four oh two", "took two three hours at the first one", "job two is done",
    "from one to three psi", "set it to five", "is the gauge at one fifty",
])
def test_everyday_words_next_to_numbers_are_no_model(said: str) -> None:
    assert model_mentions(heard(said)) == []


FAMILY = {"48TCDA08": (7.5, 7.5), "48TCDA09": (8.5, 8.5), "48TCDA12": (10.0, 10.0), "48TCDA14": (12.5, 12.5)}


@pytest.mark.parametrize(("said", "keys"), [
    ("whats the mca on the oh eight in that same series", ["48TCDA08"]),
    ("and the bigger one", ["48TCDA14"]),
    ("the smaller model", ["48TCDA09"]),
    ("its sister model", ["48TCDA09", "48TCDA14"]),  # two neighbours: ask which
    ("what does the 12-ton version weigh", ["48TCDA14"]),  # the nearest tonnage within a ton
    ("the biggest one", ["48TCDA14"]),
    ("biggest breaker i can put on that thing", []),  # a size word about a part, not a unit
    ("can i put a bigger breaker on it", []),
    ("what size wire for the 2 inch run", []),
])
def test_a_unit_named_by_its_place_in_the_family(said: str, keys: list[str]) -> None:
    assert relative_models(said, "48TCDA12", FAMILY) == keys


@pytest.mark.parametrize(("said", "quantity"), [("twenty twenty", 2020), ("twenty twenty one", 2021),
                                                ("one fifty", 150), ("two hundred twelve", 212), ("twenty five", 25)])
def test_a_tens_word_after_a_number_word_starts_a_new_group(said: str, quantity: int) -> None:
    """ "twenty twenty" is the year 2020, as "one fifty" is 150: the words are groups said in turn, not a sum (40)."""
    assert spoken_quantity(said.split()) == quantity
