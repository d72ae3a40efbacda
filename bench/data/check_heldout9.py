"""Check heldout9's expectations against the seeded demo data and the shipped corpus, not against Clara.

Every turn of bench/data/conversations_heldout9.json that expects facts names where they come from in `source` (the
harness ignores the key), several joined by `+`:

- `jobs:today`, `jobs:tomorrow`: the signed-in technician's day (site, address, customer, type, notes, start time
  also as "7:30" and "seven thirty", booked length also in minutes and hours, how many jobs);
- `site:<site>`: one of that technician's jobs; `customer:<customer>`: its name, contacts, special requirements;
- `contact:<site>`: only the contacts of that site (a customer with two sites has two contacts: the other one is
  wrong), or the customer's primary contact when none is the site's;
- `equipment:<site>`: every unit there; `overdue:<site>`: only the units the API marks overdue;
- `spec:<model>`: the shipped specification (pounds also as kilograms);
- `knowledge:<file>#<heading>`: one section of data/knowledge (inches also as centimetres, feet also as metres);
- `travel`: a drive time or distance; `said`: the technician's own words in that turn.

It reports each `contains` entry none of whose alternatives its sources hold, and each `not_contains` word that its
sources do hold (for `overdue:` the word must also name a unit at that site, so it is a wrong answer, not noise).
It also checks that locations are the technician's sites, that drafted units exist where the technician stands,
that records name a unit at one of the technician's sites today which the conversation drafted, with a severity the
API knows and a description in the technician's own words. A turn that saves a job status says which in
`status_saved` (`{"<site>": "<status>"}`, ignored by the harness): each must move its job forward from where it
stands (scheduled, en_route, in_progress, completed). A turn that takes the technician's own change back ("undo
that") says where it leaves the job in `status_undone` (also ignored by the harness): the status the job had before
the conversation's last saved change of it, because since session 16 Clara lets the technician who made a status
change undo it within 10 minutes (jobs/transitions.py; the set was written when the API moved a job only forward).
The conversation's expected `statuses` must be where its saved and undone changes leave each of today's jobs.

The demo data comes over the HTTP API of a running Clara seeded today (the seed is deterministic, relative to
today), so this reads nothing under clara/ and writes nothing:

    python bench/data/check_heldout9.py --api http://127.0.0.1:8000

When written (December 6, 2026): 30 conversations, 127 turns, 0 problems. Ten wrong expectations were planted one at
a time in a copy (`--set PATH`): a breaker of 50 A for the 48TCDA12 (spec 60), Jordan Nguyen as the contact at Kaiser
San Francisco (the site's is Pat Brown), Emeryville's Casey Kim number 1731 for the Ferry Building's, 8:00 for Devon's
first job (8:30), 12 inches of storage clearance (18), a 5-year wet-chemical hydro (12), NFS2 moved from the forbidden
words into the expected overdue units at Oakland Arena, ABC's kitchen hood write-up drafted as 957-4 (no such unit
there), the undo expecting the Ferry Building back to scheduled (right since session 17, when the undo was amended;
planted now, the undo expecting it left en route is reported), and a record severity "minor" (no API severity): each
was reported, 10 of 10.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "bench" / "data" / "conversations_heldout9.json"
DEFAULT_TECHNICIAN = "maria.lopez@clara.dev"
PASSWORD = "clara-demo-2026"
SEVERITIES = {"inoperable", "deficient", "suggested"}
FORWARD = ["scheduled", "en_route", "in_progress", "completed"]
NUMBERS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(inches|inch|in\.|feet|foot|ft)\b")


class Api:
    """One technician's view of the demo data, read over HTTP."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base.rstrip("/")
        body = json.dumps({"email": email, "password": PASSWORD}).encode()
        request = urllib.request.Request(self.base + "/auth/token", body, {"content-type": "application/json"})
        self.token = json.load(urllib.request.urlopen(request))["access_token"]

    def get(self, path: str) -> dict:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        return json.load(urllib.request.urlopen(request))


