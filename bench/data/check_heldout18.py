"""Check heldout18's expectations against a Clara seeded today, over HTTP, not against how Clara answers.

Every turn that expects facts names where they come from in `source` (the harness ignores the key), several joined
by `+`, rendered by bench/data/heldout16_sources.py (heldout15's kinds plus `tomorrow:first/<site>` and `logged`; it
holds no turns). Each conversation is proved with heldout16's checker (check_heldout16.check_conversation): a
`contains` entry its sources lack, a `not_contains` word they hold; a date, month, weekday or "yesterday" said or
expected, and "tomorrow" anywhere but a turn whose source is tomorrow's schedule; a `tool` the MCP endpoint does not
list; a login that is no demo user; a location that is no demo site; a drafted unit not at the site stood at, a
severity the API lacks; a record whose unit was never drafted at that site, whose severity is not the last drafted
for it, whose words were never said, or more or fewer records than write-ups saved; a saved status `PATCH /jobs/{id}`
refuses, end statuses the saves do not leave, and `statuses` on a conversation not signed in as Maria.

heldout18 adds three checks of its own, because its write-ups are moved and re-worded before the yes:
- each record is on the unit the last draft before its save named (a write-up moved to another unit with "no, wrong
  unit" stores the second, never the first, even though both were drafted at the site);
- a draft's expected `description` word is one the technician said in that very turn (a correction of the wording
  carries its own words);
- conversation names are unique and start "c18-".

    python bench/data/check_heldout18.py --api http://127.0.0.1:8000
    python bench/data/check_heldout18.py --api http://127.0.0.1:8000 --plant all

`--plant all` puts each of the wrong expectations in PLANTS into a copy of the set, one at a time, and reports
whether the check caught it (a problem the clean set lacks).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_heldout15 import plant  # noqa: E402
from check_heldout16 import check_conversation  # noqa: E402
from heldout16_sources import Demo16  # noqa: E402
import checker_cli  # noqa: E402

SET = Path(__file__).resolve().parent / "conversations_heldout18.json"
WEWORK, FERRY = "WeWork 123 Main St", "Ferry Building"


def saved_units(name: str, conversation: dict) -> tuple[list[str | None], list[str]]:
    """The unit each saved write-up is on: the last one a draft named before the yes that saved it."""
    pending: str | None = None
    units: list[str | None] = []
    problems = []
    for index, turn in enumerate(conversation["turns"]):
        draft = turn.get("draft") or {}
        if draft.get("equipment"):
            pending = draft["equipment"]
        description = draft.get("description")
        if isinstance(description, str) and description.lower() not in turn.get("say", "").lower():
            problems.append(f"{name} #{index} draft description {description!r} is not what this turn says")
        if turn.get("saved") == "deficiency":
            if pending is None:
                problems.append(f"{name} #{index} a write-up saved with no unit drafted before it")
            units += [pending] * turn.get("saves", 1)
    return units, problems


def check(demo: Demo16, conversations: list[dict]) -> tuple[int, list[str]]:
    turns, problems = 0, []
    names = [c["name"] for c in conversations]
    problems += [f"{n[:6]} is not a heldout18 name" for n in names if not n.startswith("c18-")]
    problems += [f"{n[:6]} names two conversations" for n in {n[:6] for n in names} if
                 sum(other[:6] == n for other in names) > 1]
    for conversation in conversations:
        count, found = check_conversation(demo, conversation)
        turns += count
        problems += found
        name = conversation["name"][:6]
        units, found = saved_units(name, conversation)
        problems += found
        models = [record["model"] for record in conversation.get("records", [])]
        if len(models) == len(units) and models != units:
            problems.append(f"{name} records on {models}, but the saves were of {units}")
    return turns, problems


PLANTS = [  # (what is wrong, conversation, the turn's first words or None for the conversation, key, wrong value)
    ("the 48TCDA08's MCA for the 48TCDA12", "c18-05", "WHATS THE MCA", "contains", [["40"]]),
    ("WeWork's contact after she drove to the Ferry Building", "c18-04", "ok just pulled up", "contains",
     [["Sam Rivera"]]),
    ("the Oakland site's contact as the Geary engineer", "c18-07", "whats the engineers", "contains",
     [["jordan.nguyen@example.com"]]),
    ("a weekday said", "c18-02", "whats on at 1330", "say", "whats on at 1330 monday"),
    ("tomorrow said where the source is today", "c18-24", "is the plant my last", "say",
     "is the plant my last stop tomorrow"),
    ("tomorrow's first job at the wrong site", "c18-08", "where am i starting", "source", f"tomorrow:first/{FERRY}"),
    ("Devon's first stop tomorrow at his first time today", "c18-25", "whats my first stop", "contains",
     [["8:30"]]),
    ("a record's severity from before the notch down", "c18-10", None, "records",
     [{"site": "ABC", "model": "AV-1-300", "severity": "deficient", "description": [["gauge"]]}]),
    ("a description never said", "c18-19", None, "records",
     [{"site": "Ferry Building", "model": "R-102", "severity": "deficient", "description": [["four"]]}]),
    ("a draft's reworded description never said in that turn", "c18-19", "change the description", "draft",
     {"equipment": "R-102", "description": "four"}),
    ("the write-up dropped after she tightened it expected stored", "c18-11", None, "records",
     [{"site": "Westlake", "model": "AEF1000-125", "severity": "deficient", "description": [["packing"]]}]),
    ("the unit before 'no, wrong unit' stored", "c18-30", None, "records",
     [{"site": "Ferry Building", "model": "AEF1000-125", "severity": "suggested", "description": [["rust"]]}]),
    ("a yes with nothing waiting taken to save", "c18-11", "yes", "saved", "deficiency"),
    ("a unit that is not overdue called overdue", "c18-04", "whats overdue here", "contains",
     [["B260"], ["NFS2-3030"]]),
    ("an overdue unit forbidden", "c18-25", "anything overdue here", "not_contains", ["AV-1-300"]),
    ("a severity the API lacks", "c18-12", "the fike system", "draft", {"equipment": "ECARO-25", "severity": "high"}),
    ("a unit the site lacks drafted (no jockey pump at the Ferry Building)", "c18-30", "write up the fire pump",
     "draft", {"equipment": "CR3-19", "severity": "suggested"}),
    ("a tool the MCP endpoint lacks", "c18-09", "switch me to metric", "tool", "set_units"),
    ("statuses on James's conversation", "c18-03", None, "statuses", {"Rossmoor Commons": "in_progress"}),
    ("a status step back with nothing to undo", "c18-06", "yep", "status_saved", {WEWORK: "en_route"}),
    ("en route expected where she held it off", "c18-24", None, "statuses", {FERRY: "en_route"}),
    ("the 48TCDA12's weight in kilograms halved", "c18-22", "how much does it weigh", "contains", [["220"]]),
    ("the 48TCDA12's charge in metric left in pounds' figure", "c18-09", "so whats the charge", "contains",
     [["20 kg"]]),
    ("18 inches said as 18 centimetres", "c18-29", "so whats that clearance", "contains", [["18 cm"]]),
    ("the standpipe flow test every 3 years", "c18-14", "whats the rule on flow", "contains", [["3 year"]]),
    ("a login that is no demo user", "c18-07", None, "technician", "devon@clara.dev"),
    ("a conversation named twice", "c18-30", None, "name", "c18-29 again"),
]


def main() -> int:
    return checker_cli.main("heldout18", __doc__, SET, Demo16, check, plant, PLANTS)


if __name__ == "__main__":
    raise SystemExit(main())
