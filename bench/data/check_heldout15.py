"""Check heldout15's expectations against a Clara seeded today, over HTTP, not against how Clara answers.

Every turn that expects facts names where they come from in `source` (the harness ignores the key), several joined
by `+`; bench/data/heldout15_sources.py renders each from the API (it holds no turns).

It reports: a `contains` entry its sources lack, a `not_contains` word they hold; a date, month, weekday, "tomorrow"
or "yesterday" said or expected (the seed moves with the day, so the set must mean the same any day); a `tool` the
MCP endpoint does not list; a location that is no demo site; a drafted unit not at the site stood at, a severity the
API lacks; a record whose unit was never drafted at that site, whose severity is not the last drafted for it, whose
words were never said, or more or fewer records than write-ups saved; a saved status `PATCH /jobs/{id}` refuses
(forward, or cancelled while open; one's own last change undone once), end statuses the saves do not leave, and
`statuses` on a conversation not signed in as Maria (the harness checks her demo day only).

    python bench/data/check_heldout15.py --api http://127.0.0.1:8000
    python bench/data/check_heldout15.py --api http://127.0.0.1:8000 --plant all

`--plant all` puts each of the wrong expectations in PLANTS into a copy of the set, one at a time, and reports
whether the check caught it (a problem the clean set lacks). When written (December 7, 2026 UTC; the seed's today,
December 7 in the company's time zone): 30 conversations, 127 turns, 0 problems; 20 of 20 plants caught.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from heldout15_sources import DISPATCHER, MARIA, TECHNICIANS, Demo  # noqa: E402
import checker_cli  # noqa: E402

SET = Path(__file__).resolve().parent / "conversations_heldout15.json"
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
    problems = [] if email in TECHNICIANS + [DISPATCHER] else [f"{name} signs in as {email}, no demo user"]
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
    start = {job["site"]["name"]: job["status"] for job in demo.today.get(email, [])}  # staff have no day of their own
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
    ("the 50TCQA12's MCA for the 48TCDA12", "h15-16", "whats the mca", "contains", [["50.7"], ["970"]]),
    ("the other Kaiser site's contact", "h15-26", "Who's the engineer", "contains", [["Jordan Nguyen"]]),
    ("the morning's technician for the library this afternoon", "h15-03", "And who's got", "contains", [["James"]]),
    ("a weekday said", "h15-25", "whats my first", "say", "whats my first job monday"),
    ("a date expected", "h15-08", "whats overdue", "contains", [["AV-1-300"], ["October 28", "Oct 28"]]),
    ("a jockey pump drafted at the Ferry Building (none there)", "h15-06", "kitchen hood", "draft",
     {"equipment": "CR3-19", "severity": "inoperable"}),
    ("a record's severity from before the last correction", "h15-23", None, "records",
     [{"site": "Chase", "model": "3000SS-4", "severity": "deficient", "description": ["second check"]}]),
    ("a description never said", "h15-24", None, "records",
     [{"site": "Hall of Justice", "model": "CR3-19", "severity": "deficient", "description": ["bearing"]}]),
    ("a status step back with nothing to undo", "h15-04", "yep", "status_saved", {"WeWork 123 Main St": "scheduled"}),
    ("an overdue unit forbidden", "h15-22", "whats overdue", "not_contains", ["NFS2-3030", "R-102"]),
    ("a severity the API lacks", "h15-07", "alarm valve", "draft", {"equipment": "AV-1-300", "severity": "critical"}),
    ("a record at a site never stood at", "h15-10", None, "records",
     [{"site": "Ferry", "model": "B500", "severity": "suggested", "description": ["pin"]},
      {"site": "WeWork", "model": "3000SS-4", "severity": "deficient", "description": ["shutoff"]}]),
    ("a tool the MCP endpoint lacks", "h15-13", "whats the churn", "tool", "equipment_specs"),
    ("statuses on Devon's conversation", "h15-15", None, "statuses", {"Westlake Shopping Center": "en_route"}),
    ("a cancelled write-up expected stored", "h15-08", None, "records",
     [{"site": "WeWork", "model": "3000SS-4", "severity": "deficient", "description": ["test cock"]}]),
    ("three extinguishers at WeWork (it has two)", "h15-05", "how many extinguishers", "contains", [["three"]]),
    ("70 degrees F said as 16 C", "h15-12", "What if", "contains", [["16°C", "16 degrees"]]),
    ("88 psi said as 8.8 bar", "h15-13", "at one fifty", "contains", [["8.8"]]),
    ("the newest rooftop at Westlake called the oldest", "h15-30", "which one is the oldest", "contains",
     [["48TCDA08"]]),
    ("a login that is no demo user", "h15-03", None, "technician", "dana@clara.dev"),
]


def plant(conversations: list[dict], prefix: str, say: str | None, key: str, value) -> None:
    target = next(c for c in conversations if c["name"].startswith(prefix))
    if say is not None:
        target = next(t for t in target["turns"] if t.get("say", "").startswith(say))
    target[key] = value


def main() -> int:
    return checker_cli.main("heldout15", __doc__, SET, Demo, check, plant, PLANTS)


if __name__ == "__main__":
    raise SystemExit(main())
