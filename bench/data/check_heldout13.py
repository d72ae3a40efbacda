"""Check heldout13's expectations against a Clara seeded today, over its HTTP API, not against Clara's answers.

Every turn of bench/data/conversations_heldout13.json that expects facts names where they come from in `source` (the
harness ignores the key), several joined by `+`; each is rendered to text and every `contains` group must have an
alternative in it, and no `not_contains` word may be in it:

- `jobs:today`: the technician's jobs today (how many, and per job the site, address, customer, type, notes, start
  time also as "7:30" and "seven thirty", booked length); `job:first`, `job:last`, `after:<site>`: that one job;
- `site:<site>`: the job at that site today; `customer:<customer>`: its name, contacts and special requirements;
- `contact:<site>`: only the contacts of that site (the customer's primary contact when none is the site's);
- `equipment:<site>`: every unit there; `overdue:<site>`: only the overdue ones; `unit:<site>/<model>`: one unit;
- `spec:<model>` or `spec:<model>/<field.path>`: the shipped specification, whole or one field (pounds also in
  kilograms, inches also in centimetres and millimetres, big numbers also grouped or as "120k");
- `knowledge:<file>#<heading>`: one section of data/knowledge;
- `records`: what this conversation stores (its `records`, each unit's type and location, the severity in the
  technician's words), for a technician who asks what they just saved; `said`: the turn's own words.

No turn may name a date, a month, a weekday, "tomorrow" or "yesterday" (in what it says or what it expects): the seed
moves every date with the day it runs, and the set must mean the same whichever day that is. Also checked: tool
names as the MCP endpoint lists them; a location is one of the technician's sites today; a drafted unit is at the
site the technician stands at; a record's unit was drafted there, its severity is the last one drafted for it and one
the API knows, and its description words are the technician's own; one record per saved deficiency; statuses move as
`PATCH /jobs/{id}` allows (forward along scheduled, en_route, in_progress, completed, steps may be skipped; the set
asks for no undo, the one step back the API allows), a turn
that saves one names it in `status_saved`, and `statuses` is where they end (Maria's day only: the harness reads the
demo day's jobs).

    python bench/data/check_heldout13.py --api http://127.0.0.1:8000
    python bench/data/check_heldout13.py --api http://127.0.0.1:8000 --plant all   # each planted error caught?

When written (December 7, 2026 UTC; the demo day December 6 in the company's time zone): 30 conversations, 122
turns, 0 problems; `--plant all` puts the 13 wrong expectations of PLANTS in one at a time (each also written into the
set file itself and checked there, then the file restored): 13 of 13 caught.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "bench" / "data" / "conversations_heldout13.json"
DEMO = "maria.lopez@clara.dev"
PASSWORD = "clara-demo-2026"
SEVERITIES = {"inoperable": "inoperable high critical out of service", "deficient": "deficient needs repair medium",
              "suggested": "suggested minor low recommend"}
FORWARD = ["scheduled", "en_route", "in_progress", "completed"]
NUMBERS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
MONTHS = "january february march april june july august september october november december".split()
WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
# A day named in any other way: "may 5", "oct 12", "10/12", "2026-10-12", "the 12th", tomorrow, yesterday.
DATED = re.compile(r"\b(?:(?:" + "|".join(MONTHS + WEEKDAYS) + r")s?|tomorrow|yesterday|(?:may|jan|feb|mar|apr|jun|jul"
                   r"|aug|sept?|oct|nov|dec)\.? \d{1,2}|\d{1,2}/\d{1,2}|\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th))\b")


class Api:
    """One user's view of the demo data, read over HTTP."""

    def __init__(self, base: str, email: str) -> None:
        self.base = base.rstrip("/")
        body = json.dumps({"email": email, "password": PASSWORD}).encode()
        request = urllib.request.Request(self.base + "/auth/token", body, {"content-type": "application/json"})
        self.token = json.load(urllib.request.urlopen(request))["access_token"]

    def get(self, path: str) -> Any:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token}"})
        return json.load(urllib.request.urlopen(request))

    def tools(self) -> set[str] | None:
        """The agent's tool names as the MCP endpoint lists them (None when it cannot be asked)."""
        headers = {"Authorization": f"Bearer {self.token}", "content-type": "application/json",
                   "accept": "application/json, text/event-stream"}

        def post(body: dict, extra: dict) -> tuple:
            request = urllib.request.Request(self.base + "/mcp", json.dumps(body).encode(), {**headers, **extra})
            response = urllib.request.urlopen(request)
            return response.headers, response.read().decode()

        try:
            got, _ = post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"protocolVersion": "2025-03-26", "capabilities": {},
                                      "clientInfo": {"name": "check_heldout13", "version": "1"}}}, {})
            session = {"mcp-session-id": got["mcp-session-id"]} if got.get("mcp-session-id") else {}
            post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
            _, text = post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, session)
        except (urllib.error.URLError, OSError, KeyError):
            return None
        payloads = [line[5:] for line in text.splitlines() if line.startswith("data:")] or [text]
        return {tool["name"] for payload in payloads for tool in json.loads(payload)["result"]["tools"]}


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
        out += ["hour and a half", "1.5 hour", "ninety min", "one and a half"]
    return out


