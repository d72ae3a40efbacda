"""Nameplate fields from OCR'd rows of text: labelled values (MODEL NO., S/N, VOLTS, MCA, MAX FUSE/BKR, ...).

The OCR gives rows of segments (boxes of text, left to right). Its recogniser drops most spaces ("MODELNO.
50TCQA06" arrives as "MODELNO.50TCQA06"), so each row is matched with spaces removed and segment gaps kept as
"|": a label's value runs from the label to the next label or gap. Plates lay values out three ways, all read:
after the label on one line, in the next column of a table, or under the label (the segment below it).

Values are checked against what such a field can be (a voltage is 100-700 V, a phase 1 or 3) and repaired for
OCR's usual confusions where only a digit can stand (O/0, I/1, S/5, B/8). Model numbers carry no letter O, so an O
there is a zero. Serials are repaired by the manufacturer's scheme (`clara.vision.serials`), not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clara.vision.models import NameplateFields


@dataclass(frozen=True)
class Segment:
    """One box of text the OCR found: its text, recognition score (0..1) and horizontal extent in pixels."""

    text: str
    score: float
    x0: float
    x1: float


Row = list[Segment]

_LABELS: tuple[tuple[str, str], ...] = (  # earlier entries win where two could match at one place; O/0, I/1 tolerated
    ("charge", r"FACT[O0]RYCHARGE|REFR[I1]GERANTCHARGE|CHARGE|CHG\."),
    ("refrigerant", r"REFR[I1]GERANT(?:TYPE)?|REFR[I1]G\.?"),
    ("model", r"M[O0]DEL(?:NUMBER|N[O0]\.?|#)?|M/N|M[O0]D\.?N[O0]\.?"),
    ("serial", r"SER[I1]AL(?:NUMBER|N[O0]\.?|#)?|S/N|SER\.?N[O0]\.?"),
    ("mca", r"M[I1]N(?:[I1]MUM|\.)?(?:SUPPLY)?C(?:[I1]RCU[I1]T|KT|CT|[I1]R)\.?AMP(?:AC[I1]TY|S|\.)?|MCA"),
    ("mocp", r"MAX(?:[I1]MUM|\.)?(?:FUSE|BKR|BREAKER|CKT\.?BKR|[O0]VERCURRENTPR[O0]TECT[I1][O0]N(?:DEV[I1]CE)?|[O0]CP)"
             r"(?:(?:/|[O0]R|&)(?:HACR|CKT\.?|C[I1]RCU[I1]T)?(?:FUSE|BKR|BREAKER)\.?)*(?:S[I1]ZE)?|M[O0]CP|M[O0]P"),
    ("rla", r"(?:C[O0]MP(?:RESS[O0]R|R)?\.?)?RLA"),
    ("lra", r"(?:C[O0]MP(?:RESS[O0]R|R)?\.?)?LRA"),
    ("voltage", r"V[O0]LT(?:AGE|S)?|VAC"),
    ("phase", r"PHASE|PH\.?"),
    ("hz", r"HERTZ|HZ|CYCLES"),
)
_LABEL = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _LABELS))

_BRANDS = (  # display name, pattern over the row with spaces removed
    ("American Standard", r"AMERICANSTANDARD"), ("Carrier", r"CARRIER"), ("Bryant", r"BRYANT"),
    ("Payne", r"(?<![A-Z])PAYNE"), ("Day & Night", r"DAY(?:&|AND)NIGHT"), ("Trane", r"TRANE"),
    ("Lennox", r"LENNOX"), ("Johnson Controls", r"JOHNSONCONTROLS"), ("York", r"(?<![A-Z])YORK(?<!NEWYORK)"),
    ("Coleman", r"COLEMAN"), ("Luxaire", r"LUXAIRE"), ("Rheem", r"RHEEM"), ("Ruud", r"(?<![A-Z])RUUD"),
    ("Goodman", r"GOODMAN"), ("Amana", r"(?<![A-Z])AMANA"), ("Daikin", r"DAIKIN"),
    ("Mitsubishi Electric", r"MITSUBISHI"), ("Heil", r"(?<![A-Z])HEIL(?![A-Z])"), ("Tempstar", r"TEMPSTAR"),
    ("AAON", r"(?<![A-Z])AAON"), ("McQuay", r"MCQUAY"), ("Tyco", r"(?<![A-Z])TYCO"), ("Viking", r"VIKING"),
    ("Notifier", r"NOTIFIER"), ("Simplex", r"SIMPLEX"), ("Fire-Lite", r"FIRE-?LITE"), ("Peerless", r"PEERLESS"),
    ("Clarke", r"(?<![A-Z])CLARKE"), ("Grundfos", r"GRUNDFOS"), ("Watts", r"(?<![A-Z])WATTS(?!/)"),
    ("Amerex", r"AMEREX"),
)

_N = r"[0-9OQISB]+(?:[.,][0-9OQISB]+)?"  # a number as OCR may render it
_DIGIT_FIXES = str.maketrans({"O": "0", "Q": "0", "I": "1", "S": "5", "B": "8", ",": "."})
_ELECTRICAL = re.compile(rf"({_N}(?:/{_N})?)V?-([13])(?:PH)?-(50|60)(?:HZ)?")
_REFRIGERANT = re.compile(r"R-?([0-9OI]{2,4})([A-Z]{0,2})")
_CODES = ("model", "serial")  # free-form values, read to the next gap or long label
_SHORT = ("phase", "hz", "rla", "lra")  # labels short enough to occur inside a model or serial
_STACKED_PENALTY = 0.9  # a value read from under its label, not beside it
_FIXED_PENALTY = 0.9  # a value whose characters were repaired


def _number(raw: str) -> tuple[str, bool] | None:
    """An OCR'd number with confusions repaired, and whether any were; None unless it holds a real digit."""
    if not any(c.isdigit() for c in raw):
        return None
    fixed = raw.translate(_DIGIT_FIXES)
    return fixed, fixed != raw


