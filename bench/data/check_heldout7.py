"""Check heldout7's expectations against the seeded demo data and the shipped corpus, not against Clara.

Every turn of bench/data/conversations_heldout7.json that expects facts names where they come from in `source`
(the harness ignores the key): `jobs:today`, `jobs:tomorrow`, `customer:<name>`, `site:<name>`,
`equipment:<site>`, `spec:<model>`, `knowledge:<file>#<heading>`, `travel` or `said` (the technician's own
words, read back), several joined by `+`. This
script renders those sources as text (times also as "7:30", durations as minutes and hours, dates as
"December 16", pounds also as kilograms) and reports each `contains` entry none of whose alternatives the text
holds. It also checks that drafted and recorded units exist at the site the conversation stands at (or names),
that severities and job statuses are ones the API knows, and that `statuses` name today's sites.

The demo data comes over the HTTP API of a running Clara seeded today (the seed is deterministic, relative to
today), so this reads nothing under clara/:

    python bench/data/check_heldout7.py --api http://127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "bench" / "data" / "conversations_heldout7.json"
SEVERITIES = {"inoperable", "deficient", "suggested"}
STATUSES = {"scheduled", "en_route", "in_progress", "completed", "cancelled"}
NUMBERS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}


class Api:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        body = json.dumps({"email": "maria.lopez@clara.dev", "password": "clara-demo-2026"}).encode()
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
        out.append(f"{minutes // 60} hour")
        out.append(f"{NUMBERS[minutes // 60]} hour")
    if minutes == 90:
        out += ["hour and a half", "1.5 hour", "ninety min"]
    return out


def dates(day: str) -> list[str]:
    value = dt.date.fromisoformat(day)
    return [day, f"{value:%B} {value.day}", f"{value:%b} {value.day}", f"{value.month}/{value.day}"]


def job_text(job: dict) -> str:
    parts = [job["site"]["name"], job["site"]["address"], job["site"]["city"], job["customer"]["name"], job["type"],
             " ".join(job["systems"]), job["notes"] or "", *spoken_time(job["scheduled_start"]),
             *duration(job["duration_minutes"])]
    return " | ".join(parts)


def spec_text(model: str) -> str:
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                text = json.dumps(entry)
                extra = []
                for key, value in _flat(entry):
                    if key.endswith("_lb") and isinstance(value, (int, float)):
                        extra += [f"{value} lb", f"{value} pound", f"{value * 0.45359237:.1f} kg"]
                    if key.startswith("fla_") and isinstance(value, (int, float)):
                        extra.append(f"{value} at {key[4:]}")
                return text + " | " + " | ".join(extra)
    raise SystemExit(f"no specification for {model}")


def _flat(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, key)
    else:
        yield prefix, value


def knowledge_text(ref: str) -> str:
    name, heading = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.strip() == heading or title.startswith(heading + " "):
            return title + " " + body
    raise SystemExit(f"no section {heading!r} in {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="a Clara seeded today, e.g. http://127.0.0.1:8000")
    args = parser.parse_args()
    api = Api(args.api)
    today = api.get("/jobs")["jobs"]
    tomorrow_day = (dt.date.fromisoformat(today[0]["scheduled_start"][:10]) + dt.timedelta(days=1)).isoformat()
    tomorrow = api.get(f"/jobs?date={tomorrow_day}")["jobs"]
    details = {job["site"]["name"]: api.get(f"/jobs/{job['id']}") for job in today + tomorrow}
    customers = {}
    for job in today + tomorrow:
        customer = api.get(f"/clara-server/crm/customers/{job['customer']['id']}")
        customers[customer["name"]] = customer
    coordinates = {name: (d["site"]["latitude"], d["site"]["longitude"]) for name, d in details.items()}

    def render(source: str) -> str:
        kind, _, arg = source.partition(":")
        if kind == "jobs":
            jobs = today if arg == "today" else tomorrow
            return " || ".join(job_text(job) for job in jobs)
        if kind == "site":
            return job_text(details[arg])
        if kind == "customer":
            customer = customers[arg]
            return json.dumps({k: customer[k] for k in ("name", "contacts", "special_requirements", "sites")})
        if kind == "equipment":
            rows = []
            for unit in details[arg]["equipment"]:
                rows.append(json.dumps(unit) + " " + " ".join(dates(unit["next_inspection_due"]))
                            + " " + " ".join(dates(unit["last_inspected"])))
            return " || ".join(rows)
        if kind == "spec":
            return spec_text(arg)
        if kind == "knowledge":
            return knowledge_text(arg)
        if kind == "travel":
            return "minutes km miles"
        raise SystemExit(f"unknown source {source}")

    problems = []
    conversations = json.loads(SET.read_text())
    turns = 0
    for conversation in conversations:
        name = conversation["name"][:5]
        here = None
        equipment_seen = set()
        for index, turn in enumerate(conversation["turns"]):
            if "location" in turn:
                point = tuple(turn["location"])
                here = next((site for site, xy in coordinates.items() if xy == point), None)
                if here is None:
                    problems.append(f"{name} location {point} is no site")
                continue
            turns += 1
            if turn.get("contains") and "source" not in turn and turn.get("tool") != "set_preferences":
                problems.append(f"{name} #{index} expects facts without a source")
            if "source" in turn:
                text = " ".join(turn["say"] if s == "said" else render(s) for s in turn["source"].split("+")).lower()
                for group in turn.get("contains", []):
                    if not any(alt.lower() in text for alt in group):
                        problems.append(f"{name} #{index} {turn['say']!r}: none of {group} in {turn['source']}")
            draft = turn.get("draft") or {}
            if draft.get("severity") and draft["severity"] not in SEVERITIES:
                problems.append(f"{name} #{index} severity {draft['severity']}")
            if "equipment" in draft:
                if here is None:
                    problems.append(f"{name} #{index} a unit drafted with no site to stand at")
                elif draft["equipment"] not in {u["model"] for u in details[here]["equipment"]}:
                    problems.append(f"{name} #{index} no {draft['equipment']} at {here}")
                equipment_seen.add(draft["equipment"])
        for record in conversation.get("records", []):
            site = next((s for s in details if record["site"].lower() in s.lower()), None)
            if site is None or site not in {job["site"]["name"] for job in today}:
                problems.append(f"{name} record site {record['site']} is not one of today's")
            elif record["model"] not in {u["model"] for u in details[site]["equipment"]}:
                problems.append(f"{name} record {record['model']} is not at {site}")
            if record["severity"] not in SEVERITIES:
                problems.append(f"{name} record severity {record['severity']}")
            if record["model"] not in equipment_seen:
                problems.append(f"{name} record {record['model']} was never drafted")
        for site, status in conversation.get("statuses", {}).items():
            if site not in {job["site"]["name"] for job in today} or status not in STATUSES:
                problems.append(f"{name} status {site}={status}")
    for problem in problems:
        print(problem)
    print(f"heldout7: {len(conversations)} conversations, {turns} turns, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