def job_text(job: dict) -> str:
    parts = [job["site"]["name"], job["site"]["address"], job["site"]["city"], job["customer"]["name"], job["type"],
             " ".join(job["systems"]), job["notes"] or "", *spoken_time(job["scheduled_start"]),
             *duration(job["duration_minutes"])]
    return " | ".join(parts)


def _flat(value: Any, prefix: str = "") -> Any:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, value


def said_number(key: str, value: Any) -> list[str]:
    """A figure as Clara may say it: pounds also in kilograms, inches in centimetres, big numbers grouped."""
    out = [f"{key}: {value}"]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = f"{value:g}"
        out += [f"{number} {unit}" for suffix, unit in (("_gpm", "gpm"), ("_psi", "psi"), ("_btuh", "btu"))
                if key.endswith(suffix)]
        if key.endswith("_lb"):
            kg = value * 0.45359237
            out += [f"{number} lb", f"{number} pound", f"{kg:.1f} kg", f"{round(kg)} kg"]
        if key.startswith("dimensions_in") or key.endswith("_in"):
            cm = value * 2.54
            out += [f"{number} in", f"{cm:.1f} cm", f"{round(cm)} cm", f"{round(cm * 10)} mm", f"{cm / 100:.2f} m"]
        if value >= 10000 and float(value).is_integer():
            whole = int(value)
            out += [f"{whole:,}", f"{whole // 1000}k", f"{whole // 1000} thousand", f"{whole // 1000} mbh"]
    return out


def spec_text(ref: str) -> str:
    model, _, field = ref.partition("/")
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                pairs = [(key, value) for key, value in _flat(entry) if not field or key == field]
                if not pairs:
                    raise SystemExit(f"no field {field} in the {model} specification")
                return " | ".join([model] + [said for key, value in pairs for said in said_number(key, value)])
    raise SystemExit(f"no specification for {model}")


def knowledge_text(ref: str) -> str:
    name, heading = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.strip() == heading or title.startswith(heading + " "):
            return title + " " + body
    raise SystemExit(f"no section {heading!r} in {name}")


