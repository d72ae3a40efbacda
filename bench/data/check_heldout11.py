"""Check heldout11's expectations against the seeded demo data and the shipped corpus, not against Clara.

Every turn of bench/data/conversations_heldout11.json that expects facts names where they come from in `source` (the
harness ignores the key), several joined by `+`:

- `jobs:today`, `jobs:dayN`, `jobs:day-N` (N days on or back): the technician's jobs that day (its weekday name, how many, and per job
  the site, address, customer, type, notes, start time also as "7:30" and "seven thirty", booked length);
- `site:<site>`: one job (any day's) at that site; `customer:<customer>`: its name, contacts, special requirements;
- `contact:<site>`: only the contacts of that site (or the customer's primary contact when none is the site's);
- `equipment:<site>`: every unit there; `overdue:<site>`: only the overdue ones; `deficiencies:<site>`: the open
  deficiencies with the unit each is on; `unit:<site>/<model>`: that one unit (type, location, its install, last
  inspection and due dates also as "October 12", "Oct 12", "10/12", "October twelfth");
- `last:<site>`: the latest completed visit before today (who, what, when, its weekday); `visits:<site>`: every
  completed visit before today the API lists for the site's customer;
- `spec:<model>` or `spec:<model>/<field.path>`: the shipped specification, whole or one field (pounds also as
  kilograms, big numbers also with thousands separators and as "120k" / "120 thousand" / "120 mbh");
- `knowledge:<file>#<heading>`: one section of data/knowledge (inches and feet also in metric);
- `travel`: a drive time or distance; `said`: the technician's own words in that turn.

A conversation signed in as staff names the technician it asks about in `about` (the harness ignores the key); its
facts are that technician's.

It reports each `contains` entry none of whose alternatives its sources hold, each `not_contains` word its sources do
hold, a weekday the technician names that the source's day (or visit) is not, "tomorrow" on a source that is not
`jobs:day1`, a location that is none of the technician's sites today, a drafted unit that is not where the
technician stands, a record whose unit is not at the site the technician stood at or whose severity the API does not
know or whose description is nothing the technician said. Statuses follow `PATCH /jobs/{id}` as the OpenAPI document
describes it (checked on a scratch server, December 7): a job moves forward along scheduled, en_route, in_progress,
completed (steps may be skipped) or to cancelled while open; the technician who made a job's last status change may
send the status it came from (an undo), not out of cancelled, and an undo cannot itself be undone (a second step back
answers 409 invalid_transition). A turn that saves a status names it in `status_saved` (an undo too); a turn that asks
for an undo and names none must be one the API refuses; the conversation's `statuses` must be where its saves leave
each job.

The demo data comes over the HTTP API of a running Clara seeded today (the seed is deterministic, relative to
today), so this reads nothing under clara/ and writes nothing:

    python bench/data/check_heldout11.py --api http://127.0.0.1:8000

When written (December 7, 2026 UTC; the demo day December 6): 30 conversations, 124 turns, 0 problems. Ten wrong
expectations were planted one at a time in a copy (`--set PATH`): a churn of 140 psi for the AEF1000-125 (spec 145),
Tuesday's first stop at 10:00 (11:30), Priya as the last technician at Main St (Devon), the FDC 24 to 48 inches above
grade (18 to 48), "this coming wednesday" answered from Tuesday's jobs, the refused second undo expected to save en
route, a B402 recorded at Main St (no such unit there), a record severity "critical" (no API severity), Jordan Wong as
Westlake's contact (Pat Wong; Jordan Wong is Oakland Arena's), and Westlake's clean agent write-up drafted as an R-102
(none there): each was reported, 10 of 10. Dropping the undo's `status_saved` is reported twice (an allowed undo that
saves nothing, and the end status).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "bench" / "data" / "conversations_heldout11.json"
DEFAULT_TECHNICIAN = "maria.lopez@clara.dev"
PASSWORD = "clara-demo-2026"
SEVERITIES = {"inoperable", "deficient", "suggested"}
FORWARD = ["scheduled", "en_route", "in_progress", "completed"]
OPEN = {"scheduled", "en_route", "in_progress"}
NUMBERS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
ORDINALS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
            "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
            "nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third", "twenty-fourth",
            "twenty-fifth", "twenty-sixth", "twenty-seventh", "twenty-eighth", "twenty-ninth", "thirtieth",
            "thirty-first"]
UNITS = {"_gpm": "gpm", "_psi": "psi", "_in": "in", "_btuh": "btu", "_w": "w", "_gal": "gal", "_rpm": "rpm"}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(inches|inch|in\.|feet|foot|ft)\b")


class Api:
    """One user's view of the demo data, read over HTTP."""

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