def spoken_time(start: str) -> list[str]:
    moment = dt.datetime.fromisoformat(start)
    hour12 = moment.hour % 12 or 12
    words = NUMBERS[hour12] + (" thirty" if moment.minute == 30 else " o'clock")
    return [f"{hour12}:{moment.minute:02d}", f"{moment.hour}:{moment.minute:02d}", words,
            f"{hour12} am" if moment.hour < 12 else f"{hour12} pm"]


def duration(minutes: int) -> list[str]:
    out = [f"{minutes} min"]
    if minutes % 60 == 0:
        out += [f"{minutes // 60} hour", f"{NUMBERS[minutes // 60]} hour"]
    if minutes == 90:
        out += ["hour and a half", "1.5 hour", "ninety min"]
    return out


def job_text(job: dict) -> str:
    parts = [job["site"]["name"], job["site"]["address"], job["site"]["city"], job["customer"]["name"], job["type"],
             " ".join(job["systems"]), job["notes"] or "", *spoken_time(job["scheduled_start"]),
             *duration(job["duration_minutes"])]
    return " | ".join(parts)


def day_text(jobs: list[dict]) -> str:
    count = f"{len(jobs)} jobs, {NUMBERS[len(jobs)]} jobs"
    return " || ".join([count] + [job_text(job) for job in jobs])


def _flat(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, key)
    else:
        yield prefix, value


def spec_text(model: str) -> str:
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                extra = []
                for key, value in _flat(entry):
                    if key.endswith("_lb") and isinstance(value, (int, float)):
                        extra += [f"{value} lb", f"{value} pound", f"{value * 0.45359237:.1f} kg"]
                return json.dumps(entry) + " | " + " | ".join(extra)
    raise SystemExit(f"no specification for {model}")


def metric_lengths(text: str) -> str:
    """The section's lengths again in centimetres and metres, for a technician who asks in metric."""
    extra = []
    for number, unit in LENGTH.findall(text):
        metres = float(number) * (0.0254 if unit.startswith("in") else 0.3048)
        extra += [f"{metres * 100:.1f} cm", f"{round(metres * 100)} cm", f"{metres:.2f} m", f"{metres:.1f} m"]
    return " | ".join(extra)


def knowledge_text(ref: str) -> str:
    name, heading = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.strip() == heading or title.startswith(heading + " "):
            return title + " " + body + " | " + metric_lengths(body)
    raise SystemExit(f"no section {heading!r} in {name}")


class Day:
    """What the API serves one technician: today's and tomorrow's jobs, their sites' units and customers."""

    def __init__(self, base: str, email: str) -> None:
        api = Api(base, email)
        self.today = api.get("/jobs")["jobs"]
        tomorrow = (dt.date.fromisoformat(self.today[0]["scheduled_start"][:10]) + dt.timedelta(days=1)).isoformat()
        self.tomorrow = api.get(f"/jobs?date={tomorrow}")["jobs"]
        self.details = {job["site"]["name"]: api.get(f"/jobs/{job['id']}") for job in self.today + self.tomorrow}
        self.customers = {}
        for job in self.today + self.tomorrow:
            customer = api.get(f"/clara-server/crm/customers/{job['customer']['id']}")
            self.customers[customer["name"]] = customer
        self.coordinates = {name: (d["site"]["latitude"], d["site"]["longitude"]) for name, d in self.details.items()}
        self.statuses = {job["site"]["name"]: job["status"] for job in self.today}

    def units(self, site: str) -> list[dict]:
        return self.details[site]["equipment"]

    def render(self, source: str) -> str:
        kind, _, arg = source.partition(":")
        if kind == "jobs":
            return day_text(self.today if arg == "today" else self.tomorrow)
        if kind == "site":
            return job_text(self.details[arg])
        if kind == "customer":
            customer = self.customers[arg]
            return json.dumps({k: customer[k] for k in ("name", "contacts", "special_requirements", "sites")})
        if kind == "contact":
            detail = self.details[arg]
            contacts = self.customers[detail["customer"]["name"]]["contacts"]
            own = [c for c in contacts if c["site_id"] == detail["site"]["id"]] or [c for c in contacts
                                                                                   if c["is_primary"]]
            return json.dumps(own)
        if kind == "equipment":
            return " || ".join(json.dumps(unit) for unit in self.units(arg))
        if kind == "overdue":
            return " || ".join(json.dumps(unit) for unit in self.units(arg) if unit["overdue"])
        if kind == "spec":
            return spec_text(arg)
        if kind == "knowledge":
            return knowledge_text(arg)
        if kind == "travel":
            return "minutes km miles"
        raise SystemExit(f"unknown source {source}")


