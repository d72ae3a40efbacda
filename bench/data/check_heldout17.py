"""Check heldout17's expectations against a Clara seeded today, over HTTP, not against how Clara answers.

Every turn that expects facts names where they come from in `source` (the harness ignores the key), several joined
by `+`, rendered by bench/data/heldout16_sources.py (heldout15's kinds, tomorrow's first job and `logged`); it holds
no turns. Each conversation is checked by heldout16's checker (check_heldout16.check_conversation), so the same is
proved: a `contains` entry its sources lack, a `not_contains` word they hold; a date, month or weekday said or
expected, "tomorrow" anywhere but a turn whose source is tomorrow's schedule; a `tool` the MCP endpoint does not list;
a location that is no demo site; a drafted unit not at the site stood at, a severity the API lacks; a record whose unit
was never drafted at that site, whose severity is not the last drafted for it, whose words were never said, or more
or fewer records than write-ups saved; a saved status `PATCH /jobs/{id}` refuses, end statuses the saves do not leave,
and `statuses` on a conversation not signed in as Maria.

One thing heldout17 says that heldout16 did not: "yesterday" as the technician's hearsay about a write-up already on
the books ("somebody wrote up the coil here yesterday, is it still open"). The seed writes its deficiencies when it
runs, so what holds on any day is that the write-up is open, not when it was made: "yesterday" may be said only in a
turn whose every source is a site's open deficiencies, and never expected in a reply (heldout16's check still sees
every `contains` entry). Anywhere else it is a date word, as before.

    python bench/data/check_heldout17.py --api http://127.0.0.1:8000
    python bench/data/check_heldout17.py --api http://127.0.0.1:8000 --plant all

The API's login limit (`RATE_LIMIT_LOGIN`, 5 a minute) is below the nine logins the sources need: check against a
Clara started with `RATE_LIMIT_LOGIN=1000/minute`. `--plant all` puts each wrong expectation in PLANTS into a copy of
the set, one at a time, and reports whether the check caught it (a problem the clean set lacks).
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from check_heldout15 import plant  # noqa: E402
from check_heldout16 import check_conversation as check_heldout16_conversation  # noqa: E402
from heldout16_sources import Demo16  # noqa: E402
import checker_cli  # noqa: E402

SET = Path(__file__).resolve().parent / "conversations_heldout17.json"
HEARSAY = re.compile(r"\byesterday\b")


def hearsay_only(turn: dict) -> bool:
    """Whether the turn's every source is a site's open write-ups: the one place "yesterday" may be said."""
    sources = turn["source"].split("+") if "source" in turn else []
    return bool(sources) and all(source.startswith("deficiencies:") for source in sources)


def check_conversation(demo: Demo16, conversation: dict) -> tuple[int, list[str]]:
    """heldout16's checks, with "yesterday" taken out of what is said where it is hearsay about an open write-up."""
    seen = copy.deepcopy(conversation)
    for turn in seen["turns"]:
        if "say" in turn and hearsay_only(turn):
            turn["say"] = HEARSAY.sub("", turn["say"])
    problems = []
    if not conversation["name"].startswith("c17-"):
        problems.append(f"{conversation['name']!r} is not named c17-NN")
    turns, found = check_heldout16_conversation(demo, seen)
    return turns, problems + found


def check(demo: Demo16, conversations: list[dict]) -> tuple[int, list[str]]:
    turns, problems = 0, []
    names = [c["name"][:6] for c in conversations]
    problems += [f"{name} names two conversations" for name in sorted(set(names)) if names.count(name) > 1]
    for conversation in conversations:
        count, found = check_conversation(demo, conversation)
        turns += count
        problems += found
    return turns, problems