class Day:
    """What the API serves one technician today: the jobs, each site's units, the customers."""

    def __init__(self, base: str, email: str) -> None:
        api = Api(base, email)
        self.jobs = sorted(api.get("/jobs")["jobs"], key=lambda job: job["scheduled_start"])
        self.details = {job["site"]["name"]: api.get(f"/jobs/{job['id']}") for job in self.jobs}
        self.customers = {}
        for detail in self.details.values():
            customer = api.get(f"/clara-server/crm/customers/{detail['customer']['id']}")
            self.customers[customer["name"]] = customer
        self.coordinates = {job["site"]["name"]: (job["site"]["latitude"], job["site"]["longitude"])
                            for job in self.jobs}
        self.statuses = {job["site"]["name"]: job["status"] for job in self.jobs}

    def site(self, name: str) -> str:
        if name not in self.details:
            raise SystemExit(f"no job today at {name}")
        return name

    def units(self, site: str) -> list[dict]:
        return self.details[self.site(site)]["equipment"]

    def render(self, source: str, records: list[dict]) -> str:
        kind, _, arg = source.partition(":")
        if kind == "jobs":
            count = f"{len(self.jobs)} jobs, {NUMBERS[len(self.jobs)]} jobs"
            return " || ".join([count] + [job_text(job) for job in self.jobs])
        if kind == "job":
            return job_text(self.jobs[{"first": 0, "last": -1}[arg]])
        if kind == "after":
            names = [job["site"]["name"] for job in self.jobs]
            index = names.index(self.site(arg)) + 1
            if index >= len(names):
                raise SystemExit(f"no job after {arg}")
            return job_text(self.jobs[index])
        if kind == "site":
            return job_text(self.details[self.site(arg)])
        if kind == "customer":
            customer = self.customers[arg]
            return json.dumps({k: customer[k] for k in ("name", "contacts", "special_requirements")})
        if kind == "contact":
            detail = self.details[self.site(arg)]
            contacts = self.customers[detail["customer"]["name"]]["contacts"]
            own = [c for c in contacts if c["site_id"] == detail["site"]["id"]] or [c for c in contacts
                                                                                   if c["is_primary"]]
            return json.dumps(own)
        if kind in ("equipment", "overdue"):
            return " || ".join(json.dumps(u) for u in self.units(arg) if kind == "equipment" or u["overdue"])
        if kind == "unit":
            site, _, model = arg.partition("/")
            unit = next((u for u in self.units(site) if u["model"] == model), None)
            if unit is None:
                raise SystemExit(f"no {model} at {site}")
            return json.dumps(unit)
        if kind == "spec":
            return spec_text(arg)
        if kind == "knowledge":
            return knowledge_text(arg)
        if kind == "records":
            return " || ".join(self.record_text(record) for record in records)
        raise SystemExit(f"unknown source {source}")

    def record_text(self, record: dict) -> str:
        site = next(name for name in self.details if record["site"].lower() in name.lower())
        unit = next((u for u in self.units(site) if u["model"] == record["model"]), {})
        words = [" ".join(group) for group in description_groups(record)]
        return " | ".join([site, record["model"], unit.get("type", ""), unit.get("location", ""),
                           unit.get("manufacturer", ""), SEVERITIES.get(record["severity"], ""), *words])


def description_groups(record: dict) -> list[list[str]]:
    """The record's description words as the harness reads them: a flat list is alternatives, a list of lists wants
    one alternative of each."""
    words = record.get("description", [])
    return [[w] if isinstance(w, str) else w for w in words] if any(isinstance(w, list) for w in words) \
        else ([words] if words else [])


def dated(text: str) -> str | None:
    found = DATED.search(text.lower())
    return found.group(0) if found else None


def check_turn(day: Day, where: str, turn: dict, records: list[dict], tools: set[str] | None) -> list[str]:
    problems = []
    for text in [turn["say"]] + [alt for group in turn.get("contains", []) for alt in group]:
        if (found := dated(text)) is not None:
            problems.append(f"{where} names a day ({found!r} in {text!r}): the set must not depend on the date")
    if tools is not None and turn.get("tool") is not None and turn["tool"] not in tools:
        problems.append(f"{where} expects tool {turn['tool']}, which Clara does not have")
    if turn.get("contains") and "source" not in turn and turn.get("tool") != "set_preferences":
        problems.append(f"{where} expects facts without a source")
    if "source" not in turn:
        return problems
    text = " ".join(turn["say"] if s == "said" else day.render(s, records) for s in turn["source"].split("+"))
    text = text.lower()
    for group in turn.get("contains", []):
        if not any(alt.lower() in text for alt in group):
            problems.append(f"{where} {turn['say']!r}: none of {group} in {turn['source']}")
    for word in turn.get("not_contains", []):
        if word.lower() in text:
            problems.append(f"{where} {turn['say']!r}: forbidden {word!r} is in {turn['source']}")
    return problems