def check_turn(day: Day, name: str, index: int, turn: dict) -> list[str]:
    problems = []
    if turn.get("contains") and "source" not in turn and turn.get("tool") != "set_preferences":
        problems.append(f"{name} #{index} expects facts without a source")
    if "source" not in turn:
        return problems
    sources = turn["source"].split("+")
    text = " ".join(turn["say"] if s == "said" else day.render(s) for s in sources).lower()
    for group in turn.get("contains", []):
        if not any(alt.lower() in text for alt in group):
            problems.append(f"{name} #{index} {turn['say']!r}: none of {group} in {turn['source']}")
    for word in turn.get("not_contains", []):
        if word.lower() in text:
            problems.append(f"{name} #{index} {turn['say']!r}: forbidden {word!r} is in {turn['source']}")
        for source in sources:
            if source.startswith("overdue:"):
                whole = " ".join(json.dumps(u) for u in day.units(source.partition(":")[2])).lower()
                if word.lower() not in whole:
                    problems.append(f"{name} #{index} forbidden {word!r} names no unit at {source}")
    return problems


def check_conversation(day: Day, conversation: dict) -> tuple[int, list[str]]:
    name = conversation["name"][:5]
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
        problems += check_turn(day, name, index, turn)
        draft = turn.get("draft") or {}
        if draft.get("severity") and draft["severity"] not in SEVERITIES:
            problems.append(f"{name} #{index} severity {draft['severity']}")
        if "equipment" in draft:
            if here is None:
                problems.append(f"{name} #{index} a unit drafted with no site to stand at")
            elif draft["equipment"] not in {u["model"] for u in day.units(here)}:
                problems.append(f"{name} #{index} no {draft['equipment']} at {here}")
            drafted.add(draft["equipment"])
    for record in conversation.get("records", []):
        site = next((job["site"]["name"] for job in day.today if record["site"].lower() in job["site"]["name"].lower()),
                    None)
        if site is None:
            problems.append(f"{name} record site {record['site']} is not one of the technician's today")
        elif record["model"] not in {u["model"] for u in day.units(site)}:
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


def check_statuses(day: Day, name: str, conversation: dict) -> list[str]:
    """Each saved status change moves its job forward from where it stands; the expected end is the last saved."""
    problems = []
    now = dict(day.statuses)
    before: dict[str, str] = {}  # each job's status before the conversation's last saved change of it
    for turn in conversation["turns"]:
        for site, status in turn.get("status_saved", {}).items():
            if site not in now or status not in FORWARD:
                problems.append(f"{name} saved status {site}={status}")
            elif FORWARD.index(status) <= FORWARD.index(now[site]):
                problems.append(f"{name} saved status {site}={status} is not ahead of {now[site]}: a technician "
                                "moves a job only forward")
            else:
                before[site], now[site] = now[site], status
        for site, status in turn.get("status_undone", {}).items():
            if before.get(site) != status:
                problems.append(f"{name} undone status {site}={status}, but the change undone came from "
                                f"{before.get(site)}")
            else:
                now[site] = before.pop(site)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="a Clara seeded today, e.g. http://127.0.0.1:8000")
    parser.add_argument("--set", type=Path, default=SET, help="the set to check (a copy, to prove a planted error)")
    args = parser.parse_args()
    conversations = json.loads(args.set.read_text())
    days: dict[str, Day] = {}
    problems = []
    turns = 0
    for conversation in conversations:
        email = conversation.get("technician", DEFAULT_TECHNICIAN)
        if email not in days:
            days[email] = Day(args.api, email)
        count, found = check_conversation(days[email], conversation)
        turns += count
        problems += found
    for problem in problems:
        print(problem)
    print(f"heldout9: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