PLANTS = [  # (what is wrong, conversation, the turn's first words or None for the conversation, key, wrong value)
    ("the 48TCDA12's MCA for the 48TCDA08", "c17-04", "whats the m c a", "contains", [["49.6"]]),
    ("the plant's contact after she corrected it to the Ferry Building", "c17-17", "sorry not that", "contains",
     [["Chris Kim"]]),
    ("WeWork's contact expected at the next stop", "c17-02", "what about at my", "contains", [["Sam Rivera"]]),
    ("a weekday said", "c17-18", "first stop", "say", "first stop monday"),
    ("yesterday said where the source is no open write-up", "c17-12", "whats due here", "say",
     "whats been due here since yesterday"),
    ("yesterday expected in a reply about an open write-up", "c17-15", "somebody wrote", "contains",
     [["yesterday"]]),
    ("tomorrow said where the source is today", "c17-01", "which one do i", "say",
     "which one do i start with tomorrow"),
    ("tomorrow's first job at the wrong site", "c17-01", "and whats first", "source",
     "tomorrow:first/Skyline High School"),
    ("the write-up stored at the site she said by mistake", "c17-16", None, "records",
     [{"site": "Ferry", "model": "B260", "severity": "suggested", "description": [["pin"]]}]),
    ("a record's severity from before the correction", "c17-08", None, "records",
     [{"site": "WeWork", "model": "B260", "severity": "suggested", "description": [["red"]]}]),
    ("a record's severity from before it was lowered", "c17-28", None, "records",
     [{"site": "Hall of Justice", "model": "CR3-19", "severity": "inoperable", "description": [["thirty"]]}]),
    ("a description never said", "c17-27", None, "records",
     [{"site": "Ferry", "model": "50TCQA06", "severity": "deficient", "description": [["fan motor"]]}]),
    ("a declined write-up expected stored", "c17-09", None, "records",
     [{"site": "Ferry", "model": "50TCQA06", "severity": "deficient", "description": [["belt"]]}]),
    ("a jockey pump drafted at the Ferry Building (none there)", "c17-27", "yeah the condenser", "draft",
     {"equipment": "CR3-19", "severity": "deficient"}),
    ("an overdue unit forbidden", "c17-12", "whats due here", "not_contains", ["AEF1000-125"]),
    ("a unit that is not overdue called overdue", "c17-03", "anything overdue", "contains", [["NFS2-3030"]]),
    ("the coil written up on the other rooftop", "c17-15", "which rooftop", "contains", [["50TCQA06"]]),
    ("a severity the API lacks", "c17-20", "log it.", "draft", {"equipment": "AV-1-300", "severity": "medium"}),
    ("a tool the MCP endpoint lacks", "c17-05", "do me a favor", "tool", "set_units"),
    ("statuses on James's conversation", "c17-28", None, "statuses", {"Rossmoor Commons": "in_progress"}),
    ("a status step back with nothing to undo", "c17-29", "yes", "status_saved", {"Ferry Building": "scheduled"}),
    ("complete expected where the last save took the start back", "c17-10", "go ahead", "status_saved",
     {"WeWork 123 Main St": "scheduled"}),
    ("en route saved on the plant she took back", "c17-29", None, "statuses",
     {"ABC Manufacturing Plant 1": "en_route"}),
    ("the 50TCQA04's weight in kilograms given in pounds", "c17-05", "how heavy", "contains", [["535 kg"]]),
    ("the tank's 4 °C given as 40", "c17-25", "how warm", "contains", [["40 °C"]]),
    ("the second write-up's yes taken to save nothing", "c17-26", "yup", "saved", None),
    ("the summary expecting a write-up never made", "c17-26", "ok read me back", "contains",
     [["3000SS-4"], ["B500"], ["B260"]]),
    ("a login that is no demo user", "c17-19", None, "technician", "james.chen@example.com"),
    ("a conversation named twice", "c17-30", None, "name", "c17-29 again"),
]


def main() -> int:
    return checker_cli.main("heldout17", __doc__, SET, Demo16, check, plant, PLANTS)


if __name__ == "__main__":
    raise SystemExit(main())
