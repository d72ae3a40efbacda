"""Spoken form for the voice path: model numbers by character, abbreviations and units in words, ranges and
fractions read naturally, and the same reading as SSML."""

from __future__ import annotations

from typing import AsyncIterator

import pytest

from clara.agent.speech import accepts_ssml, spoken, spoken_stream, to_ssml


@pytest.mark.parametrize(("text", "said"), [
    ("The 50TCQA06 needs an MCA of 26.7 A and MOCP 40 A.",
     "The five zero T C Q A zero six needs a minimum circuit ampacity of 26.7 amps and maximum overcurrent "
     "protection 40 amps."),
    ("Panel NFS2-3030.", "Panel N F S two dash three zero three zero."),
    ("Keep 10-15 psi.", "Keep 10 to 15 P S I."),
    ("Flow 500 GPM at 95°F.", "Flow 500 gallons per minute at 95 degrees Fahrenheit."),
    ("Use 1-1/2 in pipe and a 3/4 in head.", "Use 1 and a half inches pipe and a three quarters of an inch head."),
    ("Clearance 1 ft, 18 in below the deflector.", "Clearance 1 foot, 18 inches below the deflector."),
    ("Per NFPA 25 section 8.3.1.", "Per N F P A 25 section 8.3.1."),
    ("460V, 3 phase, 60 Hz, 5%", "460 volts, 3 phase, 60 hertz, 5 percent"),
])
def test_spoken_form(text: str, said: str) -> None:
    assert spoken(text) == said


def test_plain_words_stay_as_they_are() -> None:
    text = "A technician is at the site; call the manager at 7:30 AM."
    assert spoken(text) == text


def test_ssml_marks_characters_and_substitutions_and_escapes_text() -> None:
    assert to_ssml("50TCQA06 & MCA 26.7 A <") == (
        '<say-as interpret-as="characters">50TCQA06</say-as> &amp; '
        '<sub alias="minimum circuit ampacity">MCA</sub> <sub alias="26.7 amps">26.7 A</sub> &lt;')


def test_only_an_ssml_enabled_tts_gets_ssml() -> None:
    class Options:
        enable_ssml = True

    class SsmlTTS:
        _opts = Options()

    assert accepts_ssml(SsmlTTS()) and not accepts_ssml(object()) and not accepts_ssml(None)


async def test_a_streamed_reply_is_spoken_sentence_by_sentence() -> None:
    async def chunks() -> AsyncIterator[str]:
        for piece in ["The 50TC", "QA06 draws 26.7", " A. Keep 10-", "15 psi"]:
            yield piece

    said = [part async for part in spoken_stream(chunks())]
    assert said == ["The five zero T C Q A zero six draws 26.7 amps.", " Keep 10 to 15 P S I"]
    assert [part async for part in spoken_stream(chunks(), ssml=True)][0].startswith(
        'The <say-as interpret-as="characters">50TCQA06</say-as>')