def _voltage(value: str) -> tuple[str, bool] | None:
    found = re.match(rf"({_N})(?:[/-]({_N}))?", value)
    if not found:
        return None
    parts = [_number(p) for p in found.groups() if p]
    if not parts or any(p is None or not p[0].isdigit() or not 100 <= int(p[0]) <= 700 for p in parts):
        return None
    return "/".join(p[0] for p in parts if p), any(p[1] for p in parts if p)


def _phase(value: str) -> tuple[str, bool] | None:
    found = re.match(r"([13I])(?![0-9])", value)
    return None if not found else (found.group(1).translate(_DIGIT_FIXES), not found.group(1).isdigit())


def _hz(value: str) -> tuple[str, bool] | None:
    found = re.match(r"(50|60|5O|6O)(?![0-9])", value)
    return None if not found else (found.group(1).replace("O", "0"), "O" in found.group(1))


def _amps(value: str) -> tuple[str, bool] | None:
    found = re.match(_N, value)
    number = _number(found.group(0)) if found else None
    if number is None:
        return None
    try:
        amps = float(number[0])
    except ValueError:
        return None
    return number if 0 < amps < 5000 else None


def _refrigerant(value: str) -> tuple[str, bool] | None:
    found = _REFRIGERANT.match(value)
    if not found:
        return None
    digits = found.group(1).replace("O", "0").replace("I", "1")
    return f"R-{digits}{found.group(2)}", digits != found.group(1)


def _charge(value: str) -> tuple[str, bool] | None:
    pounds = re.match(rf"({_N})(?:LBS?|#)\.?(?:({_N})OZ)?", value)
    if pounds:
        lb, oz = _number(pounds.group(1)), _number(pounds.group(2) or "0")
        if lb is None or oz is None:
            return None
        text = f"{lb[0]} lb" + (f" {oz[0]} oz" if pounds.group(2) else "")
        return text, lb[1] or (oz[1] and bool(pounds.group(2)))
    other = re.match(rf"({_N})(OZ|KG)", value)
    number = _number(other.group(1)) if other else None
    if other is None or number is None:
        return None
    return f"{number[0]} {other.group(2).lower()}", number[1]


def _model(value: str) -> tuple[str, bool] | None:
    found = re.match(r"[A-Z0-9][A-Z0-9/.\-]{2,29}", value)
    if not found:
        return None
    model = found.group(0).rstrip(".-/")
    fixed = model.replace("O", "0")
    return (fixed, fixed != model) if len(fixed) >= 3 and any(c.isdigit() for c in model) else None


def _serial(value: str) -> tuple[str, bool] | None:
    found = re.match(r"[A-Z0-9][A-Z0-9\-]{4,29}", value)
    if not found:
        return None
    serial = found.group(0).rstrip("-")
    return (serial, False) if any(c.isdigit() for c in serial) else None


_PARSERS = {"model": _model, "serial": _serial, "voltage": _voltage, "phase": _phase, "hz": _hz, "mca": _amps,
            "mocp": _amps, "rla": _amps, "lra": _amps, "refrigerant": _refrigerant, "charge": _charge}


def normalise(name: str, value: str) -> str | None:
    """One field's value as another reader gave it, in the offline reader's form ("208-230 V" -> "208/230")."""
    value = value.strip()
    if not value:
        return None
    if name == "manufacturer":
        compact = re.sub(r"\s+", "", value.upper())
        return next((brand for brand, pattern in _BRANDS if re.search(pattern, compact)), value)
    parsed = _PARSERS[name](re.sub(r"\s+", "", value.upper())) if name in _PARSERS else None
    return parsed[0] if parsed else value


