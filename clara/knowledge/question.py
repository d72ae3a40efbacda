"""What a knowledge question asks, read once before either index is asked: its words, identifiers and answer type.

Speech recognition writes numbers as words and manuals as digits, and a question's frame ("how often") names no
topic. These are properties of the question alone, so they live apart from the indexes and the ranking that use them
(what kind of sentence answers it, an amount or a place, is `clara.knowledge.spans`' to say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Container, Iterable

import numpy as np

from clara.knowledge.amounts_asked import NUMBER_WORDS as _NUMBER_WORDS
from clara.knowledge.spoken_models import LETTER_NAMES, NUMBER_WORDS, spoken_number


@dataclass(frozen=True)
class Query:
    text: str
    lexemes: list[str]
    identifiers: set[str]
    standards: set[str]
    vector: np.ndarray | None  # None when the embedder is unavailable
    words: frozenset[str] = frozenset()  # the question's tokens as written, lowercased: a table row's key is one
    codes: frozenset[str] = frozenset()  # the codes it says, lowercased as said: "see nine" is "c9" (`said_codes`)
    unheard: float = 0.0  # the share of its own words no document holds (`confidence.unheard`)


_QUESTION_FRAME = re.compile(r"\bhow\s+(?:often|many|much|long)\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:[./-][a-z0-9]+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def lexical_text(text: str) -> str:
    """The words the lexical side should match: spoken numbers also as digits, letters said one by one also as the
    word they spell, and without the question's frame ("how often" asks for a frequency, it names no topic: "often
    about 1 %" must not outrank the interval)."""
    return spelled_letters(spoken_numbers(_QUESTION_FRAME.sub(" ", text)))


_LETTER_RUN = re.compile(r"(?<![\w.-])(?:[A-Za-z]\s+){1,5}[A-Za-z](?![\w.-])")


def spelled_letters(text: str) -> str:
    """ "an h v r outdoor unit" -> "an h v r hvr outdoor unit": speech recognition writes a series or brand said letter
    by letter as single letters, the manual writes it as one word. A run that starts with "a" or "I" is left alone
    unless it is three letters or more ("a c unit" is more often the article and a letter than "AC")."""
    def joined(run: re.Match[str]) -> str:
        letters = run[0].split()
        if letters[0].lower() in ("a", "i") and len(letters) < 3:
            return run[0]
        return f"{run[0]} {''.join(letters)}"
    return _LETTER_RUN.sub(joined, text)


def spoken_numbers(text: str) -> str:
    """ "flashing five times" -> "flashing five 5 times": speech recognition writes numbers as words, manuals as
    digits."""
    return re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b",
                  lambda m: f"{m.group(1)} {_NUMBER_WORDS[m.group(1).lower()]}", text, flags=re.IGNORECASE)


def words(text: str) -> list[str]:
    """Lowercased tokens, a number whole whether or not it is written with thousands separators: a table's row key
    "2,000 lb" is what a technician says as "2000 pounds"."""
    return _WORD.findall(_THOUSANDS.sub("", text.lower()))


# Letters a recogniser writes as words when a code is said: LETTER_NAMES, and the everyday words that sound like a
# letter ("see nine" is C9), read as a letter only next to a number (`said_codes`).
_CODE_LETTERS = {**LETTER_NAMES, "see": "c", "sea": "c", "eee": "e", "tea": "t", "bee": "b", "pea": "p", "why": "y"}
_SPOKEN_TOKEN = re.compile(r"[A-Za-z0-9]+")
_CODE_PIECES = 4  # a code said in at most this many pieces: "e", "fifty two"; "F K 5 1"
_CAPITALS = re.compile(r"[A-Z]{2,3}")  # "CH", "OL": a code typed in capitals, though it holds no digit
_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def code_key(raw: str) -> str:
    """A code as it is compared: lowercased, letters and digits only, no leading zeros ("E04" is said "e four")."""
    return _ZEROS.sub("", re.sub(r"[^a-z0-9]", "", raw.lower()))


def said_codes(text: str) -> frozenset[str]:
    """The fault, alarm or terminal codes a question says, lowercased, letters and digits only, however a technician
    said them: typed ("T27", "t 27"), spoken in pieces ("e zero four", "e fifty two", "see nine") or typed in capitals
    ("CH"). Every run of up to `_CODE_PIECES` adjacent pieces (a letter, a number said in words or digits, a token
    with both) holding a letter and a digit is one; a table row keyed by it is the row asked about."""
    tokens = _SPOKEN_TOKEN.findall(text)
    pieces: list[str | None] = []  # None: a word that is no piece of a code, which ends a run
    index = 0
    while index < len(tokens):
        word = tokens[index].lower()
        if word in NUMBER_WORDS:
            end = index
            while end < len(tokens) and tokens[end].lower() in NUMBER_WORDS:
                end += 1
            pieces.append(spoken_number([t.lower() for t in tokens[index:end]]))
            index = end
            continue
        is_piece = (len(word) == 1 and word not in "ai") or any(c.isdigit() for c in word)
        pieces.append(word if is_piece else _CODE_LETTERS.get(word))
        index += 1
    found = {token.lower() for token in tokens if _CAPITALS.fullmatch(token)}
    for start in range(len(pieces)):
        joined = ""
        for piece in pieces[start:start + _CODE_PIECES]:
            if piece is None:
                break
            joined += piece
            if re.search(r"[a-z]", joined) and re.search(r"[0-9]", joined):
                found.add(joined)
    return frozenset(found)


def with_codes(lexemes: list[str], codes: Iterable[str], vocabulary: Container[str]) -> list[str]:
    """The lexemes searched for, and each code the question says that some chunk holds as one word: "see nine" and
    "t 27" are "C9" and "T27" in the manual, and only the whole word finds the row. A code no chunk holds is left
    out: it would only count as the rarest word of the question and shrink every passage's share of its words."""
    return [*lexemes, *(c for c in sorted(codes) if c in vocabulary and c not in lexemes)]