def check_conversation(day: Day, conversation: dict, tools: set[str] | None) -> tuple[int, list[str]]:
    name = conversation["name"][:6]
    records = conversation.get("records", [])
    problems: list[str] = []
    here = None
    stood: set[str] = set()
    drafted: dict[tuple[str, str], str] = {}  # (site, model) -> the severity last drafted for it
    said: list[str] = []
    turns = saves = 0
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
        problems += check_turn(day, f"{name} #{index}", turn, records, tools)
        saves += turn.get("saved") == "deficiency"
        draft = turn.get("draft") or {}
        if draft.get("severity") and draft["severity"] not in SEVERITIES:
            problems.append(f"{name} #{index} severity {draft['severity']}")
        if "equipment" in draft:
            if here is None or draft["equipment"] not in {u["model"] for u in day.units(here)}:
                problems.append(f"{name} #{index} no {draft['equipment']} where the technician stands ({here})")
            else:
                drafted[(here, draft["equipment"])] = draft.get("severity", drafted.get((here, draft["equipment"])))
    if saves != len(records):
        problems.append(f"{name} {saves} deficiencies saved, {len(records)} records expected")
    for record in records:
        site = next((s for s in stood if record["site"].lower() in s.lower()), None)
        if site is None:
            problems.append(f"{name} record site {record['site']} is not where the technician stood")
        elif record["model"] not in {u["model"] for u in day.units(site)}:
            problems.append(f"{name} record {record['model']} is not at {site}")
        elif (site, record["model"]) not in drafted:
            problems.append(f"{name} record {record['model']} was never drafted at {site}")
        elif drafted[(site, record["model"])] not in (None, record["severity"]):
            problems.append(f"{name} record severity {record['severity']}, last drafted "
                            f"{drafted[(site, record['model'])]}")
        if record["severity"] not in SEVERITIES:
            problems.append(f"{name} record severity {record['severity']}")
        for options in description_groups(record):
            if not any(option.lower() in " ".join(said) for option in options):
                problems.append(f"{name} record description {options} is nothing the technician said")
    return turns, problems + check_statuses(day, name, conversation)


def check_statuses(day: Day, name: str, conversation: dict) -> list[str]:
    """Each saved status is a step forward PATCH /jobs/{id} allows; the expected end is where the saves leave it."""
    problems = []
    now = dict(day.statuses)
    for index, turn in enumerate(conversation["turns"]):
        saved = turn.get("status_saved", {})
        if (turn.get("saved") == "job_status") != bool(saved):
            problems.append(f"{name} #{index} a saved job status needs its status_saved, and they need a save")
        for site, status in saved.items():
            before = now.get(site)
            if before not in FORWARD or status not in FORWARD or FORWARD.index(status) <= FORWARD.index(before):
                problems.append(f"{name} #{index} saved {site}={status} from {before}: not a step forward (this set "
                                "asks for no undo, the only step back the API allows)")
                continue
            now[site] = status
    expected = conversation.get("statuses", {})
    if (expected or any("status_saved" in t for t in conversation["turns"])) \
            and conversation.get("technician", DEMO) != DEMO:
        problems.append(f"{name} statuses are read for the demo day (Maria's) only")
    for site, status in now.items():
        if status != day.statuses[site] and expected.get(site) != status:
            problems.append(f"{name} {site} ends {status} but statuses do not say so")
    for site, status in expected.items():
        if now.get(site) != status:
            problems.append(f"{name} statuses {site}={status}, the saves leave it {now.get(site)}")
    return problems


def _turn(conversations: list[dict], prefix: str, say: str) -> dict:
    conversation = next(c for c in conversations if c["name"].startswith(prefix))
    return next(t for t in conversation["turns"] if t.get("say", "").startswith(say))


def _conversation(conversations: list[dict], prefix: str) -> dict:
    return next(c for c in conversations if c["name"].startswith(prefix))


