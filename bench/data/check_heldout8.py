"""Check heldout8's expectations against the seeded demo data and the shipped corpus, not against Clara.

Every turn of bench/data/conversations_heldout8.json that expects facts names where they come from in `source`
(the harness ignores the key), several joined by `+`:

- `jobs:today`, `jobs:tomorrow`: the day of the conversation's technician (its `technician`, else Maria Lopez);
- `job:today#2` (the second by start time, `#-1` the last), `job:today@10:00` (the one starting then),
  `job:today>=12:00` (the first starting at or after then, "after lunch");
- `contact:<site>` (the site's own contact, else the customer's primary), `rules:<site>` (special requirements and
  access notes), `equipment:<site>`, `overdue:<site>` (only the units the API flags overdue);
- `spec:<model>` or `spec:<model>/<field.path>` (one field of data/specifications: a wrong figure of the same
  sheet does not pass), with `@<site>` when the unit was named by kind and place (the site must have that model),
  `knowledge:<file>#<heading>` (data/knowledge), `said` (the technician's own words).

Each source is rendered as text (times also as "7:30" and "seven thirty", a job's end time too, durations as
minutes and hours, dates as "October 8" and "10/8", pounds also as kilograms, inches as "4 inch") and every
`contains` group must have an alternative the text holds; every `not_contains` entry must be absent from it (it
is a wrong answer, not merely a different one). It also checks that each location is a site, that drafted and
recorded units exist at the site the conversation stands at, that severities, statuses and tool names are ones the
API knows (tools as the MCP endpoint lists them), that records are at the technician's sites today, that the
`statuses` the harness checks are the demo day's (Maria's), and that the set has 30 conversations and 105+ turns.

The demo data comes over the HTTP API of a running Clara seeded today (the seed is deterministic, relative to
today), so this reads nothing under clara/:

    python bench/data/check_heldout8.py --api http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "bench" / "data" / "conversations_heldout8.json"
DEMO_TECHNICIAN = "maria.lopez@clara.dev"
TECHNICIANS = {DEMO_TECHNICIAN, "james.chen@clara.dev", "priya.patel@clara.dev", "devon.wright@clara.dev"}
PASSWORD = "clara-demo-2026"
SEVERITIES = {"inoperable", "deficient", "suggested"}
STATUSES = {"scheduled", "en_route", "in_progress", "completed", "cancelled"}
WORDS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
         9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


class Api:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.tokens: dict[str, str] = {}

    def token(self, email: str) -> str:
        if email not in self.tokens:
            body = json.dumps({"email": email, "password": PASSWORD}).encode()
            for attempt in range(10):  # logins are rate limited per IP
                try:
                    request = urllib.request.Request(self.base + "/auth/token", body,
                                                     {"content-type": "application/json"})
                    self.tokens[email] = json.load(urllib.request.urlopen(request))["access_token"]
                    break
                except urllib.error.HTTPError as exc:
                    if exc.code != 429 or attempt == 9:
                        raise
                    time.sleep(float(exc.headers.get("Retry-After") or 5))
        return self.tokens[email]

    def get(self, path: str, email: str = DEMO_TECHNICIAN) -> dict:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token(email)}"})
        return json.load(urllib.request.urlopen(request))

    def tools(self) -> set[str] | None:
        """The agent's tool names as the MCP endpoint lists them (None when it cannot be asked)."""
        headers = {"Authorization": f"Bearer {self.token(DEMO_TECHNICIAN)}", "content-type": "application/json",
                   "accept": "application/json, text/event-stream"}

        def post(body: dict, extra: dict) -> tuple:
            request = urllib.request.Request(self.base + "/mcp", json.dumps(body).encode(), {**headers, **extra})
            response = urllib.request.urlopen(request)
            return response.headers, response.read().decode()

        try:
            got, _ = post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"protocolVersion": "2025-03-26", "capabilities": {},
                                      "clientInfo": {"name": "check_heldout8", "version": "1"}}}, {})
            session = {"mcp-session-id": got["mcp-session-id"]} if got.get("mcp-session-id") else {}
            post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
            _, text = post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, session)
        except (urllib.error.URLError, OSError, KeyError):
            return None
        payloads = [line[5:] for line in text.splitlines() if line.startswith("data:")] or [text]
        return {tool["name"] for payload in payloads for tool in json.loads(payload)["result"]["tools"]}


def spoken_time(moment: dt.datetime) -> list[str]:
    hour12 = moment.hour % 12 or 12
    words = WORDS[hour12] + (" thirty" if moment.minute == 30 else " o'clock")
    suffix = "am" if moment.hour < 12 else "pm"
    return [f"{hour12}:{moment.minute:02d}", f"{moment.hour}:{moment.minute:02d}", words,
            f"{hour12} {suffix}", f"{hour12}{suffix}", f"{WORDS[hour12]} {suffix}", f"{hour12} o'clock"]