@dataclass
class _Line:
    """A row with spaces removed and segments joined by "|", and which segment each character came from."""

    text: str
    owner: list[int]
    segments: Row

    @classmethod
    def of(cls, row: Row) -> "_Line":
        text, owner = "", []
        for index, segment in enumerate(row):
            if text:
                text += "|"
                owner.append(-1)
            compact = re.sub(r"\s+", "", segment.text.upper())
            text += compact
            owner.extend([index] * len(compact))
        return cls(text, owner, row)

    def score_at(self, position: int) -> float:
        index = self.owner[position] if position < len(self.owner) else -1
        return self.segments[index].score if index >= 0 else min(s.score for s in self.segments)


def text_of(rows: list[Row]) -> str:
    """What was read, one line per row, segments apart."""
    return "\n".join("  ".join(segment.text.strip() for segment in row) for row in rows)


def _below(lines: list[_Line], row: int, segment: Segment) -> tuple[str, float] | None:
    """The text right under `segment` in the next row: a value printed below its label."""
    if row + 1 >= len(lines):
        return None
    best, overlap = None, 0.0
    for candidate in lines[row + 1].segments:
        shared = min(candidate.x1, segment.x1) - max(candidate.x0, segment.x0)
        if shared > overlap:
            best, overlap = candidate, shared
    if best is None:
        return None
    return re.sub(r"\s+", "", best.text.upper()), best.score


def _electrical(lines: list[_Line], found: dict[str, tuple[str, float]]) -> None:
    """"208/230-3-60" or "460V-3PH-60HZ": volts, phase and hertz in one group, no labels."""
    for line in lines:
        match = _ELECTRICAL.search(line.text)
        volts = _voltage(match.group(1)) if match else None
        if match is None or volts is None:
            continue
        score = line.score_at(match.start())
        for name, value in (("voltage", volts[0]), ("phase", match.group(2)), ("hz", match.group(3))):
            found.setdefault(name, (value, score))
        return


def _manufacturer(lines: list[_Line]) -> tuple[str, float] | None:
    for line in lines:
        hits = [(m.start(), name) for name, pattern in _BRANDS if (m := re.search(pattern, line.text))]
        if hits:
            position, name = min(hits)
            return name, line.score_at(position)
    return None


def extract(rows: list[Row]) -> tuple[NameplateFields, dict[str, float]]:
    """The fields found in `rows` (top to bottom, segments left to right) and a confidence for each."""
    lines = [_Line.of(row) for row in rows if row]
    found: dict[str, tuple[str, float]] = {}
    maker = _manufacturer(lines)
    if maker:
        found["manufacturer"] = maker
    _electrical(lines, found)
    for number, line in enumerate(lines):
        labels = list(_LABEL.finditer(line.text))
        consumed = 0  # labels before this point were part of a model or serial ("GPH1448H41" holds "PH")
        for index, label in enumerate(labels):
            name = label.lastgroup
            if name is None or name in found or label.start() < consumed:
                continue
            stops = [s for s in labels[index + 1:] if name not in _CODES or s.lastgroup not in _SHORT]
            end = stops[0].start() if stops else len(line.text)
            value = line.text[label.end():end].lstrip(":.#=| ")
            start = end - len(value)
            score = line.score_at(start)
            value = value.replace("|", "") if name == "charge" else value.split("|")[0]  # "7 LBS | 4 OZ"
            if name in _CODES:
                consumed = start + len(value)
            if not value:
                owner = line.owner[label.start()]
                below = _below(lines, number, line.segments[owner]) if owner >= 0 else None
                if below is None:
                    continue
                value, score = below[0], below[1] * _STACKED_PENALTY
            parsed = _PARSERS[name](value)
            if parsed is None:
                continue
            found[name] = (parsed[0], score * (_FIXED_PENALTY if parsed[1] else 1.0))
            if name == "refrigerant" and "charge" not in found:  # "R-410A 7 LBS 4 OZ": the charge follows the gas
                rest = _REFRIGERANT.match(value)
                charge = _charge(value[rest.end():].lstrip("|-:")) if rest else None
                if charge:
                    found["charge"] = (charge[0], score * _STACKED_PENALTY)
    if "refrigerant" not in found:
        for line in lines:
            match = re.search(r"(?<![A-Z0-9])R-?(?:22|32|410A|454B|407C|134A|404A|507A?|290|744)(?![0-9])", line.text)
            if match:
                gas = _refrigerant(match.group(0))
                if gas:
                    found["refrigerant"] = (gas[0], line.score_at(match.start()) * _STACKED_PENALTY)
                    break
    fields = NameplateFields(**{name: value for name, (value, _) in found.items()})
    return fields, {name: round(max(0.0, min(1.0, score)), 2) for name, (_, score) in found.items()}