def spoken_date(iso: str) -> list[str]:
    """A date as people say and write it: "October 12", "Oct 12", "10/12", "October twelfth", its weekday."""
    day = dt.date.fromisoformat(iso[:10])
    month = day.strftime("%B")
    return [day.isoformat(), f"{month} {day.day}", f"{month[:3]} {day.day}", f"{day.month}/{day.day}",
            f"{month} {ORDINALS[day.day]}", day.strftime("%A")]


def duration(minutes: int) -> list[str]:
    out = [f"{minutes} min"]
    if minutes % 60 == 0:
        out += [f"{minutes // 60} hour", f"{NUMBERS[minutes // 60]} hour"]
    if minutes == 90:
        out += ["hour and a half", "1.5 hour", "ninety min", "an hour and thirty", "one and a half"]
    return out


def job_text(job: dict) -> str:
    parts = [job["site"]["name"], job["site"]["address"], job["site"]["city"], job["customer"]["name"], job["type"],
             " ".join(job["systems"]), job["notes"] or "", *spoken_time(job["scheduled_start"]),
             *duration(job["duration_minutes"])]
    return " | ".join(parts)


def day_text(day: dt.date, jobs: list[dict]) -> str:
    count = f"{len(jobs)} jobs, {NUMBERS[len(jobs)]} jobs"
    return " || ".join([day.strftime("%A"), count] + [job_text(job) for job in jobs])


