"""Check heldout14's expectations against a Clara seeded today, over HTTP, not against how Clara answers.

Every turn that expects facts names where they come from in `source` (the harness ignores the key), several joined
by `+`; bench/data/heldout14_sources.py renders each from the API (it holds no turns).

It reports: a `contains` entry its sources lack, a `not_contains` word they hold; a date, month, weekday, "tomorrow"
or "yesterday" said or expected (the seed moves with the day, so the set must mean the same any day); a `tool` the
MCP endpoint does not list; a location that is no demo site; a drafted unit not at the site stood at, a severity the
API lacks; a record whose unit was never drafted at that site, whose severity is not the last drafted for it, whose
words were never said, or more or fewer records than write-ups saved; a saved status `PATCH /jobs/{id}` refuses
(forward, or cancelled while open; one's own last change undone once), end statuses the saves do not leave, and
`statuses` on a conversation not signed in as Maria (the harness checks her demo day only).

    python bench/data/check_heldout14.py --api http://127.0.0.1:8000
    python bench/data/check_heldout14.py --api http://127.0.0.1:8000 --plant all

`--plant all` puts each of the wrong expectations in PLANTS into a copy of the set, one at a time, and reports
whether the check caught it (a problem the clean set lacks). When written (December 7, 2026 UTC; the seed's today,
December 7 in the company's time zone): 30 conversations, 131 turns, 0 problems; 16 of 16 plants caught.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from heldout14_sources import MARIA, Demo  # noqa: E402
import checker_cli  # noqa: E402

SET = Path(__file__).resolve().parent / "conversations_heldout14.json"
SEVERITIES = {"inoperable", "deficient", "suggested"}
FORWARD = ["scheduled", "en_route", "in_progress", "completed"]
OPEN = {"scheduled", "en_route", "in_progress"}
MONTHS = ["january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
          "december"]  # "may" is also a verb: caught only beside a day number below
DATED = re.compile(r"\b(" + "|".join(MONTHS) + r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
                   r"|tomorrow|yesterday)\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}\b"
                   r"|\b(may|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.? \d{1,2}\b")


def check_turn(demo: Demo, email: str, label: str, turn: dict) -> list[str]:
    problems = []
    words = [turn["say"]] + [alt for group in turn.get("contains", []) for alt in group]
    for text in words:
        if DATED.search(text.lower()):
            problems.append(f"{label} names a day or date: {text!r}")
    if "tool" in turn and turn["tool"] is not None and turn["tool"] not in demo.tools:
        problems.append(f"{label} tool {turn['tool']} is none the MCP endpoint lists")
    if turn.get("contains") and "source" not in turn:
        problems.append(f"{label} expects facts without a source")
    if "source" not in turn:
        return problems
    text = " ".join(demo.render(email, s) for s in turn["source"].split("+")).lower()
    for group in turn.get("contains", []):
        if not any(alt.lower() in text for alt in group):
            problems.append(f"{label} {turn['say']!r}: none of {group} in {turn['source']}")
    for word in turn.get("not_contains", []):
        if word.lower() in text:
            problems.append(f"{label} {turn['say']!r}: forbidden {word!r} is in {turn['source']}")
    return problems


def check_conversation(demo: Demo, conversation: dict) -> tuple[int, list[str]]:
    name = conversation["name"][:6]
    email = conversation.get("technician", MARIA)
    problems = []
    here = None
    drafted: dict[tuple[str, str], str | None] = {}  # (site, model) -> the severity last drafted for it
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
        problems += check_turn(demo, email, label, turn)
        saves += turn.get("saved") == "deficiency"
        draft = turn.get("draft") or {}
        if draft.get("severity") and draft["severity"] not in SEVERITIES:
            problems.append(f"{label} severity {draft['severity']} is none the API has")
        if "equipment" in draft:
            if here is None:
                problems.append(f"{label} a unit drafted with no site to stand at")
            elif draft["equipment"] not in {u["model"] for u in demo.units(here)}:
                problems.append(f"{label} no {draft['equipment']} at {here}")
            else:
                key = (here, draft["equipment"])
                drafted[key] = draft.get("severity", drafted.get(key))
    records = conversation.get("records", [])
    if len(records) != saves:
        problems.append(f"{name} {len(records)} records for {saves} write-ups saved")
    for record in records:
        problems += check_record(demo, name, record, drafted, " ".join(said))
    problems += check_statuses(demo, name, email, conversation)
    return turns, problems


def check_record(demo: Demo, name: str, record: dict, drafted: dict, said: str) -> list[str]:
    problems = []
    stood = {site for site, _ in drafted}
    site = next((s for s in stood if record["site"].lower() in s.lower()), None)
    if site is None:
        return [f"{name} record site {record['site']} is no site a unit was drafted at"]
    if record["model"] not in {u["model"] for u in demo.units(site)}:
        problems.append(f"{name} record {record['model']} is not at {site}")
    elif (site, record["model"]) not in drafted:
        problems.append(f"{name} record {record['model']} was never drafted at {site}")
    elif drafted[(site, record["model"])] not in (None, record["severity"]):
        problems.append(f"{name} record severity {record['severity']}, last drafted "
                        f"{drafted[(site, record['model'])]}")
    if record["severity"] not in SEVERITIES:
        problems.append(f"{name} record severity {record['severity']} is none the API has")
    for group in record.get("description", []):
        options = group if isinstance(group, list) else [group]
        if not any(word.lower() in said for word in options):
            problems.append(f"{name} record description {options} is nothing the technician said")
    return problems


def check_statuses(demo: Demo, name: str, email: str, conversation: dict) -> list[str]:
    """Each saved status is a change PATCH /jobs/{id} allows the technician; the expected end is the last saved."""
    problems = []
    start = {job["site"]["name"]: job["status"] for job in demo.today[email]}
    now = dict(start)
    last = None  # (site, the status it came from, whether that change was an undo)
    for index, turn in enumerate(conversation["turns"]):
        if (turn.get("saved") == "job_status") != bool(turn.get("status_saved")):
            problems.append(f"{name} #{index} a status save and status_saved disagree")
        for site, status in turn.get("status_saved", {}).items():
            if site not in now or status not in FORWARD + ["cancelled"]:
                problems.append(f"{name} #{index} saved status {site}={status}: no such job or status")
                continue
            before = now[site]
            forward = status in FORWARD and before in FORWARD and FORWARD.index(status) > FORWARD.index(before)
            cancel = status == "cancelled" and before in OPEN
            undo = last is not None and last[0] == site and last[1] == status and not last[2] and before != "cancelled"
            if not (forward or cancel or undo):
                problems.append(f"{name} #{index} saved {site}={status} from {before}: the API refuses it")
                continue
            last = (site, before, undo and not forward)
            now[site] = status
    expected = conversation.get("statuses", {})
    if expected and email != MARIA:
        problems.append(f"{name} expects statuses for {email}: the harness checks Maria's demo day only")
    for site, status in expected.items():
        if now.get(site) != status:
            problems.append(f"{name} status {site}={status}, but the conversation's saves leave it {now.get(site)}")
    for site, status in now.items():
        if status != start[site] and site not in expected and email == MARIA:
            problems.append(f"{name} saves {site}={status} but expects no status for it")
    return problems


def check(demo: Demo, conversations: list[dict]) -> tuple[int, list[str]]:
    turns, problems = 0, []
    for conversation in conversations:
        count, found = check_conversation(demo, conversation)
        turns += count
        problems += found
    return turns, problems


PLANTS = [  # (what is wrong, conversation, the turn's first words or None for the conversation, key, wrong value)
    ("a 45 A breaker for the 48TCDA08 (50)", "h14-06", "and its max", "contains", [["45"]]),
    ("the other Kaiser site's contact", "h14-13", "whos the contact", "contains", [["Jordan Nguyen"]]),
    ("the plant as the stop after Main St", "h14-01", "And what's the stop", "contains", [["ABC", "Industrial"]]),
    ("a weekday said", "h14-15", "when's my first", "say", "when's my first one on monday"),
    ("a date expected", "h14-21", "anything overdue", "contains", [["AEF1000"], ["October 16", "Oct 16"]]),
    ("a kitchen hood system drafted at Westlake (none there)", "h14-28", "ok write the fire pump", "draft",
     {"equipment": "R-102", "severity": "inoperable"}),
    ("a record severity from before the last correction", "h14-16", None, "records",
     [{"site": "Library", "model": "B500", "severity": "deficient", "description": ["pin"]}]),
    ("a description never said", "h14-12", None, "records",
     [{"site": "Hall of Justice", "model": "CR3-19", "severity": "deficient", "description": ["bearing"]}]),
    ("a status step back with no change to undo", "h14-23", "yep", "status_saved", {"Ferry Building": "scheduled"}),
    ("an overdue unit forbidden", "h14-09", "no sorry", "not_contains", ["B260", "AV-1-300"]),
    ("a severity the API lacks", "h14-05", "ok im here now", "draft", {"equipment": "B260", "severity": "high"}),
    ("a record at a site never stood at", "h14-05", None, "records",
     [{"site": "Ferry", "model": "B260", "severity": "inoperable", "description": ["hose"]}]),
    ("a unit that is not overdue called overdue", "h14-03", "is it overdue", "source",
     "overdue:WeWork 123 Main St/957-4"),
    ("a tool the MCP endpoint lacks", "h14-25", "mocp on a lennox", "tool", "equipment_specs"),
    ("statuses on James's conversation", "h14-30", None, "statuses", {"Rossmoor Commons": "scheduled"}),
    ("a declined write-up expected stored", "h14-04", None, "records",
     [{"site": "Ferry", "model": "R-102", "severity": "suggested", "description": ["cap"]},
      {"site": "Ferry", "model": "AEF1000-125", "severity": "deficient", "description": ["packing"]}]),
]


def plant(conversations: list[dict], prefix: str, say: str | None, key: str, value) -> None:
    target = next(c for c in conversations if c["name"].startswith(prefix))
    if say is not None:
        target = next(t for t in target["turns"] if t.get("say", "").startswith(say))
    target[key] = value


def main() -> int:
    return checker_cli.main("heldout14", __doc__, SET, Demo, check, plant, PLANTS)


if __name__ == "__main__":
    raise SystemExit(main())
