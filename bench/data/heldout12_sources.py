"""The seeded demo data and the shipped corpus as heldout12's checker reads them: each `source` a turn names, rendered
as the text its expectations must come from (bench/data/check_heldout12.py holds the rules; this holds no turns)."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CREW = ["maria.lopez@clara.dev", "james.chen@clara.dev", "priya.patel@clara.dev", "devon.wright@clara.dev"]
PASSWORD = "clara-demo-2026"
SEVERITY_WORDS = {"inoperable": "inoperable out of service critical impaired", "deficient": "deficient needs repair",
                  "suggested": "suggested minor low recommend"}
NUMBERS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
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


def interval_words(days: int) -> str:
    words = {7: "weekly every week once a week 7 days", 30: "30 days 30-day monthly every month once a month",
             90: "90 days quarterly every three months", 180: "180 days every six months semiannual",
             182: "182 days every six months semiannual", 365: "365 days annual annually every year once a year"}
    return words.get(days, f"{days} days")


def unit_text(unit: dict) -> str:
    """A unit as a technician may hear it: no dates (they move with the seed), overdue said only when it is."""
    fields = {k: unit[k] for k in ("type", "manufacturer", "model", "serial", "location", "nfpa_standard")}
    return json.dumps(fields) + " | " + interval_words(unit["inspection_interval_days"]) + \
        (" | overdue past due was due" if unit["overdue"] else " | not overdue")


def _flat(value, prefix=""):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(inner, key)
    else:
        yield prefix, value


def spec_text(ref: str) -> str:
    """A specification, or only the fields named after `@` (comma-separated), so a wrong figure elsewhere in the
    entry cannot pass for the asked one."""
    model, _, wanted = ref.partition("@")
    fields = [field for field in wanted.split(",") if field]
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                pairs = [(k, v) for k, v in _flat(entry) if not fields or k in fields]
                if fields and len(pairs) != len(fields):
                    raise SystemExit(f"{model} lacks one of {fields}")
                extra = []
                for key, value in pairs:
                    if key.endswith("_lb") and isinstance(value, (int, float)):
                        kilograms = value * 0.45359237
                        extra += [f"{value} lb", f"{value} pound", f"{kilograms:.1f} kg", f"{kilograms:.2f} kg"]
                shown = json.dumps(entry) if not fields else " | ".join(f"{model} {k} {v}" for k, v in pairs)
                return shown + " | " + " | ".join(extra)
    raise SystemExit(f"no specification for {model}")


def metric_lengths(text: str) -> str:
    """The section's lengths again in centimetres and metres, for a technician who asks in metric."""
    extra = []
    for number, unit in LENGTH.findall(text):
        metres = float(number) * (0.0254 if unit.startswith("in") else 0.3048)
        extra += [f"{metres * 100:.1f} cm", f"{round(metres * 100)} cm", f"{metres:.2f} m", f"{metres:.1f} m"]
    return " | ".join(extra)


def knowledge_text(ref: str) -> str:
    """A section of a standard, or only its sentences holding the words after `@`."""
    ref, _, focus = ref.partition("@")
    name, heading = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.strip() == heading or title.startswith(heading + " "):
            if focus:
                body = " ".join(sentence for sentence in re.split(r"(?<=\.)\s+", body) if focus in sentence)
                if not body:
                    raise SystemExit(f"no sentence with {focus!r} in {ref}")
                return body + " | " + metric_lengths(body)
            return title + " " + body + " | " + metric_lengths(body)
    raise SystemExit(f"no section {heading!r} in {name}")


class Day:
    """What the API serves one technician: today's and tomorrow's jobs, their sites' units, deficiencies, customers."""

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


class Staff:
    """A dispatcher's or admin's login: no day of their own, the crew's days to ask about."""

    today: list[dict] = []
    tomorrow: list[dict] = []
    details: dict[str, dict] = {}
    customers: dict[str, dict] = {}
    coordinates: dict[str, tuple] = {}
    statuses: dict[str, str] = {}


class World:
    """The signed-in user's day, and the crew's (a site's facts are the same whoever asks about it)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.crew = {email: Day(base, email) for email in CREW}

    def day(self, email: str) -> Day | Staff:
        return self.crew.get(email) or Staff()

    def detail(self, site: str) -> dict:
        for day in self.crew.values():
            if site in day.details:
                return day.details[site]
        raise SystemExit(f"no crew job at {site}")

    def customer(self, name: str) -> dict:
        for day in self.crew.values():
            if name in day.customers:
                return day.customers[name]
        raise SystemExit(f"no crew customer {name}")

    def units(self, site: str) -> list[dict]:
        return self.detail(site)["equipment"]

    def render(self, day: Day | Staff, source: str, here: str | None) -> str:
        kind, _, arg = source.partition(":")
        if kind == "jobs":
            return day_text(day.today if arg == "today" else day.tomorrow)
        if kind == "crew":
            return day_text(self.crew[arg].today)
        if kind in ("first", "last"):  # of today's or tomorrow's jobs, or a crew member's today
            jobs = day.today if arg == "today" else day.tomorrow if arg == "tomorrow" else self.crew[arg].today
            ordered = sorted(jobs, key=lambda job: job["scheduled_start"])
            return job_text(ordered[0] if kind == "first" else ordered[-1])
        if kind in ("after", "before"):  # the job next to a named one on today's list
            ordered = sorted(day.today, key=lambda job: job["scheduled_start"])
            index = next(i for i, job in enumerate(ordered) if job["site"]["name"] == arg)
            neighbour = index + 1 if kind == "after" else index - 1
            return job_text(ordered[neighbour]) if 0 <= neighbour < len(ordered) else "(none)"
        if kind == "site":
            return job_text(self.detail(arg))
        if kind == "customer":
            customer = self.customer(arg)
            return json.dumps({k: customer[k] for k in ("name", "contacts", "special_requirements", "sites")})
        if kind == "contact":
            detail = self.detail(arg)
            contacts = self.customer(detail["customer"]["name"])["contacts"]
            own = [c for c in contacts if c["site_id"] == detail["site"]["id"]] or [c for c in contacts
                                                                                   if c["is_primary"]]
            return json.dumps(own)
        if kind == "equipment":
            return " || ".join(unit_text(unit) for unit in self.units(arg))
        if kind == "overdue":
            return " || ".join(unit_text(unit) for unit in self.units(arg) if unit["overdue"])
        if kind == "deficiencies":
            units = {u["id"]: u for u in self.units(arg)}
            return " || ".join(f"{d['description']} | {SEVERITY_WORDS[d['severity']]} | "
                               + (unit_text(units[d["equipment_id"]]) if d["equipment_id"] in units else "")
                               for d in self.detail(arg)["deficiencies"])
        if kind == "serial":
            if here is None:
                raise SystemExit(f"serial {arg} asked with no site to stand at")
            found = [u for u in self.units(here) if u["serial"] == arg]
            return unit_text(found[0]) if found else f"(no unit {arg} at {here})"
        if kind == "spec":
            return spec_text(arg)
        if kind == "knowledge":
            return knowledge_text(arg)
        if kind == "travel":
            return "minutes km miles"
        raise SystemExit(f"unknown source {source}")