def _flat(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, value


def _said_number(key: str, value) -> list[str]:
    """A figure as Clara may say it: pounds also in kilograms, big numbers grouped or shortened."""
    out = [f"{key}: {value}"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        out += [f"{value} {unit}" for suffix, unit in UNITS.items() if key.endswith(suffix)]
        if key.endswith("_lb"):
            out += [f"{value} lb", f"{value} pound", f"{value * 0.45359237:.1f} kg"]
        if value >= 10000 and float(value).is_integer():
            whole = int(value)
            out += [f"{whole:,}", f"{whole:,}".replace(",", " "), f"{whole // 1000}k", f"{whole // 1000} thousand",
                    f"{whole // 1000} mbh"]
    return out


def spec_entry(model: str) -> dict:
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                return entry
    raise SystemExit(f"no specification for {model}")


def spec_text(ref: str) -> str:
    model, _, field = ref.partition("/")
    pairs = [(key, value) for key, value in _flat(spec_entry(model)) if not field or key == field]
    if not pairs:
        raise SystemExit(f"no field {field} in the {model} specification")
    return " | ".join([model] + [said for key, value in pairs for said in _said_number(key, value)])


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


def visit_text(visit: dict) -> str:
    return " | ".join([visit["technician_name"], visit["type"], visit["notes"] or "", *spoken_date(visit["scheduled_start"])])


class Day:
    """What the API serves about one technician: the week around today, its sites' units, customers and visits."""

    def __init__(self, base: str, email: str) -> None:
        api = Api(base, email)
        self.today = api.get("/jobs")["jobs"]
        self.date = dt.date.fromisoformat(self.today[0]["scheduled_start"][:10])
        self.days = {offset: api.get(f"/jobs?date={self.date + dt.timedelta(days=offset)}")["jobs"]
                     for offset in range(-3, 7)}
        self.details = {}
        for offset in sorted(self.days, key=lambda o: (o < 0, abs(o))):  # a site's job today first, then the nearest
            for job in self.days[offset]:
                self.details.setdefault(job["site"]["name"], api.get(f"/jobs/{job['id']}"))
        self.customers = {}
        for detail in self.details.values():
            customer = api.get(f"/clara-server/crm/customers/{detail['customer']['id']}")
            self.customers[customer["name"]] = customer
        self.coordinates = {job["site"]["name"]: (job["site"]["latitude"], job["site"]["longitude"]) for job in self.today}
        self.statuses = {job["site"]["name"]: job["status"] for job in self.today}

    def units(self, site: str) -> list[dict]:
        return self.details[site]["equipment"]

    def visits(self, site: str) -> list[dict]:
        """Completed visits before today at the site, newest first, as the customer's record lists them."""
        detail = self.details[site]
        jobs = self.customers[detail["customer"]["name"]]["recent_jobs"]
        past = [j for j in jobs if j["site_id"] == detail["site"]["id"] and j["status"] == "completed"
                and dt.date.fromisoformat(j["scheduled_start"][:10]) < self.date]
        return sorted(past, key=lambda j: j["scheduled_start"], reverse=True)

    def render(self, source: str) -> str:
        kind, _, arg = source.partition(":")
        if kind == "jobs":
            offset = 0 if arg == "today" else int(arg.removeprefix("day"))
            return day_text(self.date + dt.timedelta(days=offset), self.days[offset])
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
        if kind == "deficiencies":
            units = {unit["id"]: unit for unit in self.units(arg)}
            return " || ".join(json.dumps([d, units.get(d["equipment_id"])]) for d in self.details[arg]["deficiencies"])
        if kind == "unit":
            site, _, model = arg.partition("/")
            unit = next((u for u in self.units(site) if u["model"] == model), None)
            if unit is None:
                raise SystemExit(f"no {model} at {site}")
            dates = [said for key in ("install_date", "last_inspected", "next_inspection_due") if unit[key]
                     for said in spoken_date(unit[key])]
            return json.dumps(unit) + " | " + " | ".join(dates)
        if kind == "last":
            visits = self.visits(arg)
            return visit_text(visits[0]) if visits else ""
        if kind == "visits":
            return " || ".join(visit_text(visit) for visit in self.visits(arg))
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
    said = turn["say"].lower()
    for weekday in WEEKDAYS:
        if re.search(rf"\b{weekday}\b", said) and weekday not in text:
            problems.append(f"{name} #{index} {weekday} named, but {turn['source']} is no {weekday}")
    if "tomorrow" in said and not any(s == "jobs:day1" or s.startswith(("site:", "customer:", "contact:"))
                                      for s in sources):
        problems.append(f"{name} #{index} 'tomorrow' answered from {turn['source']}")
    return problems


def check_conversation(day: Day, conversation: dict) -> tuple[int, list[str]]:
    name = conversation["name"][:6]
    problems = []
    here = None
    stood = set()
    said = []
    turns = 0
    for index, turn in enumerate(conversation["turns"]):
        if "location" in turn:
            point = tuple(turn["location"])
            here = next((site for site, xy in day.coordinates.items() if xy == point), None)
            if here is None:
                problems.append(f"{name} location {point} is none of the technician's sites today")
            else:
                stood.add(here)
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
    for record in conversation.get("records", []):
        site = next((s for s in stood if record["site"].lower() in s.lower()), None)
        if site is None:
            problems.append(f"{name} record site {record['site']} is not where the technician stood")
        elif record["model"] not in {u["model"] for u in day.units(site)}:
            problems.append(f"{name} record {record['model']} is not at {site}")
        if record["severity"] not in SEVERITIES:
            problems.append(f"{name} record severity {record['severity']}")
        words = record.get("description", [])
        if words and not any(word.lower() in " ".join(said) for word in words):
            problems.append(f"{name} record description {words} is nothing the technician said")
    problems += check_statuses(day, name, conversation)
    return turns, problems


def check_statuses(day: Day, name: str, conversation: dict) -> list[str]:
    """Each saved status is a change PATCH /jobs/{id} allows the technician; the expected end is the last saved."""
    problems = []
    now = dict(day.statuses)
    last = None  # (site, the status it came from, whether that change was an undo)
    for index, turn in enumerate(conversation["turns"]):
        wants_undo = bool(re.search(r"\b(undo|scratch that|take that back)\b", turn.get("say", "").lower()))
        for site, status in turn.get("status_saved", {}).items():
            if site not in now or status not in FORWARD + ["cancelled"]:
                problems.append(f"{name} #{index} saved status {site}={status}")
                continue
            before = now[site]
            forward = status in FORWARD and before in FORWARD and FORWARD.index(status) > FORWARD.index(before)
            cancel = status == "cancelled" and before in OPEN
            undo = last is not None and last[0] == site and last[1] == status and not last[2] \
                and before != "cancelled"
            if not (forward or cancel or undo):
                problems.append(f"{name} #{index} saved {site}={status} from {before}: the API refuses it")
                continue
            last = (site, before, undo and not forward)
            now[site] = status
        if wants_undo and not turn.get("status_saved"):
            if last is not None and not last[2]:
                problems.append(f"{name} #{index} an undo the API allows ({last[0]} back to {last[1]}) saves nothing")
    expected = conversation.get("statuses", {})
    for site, status in expected.items():
        if site not in now:
            problems.append(f"{name} status {site}={status}: no such job today")
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
        email = conversation.get("about", conversation.get("technician", DEFAULT_TECHNICIAN))
        if email not in days:
            days[email] = Day(args.api, email)
        count, found = check_conversation(days[email], conversation)
        turns += count
        problems += found
    for problem in problems:
        print(problem)
    print(f"heldout11: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