def duration(minutes: int) -> list[str]:
    out = [f"{minutes} min"]
    if minutes % 60 == 0:
        hours = minutes // 60
        out += [f"{hours} hour", f"{WORDS[hours]} hour", f"{hours} hr", f"{hours}h"]
    if minutes == 90:
        out += ["hour and a half", "1.5 hour", "ninety min"]
    return out


def dates(day: str) -> list[str]:
    value = dt.date.fromisoformat(day)
    return [day, f"{value:%B} {value.day}", f"{value:%b} {value.day}", f"{value:%b}. {value.day}",
            f"{value.month}/{value.day}", f"{value.day} {value:%B}"]


def job_text(job: dict) -> str:
    start = dt.datetime.fromisoformat(job["scheduled_start"])
    end = start + dt.timedelta(minutes=job["duration_minutes"])
    parts = [job["site"]["name"], job["site"]["address"], job["site"]["city"], job["customer"]["name"], job["type"],
             " ".join(job["systems"]), job["notes"] or "", *spoken_time(start), "ends", *spoken_time(end),
             *duration(job["duration_minutes"])]
    return " | ".join(parts)


def value_text(key: str, value) -> list[str]:
    """A spec value as a technician may hear it."""
    if isinstance(value, (dict, list)):
        return [json.dumps(value)]
    if isinstance(value, str):
        return [value]
    out = [str(value)]
    if isinstance(value, float) and value.is_integer():
        out.append(str(int(value)))
    if isinstance(value, (int, float)):
        out.append(f"{value:,}")
        if float(value).is_integer() and 0 < value <= 12:
            out.append(WORDS[int(value)])
    if key.endswith("_lb"):
        kg = value * 0.45359237
        out += [f"{value} lb", f"{value} pound", f"{kg:.1f} kg", f"{kg:.0f} kg", f"{kg:.0f}", f"{kg:.1f}"]
    if key.endswith("_in"):
        out += [f"{value} in", f"{value} inch", f"{value}-inch", f"{value}-in", f'{value}"']
        if float(value).is_integer() and 0 < value <= 12:
            out.append(f"{WORDS[int(value)]} inch")
    return out


def spec_entry(model: str) -> dict:
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                return entry
    raise SystemExit(f"no specification for {model}")


def spec_text(ref: str) -> str:
    model, _, field = ref.partition("/")
    entry = spec_entry(model)
    if not field:
        return json.dumps(entry)
    value = entry
    for key in field.split("."):
        if key not in value:
            raise SystemExit(f"no field {field} in the specification of {model}")
        value = value[key]
    return " | ".join(value_text(field.rsplit(".", 1)[-1], value))


def knowledge_text(ref: str) -> str:
    name, heading = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.strip() == heading or title.startswith(heading + " "):
            return title + " " + body
    raise SystemExit(f"no section {heading!r} in {name}")


def unit_text(unit: dict) -> str:
    return json.dumps(unit) + " " + " ".join(dates(unit["next_inspection_due"]) + dates(unit["last_inspected"]))


