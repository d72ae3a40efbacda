"""Check heldout10's expectations against the seeded demo data and the shipped corpus, not against Clara.

Every turn of bench/data/conversations_heldout10.json that expects facts names where they come from in `source`
(the harness ignores the key), several joined by `+`. A job source may end in `~<login>` (`~james.chen`): that
technician's day, fetched with the conversation's own token (a dispatcher's or admin's `user_id=` view), so the
checker proves the role may see what the turn asks for.

- `jobs:today`, `job:today#2` (by start time, `#-1` the last), `job:today@15:00` (starting then), each with the
  technician's name; `longest:jobs:today` (the longest booked, strictly); `nearest:<lat>,<lon>` (the first of the
  technician's jobs the API sorts by travel time from there, at most half the next one's);
- `count:jobs:today`, `count:jobs:today/open` (not completed or cancelled after the conversation's saved `moves`
  so far), `count:equipment:<site>/<type>`, `count:overdue:<site>`;
- `older:<site>/<type>`, `newest:<site>/<type>` (the unit of that type installed first or last, strictly);
- `contact:<site>`, `rules:<site>`: any site in the CRM (the site's own contact, else the customer's primary), so a
  site that is on nobody's schedule today is checked too;
- `spec:<model>/<field.path>` (one field of data/specifications; `@<site>` when the unit was named by kind and
  place: the site must have it), `knowledge:<file>#<section>` (data/knowledge), `said`;
- `absent:<site>/<type>`: the site has no unit of that type, so the turn's `not_drafted` must list every model the
  site does have (any of them drafted is another unit), and the conversation must stand at that site.

Each source is rendered (bench/data/heldout10_sources.py) as text with the figures a technician may hear, in
imperial and metric. Every `contains` group needs an alternative the text holds, and every `not_contains` entry must
be absent from it (a wrong answer, not merely another). Drafted and recorded units must exist where the conversation stands; each saved
job status (`moves`, `<site>=<status>`) must be a step the API allows from the status before it (forward along
scheduled, en_route, in_progress, completed, or to cancelled while open), a step back (`status_undone`, the
technician's own last change taken back, amended in session 18) must return the job to where its last move started,
and the `statuses` the harness checks must be where the moves end (Maria's day only). Also: tool names as the MCP endpoint lists them, severities, 30
conversations, 120+ turns.

    python bench/data/check_heldout10.py --api http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from heldout10_sources import DEMO, Api, World, render

SET = Path(__file__).resolve().parent / "conversations_heldout10.json"
LOGINS = {DEMO, "james.chen@clara.dev", "priya.patel@clara.dev", "devon.wright@clara.dev",
          "dana.okafor@clara.dev", "admin@clara.dev"}
SEVERITIES = {"inoperable", "deficient", "suggested"}
ORDER = ["scheduled", "en_route", "in_progress", "completed"]


def step_allowed(before: str, after: str) -> bool:
    if after == "cancelled":
        return before not in {"completed", "cancelled"}
    return before in ORDER and after in ORDER and ORDER.index(after) > ORDER.index(before)


def check_conversation(world: World, conversation: dict, tools: set[str] | None) -> tuple[int, list[str]]:
    name = conversation["name"][:6]
    viewer = conversation.get("technician", DEMO)
    if viewer not in LOGINS:
        return 0, [f"{name} {viewer} is no demo login"]
    staff = viewer in {"dana.okafor@clara.dev", "admin@clara.dev"}
    today = {} if staff else {j["site"]["name"]: j for j in world.day(viewer, viewer)["jobs"]}
    statuses = {site: job["status"] for site, job in today.items()}
    before: dict[str, str] = {}  # each job's status before its last saved move: where a step back returns it
    coordinates = world.coordinates(viewer)
    problems: list[str] = []
    here = None
    drafted: set[str] = set()
    absent_sites: set[str] = set()
    turns = 0
    for index, turn in enumerate(conversation["turns"]):
        if "location" in turn:
            here = coordinates.get(tuple(turn["location"]))
            if here is None:
                problems.append(f"{name} location {turn['location']} is no site")
            continue
        turns += 1
        where = f"{name} #{index} {turn['say'][:40]!r}"
        if tools is not None and turn.get("tool") and turn["tool"] not in tools:
            problems.append(f"{where}: no tool {turn['tool']}")
        if (turn.get("contains") or turn.get("not_contains") or turn.get("not_drafted")) and "source" not in turn:
            problems.append(f"{where}: expects or forbids without a source")
        sources = turn.get("source", "").split("+") if "source" in turn else []
        for source in sources:
            if source.startswith("absent:"):
                site, _, unit_type = source[7:].partition("/")
                units = world.units(viewer, viewer, site)
                if here != site:
                    problems.append(f"{where}: {source} while standing at {here}")
                if any(u["type"] == unit_type for u in units):
                    problems.append(f"{where}: {site} does have a {unit_type}")
                if set(turn.get("not_drafted", [])) != {u["model"] for u in units}:
                    problems.append(f"{where}: not_drafted is not every unit at {site}")
                absent_sites.add(site)
        if turn.get("not_drafted") and not any(s.startswith("absent:") for s in sources):
            problems.append(f"{where}: not_drafted without an absent: source")
        factual = [s for s in sources if not s.startswith("absent:")]
        if factual:
            text = " ".join(render(world, s, viewer, turn["say"], statuses) for s in factual).lower()
            for group in turn.get("contains", []):
                options = [group] if isinstance(group, str) else group
                if not any(option.lower() in text for option in options):
                    problems.append(f"{where}: none of {options} in {turn['source']}")
            for words in turn.get("not_contains", []):
                if words.lower() in text:
                    problems.append(f"{where}: forbids {words!r}, which {turn['source']} holds")
        draft = turn.get("draft") or {}
        if draft.get("severity") and draft["severity"] not in SEVERITIES:
            problems.append(f"{where}: severity {draft['severity']}")
        if "equipment" in draft:
            if here is None or here not in today:
                problems.append(f"{where}: a unit drafted away from the technician's sites today")
            elif draft["equipment"] not in {u["model"] for u in world.units(viewer, viewer, here)}:
                problems.append(f"{where}: no {draft['equipment']} at {here}")
            drafted.add(draft["equipment"])
        if (turn.get("saved") == "job_status") != ("moves" in turn or "status_undone" in turn):
            problems.append(f"{where}: a saved job status needs its moves (or status_undone), and they need a save")
        if "moves" in turn:
            site, _, status = turn["moves"].partition("=")
            if site not in statuses:
                problems.append(f"{where}: {site} is not the technician's job today")
            elif not step_allowed(statuses[site], status):
                problems.append(f"{where}: {statuses[site]} -> {status} is no step the API allows")
            else:
                before[site], statuses[site] = statuses[site], status
        if "status_undone" in turn:  # the technician's own last change taken back: to where that move started
            site, _, status = turn["status_undone"].partition("=")
            if before.get(site) != status:
                problems.append(f"{where}: undone to {status}, but the change undone came from {before.get(site)}")
            else:
                statuses[site] = before.pop(site)
    for record in conversation.get("records", []):
        site = next((s for s in today if record["site"].lower() in s.lower()), None)
        if site is None:
            problems.append(f"{name} record site {record['site']} is not one of {viewer}'s today")
        elif record["model"] is None:
            if site not in absent_sites:
                problems.append(f"{name} a record with no unit, but no unit named was missing at {site}")
        elif record["model"] not in {u["model"] for u in world.units(viewer, viewer, site)}:
            problems.append(f"{name} record {record['model']} is not at {site}")
        elif record["model"] not in drafted:
            problems.append(f"{name} record {record['model']} was never drafted")
        if record["severity"] not in SEVERITIES:
            problems.append(f"{name} record severity {record['severity']}")
    expected = conversation.get("statuses", {})
    if expected and viewer != DEMO:
        problems.append(f"{name} statuses are checked for the demo day (Maria's) only")
    for site, status in statuses.items():
        if status != today[site]["status"] and expected.get(site) != status:
            problems.append(f"{name} {site} ends {status} but statuses do not say so")
    for site, status in expected.items():
        if statuses.get(site) != status:
            problems.append(f"{name} statuses {site}={status}, the moves end at {statuses.get(site)}")
    return turns, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="a Clara seeded today")
    parser.add_argument("--file", type=Path, default=SET, help="the set to check (a planted copy, say)")
    args = parser.parse_args()
    api = Api(args.api)
    world = World(api)
    conversations = json.loads(args.file.read_text())
    tools = api.tools()
    problems = [] if tools is not None else ["the MCP endpoint did not list the tools: tool names unchecked"]
    if len(conversations) != 30:
        problems.append(f"{len(conversations)} conversations, wanted 30")
    if len({c["name"][:6] for c in conversations}) != len(conversations):
        problems.append("two conversations share a number")
    turns = 0
    for conversation in conversations:
        try:
            count, found = check_conversation(world, conversation, tools)
        except SystemExit as exc:  # a source that names nothing real
            count, found = 0, [f"{conversation['name'][:6]}: {exc}"]
        turns += count
        problems += found
    if turns < 120:
        problems.append(f"{turns} turns, wanted at least 120")
    for problem in problems:
        print(problem)
    print(f"heldout10: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