# Wrong expectations, put in one at a time by --plant: each must be reported.
PLANTS: dict[str, Callable[[list[dict]], None]] = {
    "a 45 A max breaker for the 48TCDA08 (50)": lambda s: _turn(s, "c13-13", "and its max").update(
        contains=[["45"]]),
    "Kaiser's Oakland contact at Geary Blvd (Pat Brown)": lambda s: _turn(s, "c13-25", "Please do").update(
        contains=[["Jordan Nguyen"]]),
    "the job after the Ferry Building at 3:00 (1:30)": lambda s: _turn(s, "c13-01", "and after").update(
        contains=[["3:00", "three o'clock"]]),
    "a weekday named in a turn": lambda s: _turn(s, "c13-23", "cheers").update(say="cheers, see you monday"),
    "a date expected in a reply": lambda s: _turn(s, "c13-17", "whats overdue here").update(
        contains=[["October 12", "AEF1000"]]),
    "a fire pump drafted at Chase Center (none there)": lambda s: _turn(
        s, "c13-20", "the k extinguisher").update(draft={"equipment": "AEF1000-125", "severity": "suggested"}),
    "a record saved as deficient after 'go back to high'": lambda s: _conversation(s, "c13-08")["records"][0].update(
        severity="deficient"),
    "a record description never said": lambda s: _conversation(s, "c13-07")["records"][0].update(
        description=["corroded"]),
    "the Ferry Building put back to scheduled": lambda s: _turn(s, "c13-21", "yep").update(
        status_saved={"Ferry Building": "scheduled"}),
    "an overdue unit forbidden at the plant": lambda s: _turn(s, "c13-17", "and at my last").update(
        not_contains=["AV-1-300"]),
    "a severity the API does not know": lambda s: _conversation(s, "c13-19")["records"][0].update(severity="high"),
    "a declined write-up expected stored": lambda s: _conversation(s, "c13-09")["records"].append(
        {"site": "Oakland Arena", "model": "957-4", "severity": "suggested", "description": ["relief"]}),
    "the clean agent loss limit at 15 percent (5)": lambda s: _turn(s, "c13-15", "and how much").update(
        contains=[["15 percent", "fifteen percent"]]),
}


def run(base: str, conversations: list[dict]) -> tuple[int, list[str]]:
    days: dict[str, Day] = {}
    tools = Api(base, DEMO).tools()
    problems = [] if tools is not None else ["the MCP endpoint did not list the tools: tool names unchecked"]
    if len({c["name"][:6] for c in conversations}) != len(conversations):
        problems.append("two conversations share a number")
    turns = 0
    for conversation in conversations:
        email = conversation.get("technician", DEMO)
        if email not in days:
            days[email] = Day(base, email)
        try:
            count, found = check_conversation(days[email], conversation, tools)
        except SystemExit as exc:  # a source that names nothing real
            count, found = 0, [f"{conversation['name'][:6]}: {exc}"]
        turns += count
        problems += found
    if not 28 <= len(conversations) <= 32 or not 110 <= turns <= 130:
        problems.append(f"{len(conversations)} conversations and {turns} turns, wanted about 30 and 110 to 130")
    return turns, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="a Clara seeded today, e.g. http://127.0.0.1:8000")
    parser.add_argument("--set", type=Path, default=SET, help="the set to check")
    parser.add_argument("--plant", help="'all', or one planted error's number: check that it is reported")
    args = parser.parse_args()
    conversations = json.loads(args.set.read_text())
    if args.plant:
        chosen = list(PLANTS.items()) if args.plant == "all" else [list(PLANTS.items())[int(args.plant)]]
        caught = 0
        for label, plant in chosen:
            planted = copy.deepcopy(conversations)
            plant(planted)
            _, problems = run(args.api, planted)
            caught += bool(problems)
            print(f"{'caught' if problems else 'MISSED'}: {label}" + (f" -> {problems[0]}" if problems else ""))
        print(f"heldout13 plants: {caught} of {len(chosen)} caught")
        return 0 if caught == len(chosen) else 1
    turns, problems = run(args.api, conversations)
    for problem in problems:
        print(problem)
    print(f"heldout13: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