class Day:
    """One technician's jobs today and tomorrow, with each job's detail and customer."""

    def __init__(self, api: Api, email: str) -> None:
        self.today = api.get("/jobs", email)["jobs"]
        tomorrow = (dt.date.fromisoformat(self.today[0]["scheduled_start"][:10]) + dt.timedelta(days=1)).isoformat()
        self.tomorrow = api.get(f"/jobs?date={tomorrow}", email)["jobs"]
        self.details = {job["site"]["name"]: api.get(f"/jobs/{job['id']}", email) for job in self.tomorrow + self.today}
        self.customers = {name: api.get(f"/clara-server/crm/customers/{d['customer']['id']}", email)
                          for name, d in self.details.items()}

    def job(self, ref: str) -> dict:
        mark = next((token for token in ("#", ">=", "@") if token in ref), None)
        if mark is None:
            raise SystemExit(f"job:{ref} names no job")
        day, _, arg = ref.partition(mark)
        jobs = sorted(self.today if day == "today" else self.tomorrow, key=lambda j: j["scheduled_start"])
        if mark == "#":
            return jobs[int(arg) - 1 if int(arg) > 0 else int(arg)]
        hour, minute = (int(x) for x in arg.split(":"))
        starts = [(dt.datetime.fromisoformat(j["scheduled_start"]), j) for j in jobs]
        if mark == "@":
            found = [j for start, j in starts if (start.hour, start.minute) == (hour, minute)]
        else:
            found = [j for start, j in starts if (start.hour, start.minute) >= (hour, minute)]
        if not found:
            raise SystemExit(f"no job {ref}")
        return found[0]

    def contact(self, site: str) -> dict:
        detail = self.details[site]
        contacts = self.customers[site]["contacts"]
        own = [c for c in contacts if c.get("site_id") == detail["site"]["id"]]
        return (own or [c for c in contacts if c.get("is_primary")] or contacts)[0]

    def render(self, source: str, said: str) -> str:
        kind, _, arg = source.partition(":")
        if kind == "said":
            return said
        if kind == "jobs":
            return " || ".join(job_text(job) for job in (self.today if arg == "today" else self.tomorrow))
        if kind == "job":
            return job_text(self.job(arg))
        if kind == "spec":
            ref, _, site = arg.partition("@")
            if site and ref.partition("/")[0] not in {u["model"] for u in self.details[site]["equipment"]}:
                raise SystemExit(f"{source}: no {ref.partition('/')[0]} at {site}")
            return spec_text(ref)
        if kind == "knowledge":
            return knowledge_text(arg)
        if arg not in self.details:
            raise SystemExit(f"{source}: {arg} is none of the technician's sites today or tomorrow")
        detail = self.details[arg]
        if kind == "contact":
            return json.dumps(self.contact(arg))
        if kind == "rules":
            return json.dumps({"special_requirements": detail["special_requirements"],
                               "access_notes": detail["access_notes"]})
        if kind == "equipment":
            return " || ".join(unit_text(unit) for unit in detail["equipment"])
        if kind == "overdue":
            return " || ".join(unit_text(unit) for unit in detail["equipment"] if unit["overdue"])
        raise SystemExit(f"unknown source {source}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="a Clara seeded today")
    args = parser.parse_args()
    api = Api(args.api)
    conversations = json.loads(SET.read_text())
    days = {email: Day(api, email) for email in {c.get("technician", DEMO_TECHNICIAN) for c in conversations}}
    coordinates = {}
    for day in days.values():
        for name, detail in day.details.items():
            coordinates[(detail["site"]["latitude"], detail["site"]["longitude"])] = name
    tools = api.tools()
    problems = []
    if tools is None:
        problems.append("the MCP endpoint did not list the tools: tool names unchecked")
    if len(conversations) != 30:
        problems.append(f"{len(conversations)} conversations, wanted 30")
    if len({c["name"][:5] for c in conversations}) != len(conversations):
        problems.append("two conversations share a number")
    turns = 0
    for conversation in conversations:
        name = conversation["name"][:5]
        email = conversation.get("technician", DEMO_TECHNICIAN)
        if email not in TECHNICIANS:
            problems.append(f"{name} technician {email} is no demo login")
            continue
        day = days[email]
        today_sites = {job["site"]["name"] for job in day.today}
        here = None
        drafted = set()
        for index, turn in enumerate(conversation["turns"]):
            if "location" in turn:
                here = coordinates.get(tuple(turn["location"]))
                if here is None:
                    problems.append(f"{name} location {turn['location']} is no site")
                continue
            turns += 1
            where = f"{name} #{index} {turn['say']!r}"
            if tools is not None and turn.get("tool") and turn["tool"] not in tools:
                problems.append(f"{where}: no tool {turn['tool']}")
            if turn.get("contains") and "source" not in turn and turn.get("tool") != "set_preferences":
                problems.append(f"{where}: expects facts without a source")
            if turn.get("not_contains") and "source" not in turn:
                problems.append(f"{where}: forbids words without a source saying they are wrong")
            if "source" in turn:
                text = " ".join(day.render(s, turn["say"]) for s in turn["source"].split("+")).lower()
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
                if here is None:
                    problems.append(f"{where}: a unit drafted with no site to stand at")
                elif draft["equipment"] not in {u["model"] for u in day.details[here]["equipment"]}:
                    problems.append(f"{where}: no {draft['equipment']} at {here}")
                drafted.add(draft["equipment"])
        for record in conversation.get("records", []):
            site = next((s for s in today_sites if record["site"].lower() in s.lower()), None)
            if site is None:
                problems.append(f"{name} record site {record['site']} is not one of {email}'s today")
            elif record["model"] not in {u["model"] for u in day.details[site]["equipment"]}:
                problems.append(f"{name} record {record['model']} is not at {site}")
            if record["severity"] not in SEVERITIES:
                problems.append(f"{name} record severity {record['severity']}")
            if record["model"] not in drafted:
                problems.append(f"{name} record {record['model']} was never drafted")
        for site, status in conversation.get("statuses", {}).items():
            if email != DEMO_TECHNICIAN:
                problems.append(f"{name} statuses are checked for the demo day (Maria's) only")
            if site not in today_sites or status not in STATUSES:
                problems.append(f"{name} status {site}={status}")
    if turns < 105:
        problems.append(f"{turns} turns, wanted at least 105")
    for problem in problems:
        print(problem)
    print(f"heldout8: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
