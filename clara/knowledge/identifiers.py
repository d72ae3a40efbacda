"""Identifiers that exact-match search relies on: section numbers, clause references and model numbers.

They are normalised the same way for chunks and queries, so "50-TCQA-06", "50tcqa 06" and "50TCQA06" meet, and so
do "1910.157(f)(10)" and "1910.157 (f) (10)".
"""

from __future__ import annotations

import re

_SECTION_REF = re.compile(r"^(?:[A-Za-z]\.)?\d+(?:\.\d+)+$")
_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_DIGIT = re.compile(r"\d")
_STANDARD = re.compile(r"\bNFPA[\s-]*(\d+[A-Z]?)\b", re.IGNORECASE)
# "1910.157(f)(10)", "(d)(3)(ii)", "82.156 (a)(1)": a section number and/or a run of clause markers.
# Words after a figure that make it an amount: "4.5 percent" is no section 4.5, whose passage the exact match would
# put first.
_UNITS = frozenset("percent pct psi psig psid gpm cfm in inch inches ft feet foot mm cm m v volts a amp amps hz lb lbs "
                   "pounds kg oz gal gallons min mins minutes s sec seconds h hr hrs hours f c degrees deg kw hp ah "
                   "mbh btu ton tons".split())
_CLAUSE_REF = re.compile(r"(?:(?<![\w.-])(\d+(?:[.-]\d+)+)\s*)?((?:\(\s*(?:[A-Za-z]{1,4}|\d{1,3})\s*\)\s*){1,6})")


def model_key(raw: str) -> str:
    """A model number with case, spaces and punctuation gone: the key equipment specs are looked up by."""
    return re.sub(r"[^0-9A-Za-z]", "", raw).upper()


def standard_key(standard: str | None) -> str | None:
    return model_key(standard) if standard else None


def clause_key(reference: str) -> str:
    """ "1910.157(f)(10)" -> "1910.157(F)(10)": case and spacing gone, the structure kept."""
    return re.sub(r"\s+", "", reference).upper()


def _identifier(token: str) -> str | None:
    token = token.strip(".-")
    if _SECTION_REF.match(token):
        return token.upper()
    key = model_key(token)
    has_digit = any(c.isdigit() for c in key)
    has_alpha = any(c.isalpha() for c in key)
    if has_digit and has_alpha and len(key) >= 3:
        return key
    return None


def clause_references(text: str) -> list[str]:
    """Clause references a text makes, with and without their section, and their enclosing clauses:
    "1910.157(f)(10)(ii)" gives "1910.157(F)(10)(II)", "1910.157(F)(10)", "(F)(10)(II)" and "(F)(10)", so it meets
    the passage that holds (f)(10) whole."""
    found: dict[str, None] = {}
    for match in _CLAUSE_REF.finditer(text):
        section, clauses = match.group(1), re.findall(r"\([^)]*\)", clause_key(match.group(2)))
        for depth in range(len(clauses), 0, -1):
            prefix = "".join(clauses[:depth])
            if section:
                found[clause_key(section) + prefix] = None
            if depth >= 2:  # a lone "(a)" is a list marker far more often than a reference
                found[prefix] = None
    return list(found)


def text_identifiers(text: str) -> list[str]:
    """Section references ("13.2.4", "A.14.4.3.2") and model-like codes ("50TCQA06", "R410A") a text mentions.

    A single-dot number ("20.7") is a measurement far more often than a section, so only references with two
    dots or an annex letter count; plain numbers never do.
    """
    found: dict[str, None] = {}
    for token in _TOKEN.findall(text):
        if not _DIGIT.search(token):  # both kinds have a digit; most words do not, and this is the hot loop of parsing
            continue
        ident = _identifier(token)
        if ident and (not _SECTION_REF.match(ident) or ident.count(".") >= 2 or ident[0].isalpha()):
            found[ident] = None
    return list(found)


def query_identifiers(query: str) -> list[str]:
    """Every way a query may spell an identifier: tokens, numbers of 3+ digits, adjacent tokens joined, and clause
    references.

    Joining neighbours turns "50tcqa 06" into 50TCQA06 and "DPV-1 4 inch" into DPV14; candidates that match no
    chunk cost nothing.
    """
    tokens = [t.strip(".-") for t in _TOKEN.findall(query)]
    found: dict[str, None] = {}
    for token, after in zip(tokens, [*tokens[1:], ""]):
        ident = _identifier(token)
        if ident and ident.count(".") == 1 and _SECTION_REF.match(ident) and after.lower() in _UNITS:
            continue  # "4.5 percent", "2.5 amps": an amount, not section 4.5
        if ident:
            found[ident] = None
        elif token.isdigit() and len(token) >= 3:
            found[token] = None
    for left, right in zip(tokens, tokens[1:]):
        if any(c.isdigit() for c in left + right):
            joined = model_key(left + right)
            if len(joined) >= 3:
                found[joined] = None
    for reference in clause_references(query):
        found[reference] = None
    return list(found)


def query_standards(query: str) -> list[str]:
    return list(dict.fromkeys(f"NFPA{m.group(1).upper()}" for m in _STANDARD.finditer(query)))
