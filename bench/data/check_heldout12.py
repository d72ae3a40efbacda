"""Check heldout12's expectations against the seeded demo data and the shipped corpus, not against Clara.

Every turn of bench/data/conversations_heldout12.json that expects facts names where they come from in `source` (the
harness ignores the key), several joined by `+`:

- `jobs:today`, `jobs:tomorrow`: the signed-in technician's day (site, address, customer, type, notes, start time
  also as "7:30" and "seven thirty", booked length also in minutes and hours, how many jobs);
- `crew:<email>`: another technician's day today, as staff see it (a crew lead signed in as the dispatcher);
- `first:<day>`, `last:<day>` (day `today`, `tomorrow` or a crew member's email): only that job; `after:<site>`,
  `before:<site>`: only the job next to that one today;
- `site:<site>`: one job at that site; `customer:<customer>`: its name, contacts, special requirements;
- `contact:<site>`: only the contacts of that site (a customer with two sites has two contacts: the other one is
  wrong), or the customer's primary contact when none is the site's;
- `equipment:<site>`: every unit there; `overdue:<site>`: only the units the API marks overdue;
- `deficiencies:<site>`: the site's open deficiencies, severities also in the technician's words;
- `serial:<serial>`: the one unit carrying that serial (its model, kind, location, interval in words, and "overdue"
  only when the API marks it so), which must stand at the site the technician last sent a location for;
- `spec:<model>`: the shipped specification (pounds also as kilograms); `spec:<model>@<field>,...` only those fields;
- `knowledge:<file>#<heading>`: one section of data/knowledge (inches also as centimetres, feet also as metres);
  `...#<heading>@<words>` only its sentences holding those words;
- `travel`: a drive time or distance; `said`: the technician's own words in that turn.

It reports each `contains` entry none of whose alternatives its sources hold, and each `not_contains` word that its
sources do hold (for `overdue:` the word must also name a unit at that site, so it is a wrong answer, not noise). The
seed is relative to the day it runs (dates of inspections and installs move with it), so no expectation may name a
date, a month or a weekday: each is reported. It also checks that locations are the technician's sites, that drafted
units exist where the technician stands and drafted job changes name one of today's jobs, that records name a unit
at one of the technician's sites today which the conversation drafted, with a severity the API knows and a
description in the technician's own words. A turn that saves a job status says which in `status_saved`
(`{"<site>": "<status>"}`, ignored by the harness): each must move its job forward from where it stands (scheduled,
en_route, in_progress, completed), and the conversation's expected `statuses` must be where they leave each job.

The demo data comes over the HTTP API of a running Clara seeded today (the seed is deterministic, relative to
today), so this reads nothing under clara/ and writes nothing:

    python bench/data/check_heldout12.py --api http://127.0.0.1:8000

`--plant` puts each of the planted wrong expectations below into a copy of the set in memory, one at a time, and
reports whether the check caught it (exit 1 unless all are caught).

When written (December 6, 2026 in the company's time zone): 30 conversations, 116 turns, 0 problems; 13 of 13
planted wrong expectations caught.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
from pathlib import Path
from typing import Any, Callable

from heldout12_sources import Day, Staff, World

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "bench" / "data" / "conversations_heldout12.json"
DEFAULT_TECHNICIAN = "maria.lopez@clara.dev"
SEVERITIES = {"inoperable", "deficient", "suggested"}
FORWARD = ["scheduled", "en_route", "in_progress", "completed"]
DATED = re.compile(r"(?<!\d )\b(20\d\d-\d\d-\d\d|\d{1,2}/\d{1,2}|january|february|march|april|may|june|july|august|"
                   r"september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
                   r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE)


def check_turn(world: World, day: Day | Staff, name: str, index: int, turn: dict, here: str | None) -> list[str]:
    problems = []
    for group in turn.get("contains", []) + [turn.get("not_contains", [])]:
        for alt in group:
            if DATED.search(alt):
                problems.append(f"{name} #{index} {alt!r} names a date or a day, which moves with the seed")
    if turn.get("contains") and "source" not in turn:
        problems.append(f"{name} #{index} expects facts without a source")
    if "source" not in turn:
        return problems
    sources = turn["source"].split("+")
    text = " ".join(turn["say"] if s == "said" else world.render(day, s, here) for s in sources).lower()
    for group in turn.get("contains", []):
        if not any(alt.lower() in text for alt in group):
            problems.append(f"{name} #{index} {turn['say']!r}: none of {group} in {turn['source']}")
    for word in turn.get("not_contains", []):
        if word.lower() in text:
            problems.append(f"{name} #{index} {turn['say']!r}: forbidden {word!r} is in {turn['source']}")
        for source in sources:
            if source.startswith("overdue:"):
                whole = " ".join(json.dumps(u) for u in world.units(source.partition(":")[2])).lower()
                if word.lower() not in whole:
                    problems.append(f"{name} #{index} forbidden {word!r} names no unit at {source}")
    return problems


def check_draft(day: Day | Staff, world: World, name: str, index: int, draft: dict, here: str | None) -> list[str]:
    problems = []
    if draft.get("severity") and draft["severity"] not in SEVERITIES:
        problems.append(f"{name} #{index} severity {draft['severity']}")
    if "equipment" in draft:
        if here is None:
            problems.append(f"{name} #{index} a unit drafted with no site to stand at")
        elif draft["equipment"] not in {u["model"] for u in world.units(here)}:
            problems.append(f"{name} #{index} no {draft['equipment']} at {here}")
    if "status" in draft:
        if draft["status"] not in FORWARD:
            problems.append(f"{name} #{index} drafted status {draft['status']}")
        if not any(draft.get("site", "").lower() in job["site"]["name"].lower() for job in day.today):
            problems.append(f"{name} #{index} drafted status for {draft.get('site')}, none of today's jobs")
    return problems


def check_conversation(world: World, conversation: dict) -> tuple[int, list[str]]:
    name = conversation["name"][:6]
    day = world.day(conversation.get("technician", DEFAULT_TECHNICIAN))
    problems = []
    here = None
    drafted = set()
    said = []
    turns = 0
    for index, turn in enumerate(conversation["turns"]):
        if "location" in turn:
            point = tuple(turn["location"])
            here = next((site for site, xy in day.coordinates.items() if xy == point), None)
            if here is None:
                problems.append(f"{name} location {point} is none of the technician's sites")
            continue
        turns += 1
        said.append(turn["say"].lower())
        problems += check_turn(world, day, name, index, turn, here)
        draft = turn.get("draft") or {}
        problems += check_draft(day, world, name, index, draft, here)
        if "equipment" in draft:
            drafted.add(draft["equipment"])
    for record in conversation.get("records", []):
        site = next((job["site"]["name"] for job in day.today if record["site"].lower() in job["site"]["name"].lower()),
                    None)
        if site is None:
            problems.append(f"{name} record site {record['site']} is not one of the technician's today")
        elif record["model"] not in {u["model"] for u in world.units(site)}:
            problems.append(f"{name} record {record['model']} is not at {site}")
        if record["severity"] not in SEVERITIES:
            problems.append(f"{name} record severity {record['severity']}")
        if record["model"] not in drafted:
            problems.append(f"{name} record {record['model']} was never drafted")
        words = record.get("description", [])
        if words and not any(word.lower() in " ".join(said) for word in words):
            problems.append(f"{name} record description {words} is nothing the technician said")
    problems += check_statuses(day, name, conversation)
    return turns, problems


def check_statuses(day: Day | Staff, name: str, conversation: dict) -> list[str]:
    """Each saved status change moves its job forward from where it stands; the expected end is the last saved."""
    problems = []
    now = dict(day.statuses)
    for turn in conversation["turns"]:
        for site, status in turn.get("status_saved", {}).items():
            if site not in now or status not in FORWARD:
                problems.append(f"{name} saved status {site}={status}")
            elif FORWARD.index(status) <= FORWARD.index(now[site]):
                problems.append(f"{name} saved status {site}={status} is not ahead of {now[site]}")
            else:
                now[site] = status
    expected = conversation.get("statuses", {})
    for site, status in expected.items():
        if site not in now or status not in FORWARD:
            problems.append(f"{name} status {site}={status}")
        elif now[site] != status:
            problems.append(f"{name} status {site}={status}, but what the conversation saved leaves it {now[site]}")
    for site, status in now.items():
        if status != day.statuses[site] and site not in expected:
            problems.append(f"{name} saves {site}={status} but expects no status for it")
    return problems


def check_set(world: World, conversations: list[dict]) -> tuple[int, list[str]]:
    problems = []
    turns = 0
    for conversation in conversations:
        count, found = check_conversation(world, conversation)
        turns += count
        problems += found
    if len(conversations) != 30 or not 110 <= turns <= 130:
        problems.append(f"{len(conversations)} conversations and {turns} turns, wanted 30 and 110 to 130")
    return turns, problems


def _turn(conversations: list[dict], prefix: str, say: str) -> dict:
    conversation = next(c for c in conversations if c["name"].startswith(prefix))
    return next(t for t in conversation["turns"] if t.get("say", "").startswith(say))


def _conversation(conversations: list[dict], prefix: str) -> dict:
    return next(c for c in conversations if c["name"].startswith(prefix))


# Each a wrong expectation a careless author could write, put in one at a time by --plant.
PLANTS: dict[str, Callable[[list[dict]], Any]] = {
    "a 50TCQA06 breaker of 45 A (spec 40)": lambda s: _turn(s, "h12-03", "whats the mca").__setitem__(
        "contains", [["26.7"], ["45"]]),
    "Sam Wong as the contact at Skyline (he is Oakland Tech's)": lambda s: _turn(s, "h12-21", "and the school").__setitem__(
        "contains", [["Sam Wong"]]),
    "serial AM351589 read as the corridor B500": lambda s: _turn(s, "h12-02", "extinguisher here").__setitem__(
        "contains", [["B500"]]),
    "a 155-degree bulb called green (red; green is 200)": lambda s: _turn(s, "h12-04", "got a sprinkler").__setitem__(
        "contains", [["green"]]),
    "a 970 lb unit as 400 kg (440)": lambda s: _turn(s, "h12-18", "so how heavy").__setitem__(
        "contains", [["400 kg"]]),
    "the B500 forbidden in WeWork's overdue answer (it is overdue)":
        lambda s: _turn(s, "h12-16", "whats overdue").__setitem__("not_contains", ["B500"]),
    "the street vault write-up drafted as the riser room's 957-4 (the record names a unit never drafted)":
        lambda s: _turn(s, "h12-09", "the thing down").__setitem__("draft", {"equipment": "957-4",
                                                                              "severity": "deficient"}),
    "a record severity 'high' (no API severity)": lambda s: _conversation(s, "h12-17")["records"][0].__setitem__(
        "severity", "high"),
    "WeWork left in progress though the conversation completed it":
        lambda s: _conversation(s, "h12-10").__setitem__("statuses", {"WeWork 123 Main St": "in_progress"}),
    "a last-inspected date expected (moves with the seed)": lambda s: _turn(s, "h12-02", "how often").__setitem__(
        "contains", [["October 6", "30 days"]]),
    "the arena's clean agent system drafted at the Ferry Building, which has none":
        lambda s: _turn(s, "h12-30", "kitchen hood").__setitem__("draft", {"equipment": "ECARO-25"}),
    "the job after the Ferry Building expected as WeWork (the one before it)":
        lambda s: _turn(s, "h12-22", "what comes after").__setitem__("contains", [["WeWork"]]),
    "a record description in words never said": lambda s: _conversation(s, "h12-15")["records"][0].__setitem__(
        "description", ["bearing", "vibration"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="a Clara seeded today, e.g. http://127.0.0.1:8000")
    parser.add_argument("--set", type=Path, default=SET, help="the set to check")
    parser.add_argument("--plant", action="store_true", help="plant each wrong expectation in turn; all must be caught")
    args = parser.parse_args()
    conversations = json.loads(args.set.read_text())
    world = World(args.api)
    turns, problems = check_set(world, conversations)
    for problem in problems:
        print(problem)
    print(f"heldout12: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    if not args.plant:
        return 1 if problems else 0
    caught = 0
    for label, plant in PLANTS.items():
        planted = copy.deepcopy(conversations)
        plant(planted)
        found = [problem for problem in check_set(world, planted)[1] if problem not in problems]
        caught += bool(found)
        print(f"  planted {label}: {'caught: ' + found[0] if found else 'MISSED'}")
    print(f"heldout12 planted: {caught} of {len(PLANTS)} caught")
    return 1 if problems or caught < len(PLANTS) else 0


if __name__ == "__main__":
    raise SystemExit(main())
