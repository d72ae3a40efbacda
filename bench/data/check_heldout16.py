"""Check heldout16's expectations against a Clara seeded today, over HTTP, not against how Clara answers.

Every turn that expects facts names where they come from in `source` (the harness ignores the key), several joined
by `+`; bench/data/heldout16_sources.py renders each from the API (it holds no turns). What heldout15's checker
proves is proved here with its own functions (check_heldout15.check_record, check_statuses): a `contains` entry its
sources lack, a `not_contains` word they hold; a date, month, weekday or "yesterday" said or expected, and
"tomorrow" anywhere but a turn whose source is tomorrow's schedule; a `tool` the MCP endpoint does not list; a
location that is no demo site; a drafted unit not at the site stood at, a severity the API lacks; a record whose
unit was never drafted at that site, whose severity is not the last drafted for it, whose words were never said, or
more or fewer records than write-ups saved; a saved status `PATCH /jobs/{id}` refuses, end statuses the saves do not
leave, and `statuses` on a conversation not signed in as Maria.

heldout16's own keys (the harness ignores them): `drafted`, the write-ups one sentence dictates when it names two
faults (each a draft's fields); `saves`, how many write-ups one "yes" saves (1 unless said); and the source
`logged`, the conversation's records saved before that turn.

    python bench/data/check_heldout16.py --api http://127.0.0.1:8000
    python bench/data/check_heldout16.py --api http://127.0.0.1:8000 --plant all

`--plant all` puts each of the wrong expectations in PLANTS into a copy of the set, one at a time, and reports
whether the check caught it (a problem the clean set lacks).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_heldout15 import DATED, SEVERITIES, check_record, check_statuses, plant  # noqa: E402
from heldout16_sources import DISPATCHER, MARIA, TECHNICIANS, Demo16  # noqa: E402
import checker_cli  # noqa: E402

SET = Path(__file__).resolve().parent / "conversations_heldout16.json"


def check_turn(demo: Demo16, email: str, label: str, turn: dict, logged: list[dict]) -> list[str]:
    problems = []
    sources = turn["source"].split("+") if "source" in turn else []
    about_tomorrow = any(s.startswith("tomorrow:") for s in sources)
    for text in [turn["say"]] + [alt for group in turn.get("contains", []) for alt in group]:
        spoken = text.lower().replace("tomorrow", "") if about_tomorrow else text.lower()
        if DATED.search(spoken):
            problems.append(f"{label} names a day or date: {text!r}")
    if "tool" in turn and turn["tool"] is not None and turn["tool"] not in demo.tools:
        problems.append(f"{label} tool {turn['tool']} is none the MCP endpoint lists")
    if turn.get("contains") and not sources:
        problems.append(f"{label} expects facts without a source")
    if not sources:
        return problems
    text = " ".join(demo.logged(logged) if s == "logged" else demo.render(email, s) for s in sources).lower()
    for group in turn.get("contains", []):
        if not any(alt.lower() in text for alt in group):
            problems.append(f"{label} {turn['say']!r}: none of {group} in {turn['source']}")
    for word in turn.get("not_contains", []):
        if word.lower() in text:
            problems.append(f"{label} {turn['say']!r}: forbidden {word!r} is in {turn['source']}")
    return problems


def check_conversation(demo: Demo16, conversation: dict) -> tuple[int, list[str]]:
    name = conversation["name"][:6]
    email = conversation.get("technician", MARIA)
    problems = [] if email in TECHNICIANS + [DISPATCHER] else [f"{name} signs in as {email}, no demo user"]
    here = None
    drafted: dict[tuple[str, str], str | None] = {}  # (site, model) -> the severity last drafted for it
    records = conversation.get("records", [])
    said, turns, saves = [], 0, 0
    for index, turn in enumerate(conversation["turns"]):
        label = f"{name} #{index}"
        if "location" in turn:
            point = tuple(turn["location"])
            here = next((site for site, xy in demo.coordinates.items() if xy == point), None)
            if here is None:
                problems.append(f"{label} location {point} is none of the demo sites")
            continue
        turns += 1
        said.append(turn["say"].lower())
        problems += check_turn(demo, email, label, turn, records[:saves])
        if turn.get("saved") == "deficiency":
            saves += turn.get("saves", 1)
        for draft in [turn.get("draft") or {}] + turn.get("drafted", []):
            if draft.get("severity") and draft["severity"] not in SEVERITIES:
                problems.append(f"{label} severity {draft['severity']} is none the API has")
            if "equipment" not in draft:
                continue
            if here is None:
                problems.append(f"{label} a unit drafted with no site to stand at")
            elif draft["equipment"] not in {u["model"] for u in demo.units(here)}:
                problems.append(f"{label} no {draft['equipment']} at {here}")
            else:
                key = (here, draft["equipment"])
                drafted[key] = draft.get("severity", drafted.get(key))
    if len(records) != saves:
        problems.append(f"{name} {len(records)} records for {saves} write-ups saved")
    for record in records:
        problems += check_record(demo, name, record, drafted, " ".join(said))
    problems += check_statuses(demo, name, email, conversation)
    return turns, problems


def check(demo: Demo16, conversations: list[dict]) -> tuple[int, list[str]]:
    turns, problems = 0, []
    for conversation in conversations:
        count, found = check_conversation(demo, conversation)
        turns += count
        problems += found
    return turns, problems


PLANTS = [  # (what is wrong, conversation, the turn's first words or None for the conversation, key, wrong value)
    ("the 48TCDA12's MCA for the 48TCDA08", "c16-02", "theres a forty", "contains", [["49.6"]]),
    ("the other Kaiser site's contact", "c16-22", "who do i call", "contains", [["Jordan Nguyen"]]),
    ("the Ferry Building's contact after she said she is at WeWork", "c16-01", "oh wait no", "contains",
     [["Casey Kim"]]),
    ("a weekday said", "c16-09", "first stop", "say", "first stop monday?"),
    ("tomorrow said where the source is today", "c16-20", "whats my first", "say", "whats my first job tomorrow"),
    ("tomorrow's first job at the wrong site", "c16-09", "and tomorrow", "source", "tomorrow:first/Ferry Building"),
    ("a jockey pump drafted at the plant (none there)", "c16-03", "write up the fire", "draft",
     {"equipment": "CR3-19", "severity": "deficient"}),
    ("a record's severity from before the last correction", "c16-23", None, "records",
     [{"site": "Westlake", "model": "ECARO-25", "severity": "deficient", "description": [["cylinder"]]}]),
    ("a description never said", "c16-07", None, "records",
     [{"site": "ABC", "model": "AV-1-300", "severity": "deficient", "description": [["fifty"]]}]),
    ("a held write-up expected stored", "c16-26", None, "records",
     [{"site": "Hall of Justice", "model": "CR3-19", "severity": "deficient", "description": [["cycling"]]}]),
    ("one yes taken to save one of the two faults said together", "c16-04", "yes log both", "saves", 1),
    ("the summary expecting a write-up not yet saved", "c16-06", "ok what have i", "contains",
     [["belt"], ["cap"], ["packing"]]),
    ("a status step back with nothing to undo", "c16-15", "yep", "status_saved", {"WeWork 123 Main St": "en_route"}),
    ("complete saved where she took it back", "c16-29", None, "statuses", {"WeWork 123 Main St": "completed"}),
    ("an overdue unit forbidden", "c16-12", "whats overdue", "not_contains", ["ECARO-25"]),
    ("a severity the API lacks", "c16-13", "write up the backflow", "draft",
     {"equipment": "957-4", "severity": "high"}),
    ("a record at a site never stood at", "c16-18", None, "records",
     [{"site": "WeWork", "model": "957-4", "severity": "deficient", "description": [["test cock"]]}]),
    ("a tool the MCP endpoint lacks", "c16-16", "switch me over", "tool", "set_units"),
    ("statuses on Devon's conversation", "c16-18", None, "statuses", {"Oakland Arena": "in_progress"}),
    ("the 48TCDA12's weight in kilograms halved", "c16-16", "whats a forty", "contains", [["485"]]),
    ("pull station height in centimetres off by an inch", "c16-25", "whats that in", "contains", [["110"]]),
    ("the cylinder's own 8 percent given as the allowed loss", "c16-23", "how much loss", "contains", [["8 percent"]]),
]


def main() -> int:
    return checker_cli.main("heldout16", __doc__, SET, Demo16, check, plant, PLANTS)


if __name__ == "__main__":
    raise SystemExit(main())
