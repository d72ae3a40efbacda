"""The sources bench/data/check_heldout15.py checks heldout15's expectations against, read from a Clara seeded today
over HTTP and from the shipped specifications and knowledge (nothing under clara/ is read, nothing is written).

A turn's `source` names these, several joined by `+`:

- `jobs:today`: the technician's jobs today, counted (also in words), and per job the site, address, city, customer,
  type, notes, start time also as "7:30" and "seven thirty", booked length also as "90 min" and "an hour and a half";
- `crew:<email>` or `crew:<email>/<site>`: that technician's name and jobs today (or only the one at that site), as a
  dispatcher reads them (`GET /jobs?user_id=`);
- `site:<site>`: the one job at that site (the technician's own today, else a colleague's: a site covered for one);
- `customer:<customer>`: its name, contacts, special requirements; `contact:<site>`: only that site's contacts (the
  customer's primary contact when none is the site's);
- `overdue:<site>`: only the overdue units there; `overdue:<site>/<model>`: that unit, and only if it is overdue;
  `deficiencies:<site>`: the open deficiencies with the unit each is on; `unit:<site>/<model>`: one unit, no dates;
- `count:<site>/<type>`: how many units of that type the site has (also in words) and where each is; `count:<site>/overdue`
  how many are overdue; `oldest:<site>/<type>`: the unit of that type installed first;
- `last:<site>`: the latest completed visit before today (who, what);
- `spec:<model>` or `spec:<model>/<field.path>`: the shipped specification, whole or one field (pounds also as
  kilograms, psi also as bar and kPa, gpm also as litres a minute, small counts also in words, big numbers also grouped
  and as "120k");
- `knowledge:<file>#<heading>`: one section of data/knowledge (inches and feet also in metric, degrees Fahrenheit also
  in Celsius);
- `travel`: a drive time or distance.

"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARIA = "maria.lopez@clara.dev"
DISPATCHER = "dana.okafor@clara.dev"
TECHNICIANS = [MARIA, "james.chen@clara.dev", "priya.patel@clara.dev", "devon.wright@clara.dev"]
PASSWORD = "clara-demo-2026"
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
NUMBERS = {0: "twelve", 1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
           9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
UNITS = {"_gpm": "gpm", "_psi": "psi", "_in": "in", "_btuh": "btu", "_rpm": "rpm"}
LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*(inches|inch|in\.|feet|foot|ft)\b")
FAHRENHEIT = re.compile(r"(\d+(?:\.\d+)?)\s*°F")


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

    def user_id(self) -> int:
        """Whose token this is: the JWT's subject (read, not verified: the server issued it)."""
        payload = self.token.split(".")[1]
        return int(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])

    def tools(self) -> set[str]:
        """The tool names the MCP endpoint lists to this user (a JSON-RPC tools/list after an initialize)."""
        headers = {"Authorization": f"Bearer {self.token}", "content-type": "application/json",
                   "accept": "application/json, text/event-stream"}
        names: set[str] = set()
        for call in ({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "check", "version": "1"}}},
                {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}):
            request = urllib.request.Request(self.base + "/mcp", json.dumps(call).encode(), headers)
            answer = json.load(urllib.request.urlopen(request))
            names |= {tool["name"] for tool in answer.get("result", {}).get("tools", [])}
        return names


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
        out += ["hour and a half", "1.5 hour", "ninety min", "an hour and thirty", "one and a half"]
    return out


def job_text(job: dict) -> str:
    parts = [job["site"]["name"], job["site"]["address"], job["site"].get("city") or "", job["customer"]["name"],
             job["type"], " ".join(job["systems"]), job["notes"] or "", *spoken_time(job["scheduled_start"]),
             *duration(job["duration_minutes"])]
    return " | ".join(parts)


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
        if isinstance(value, int) and 0 <= value < len(WORDS):
            out.append(WORDS[value])
        if key.endswith("_psi"):
            bar, kpa = value * 0.0689476, value * 6.89476
            out += [f"{bar:.1f} bar", f"{bar:.2f} bar", f"{kpa:.1f} kpa", f"{round(kpa)} kpa"]
        if key.endswith("_gpm"):
            litres = value * 3.785411784
            out += [f"{litres:.1f} l/min", f"{round(litres)} l/min", f"{round(litres):,} litres"]
        if key.endswith("_lb"):
            out += [f"{value} lb", f"{value} pound", f"{value * 0.45359237:.1f} kg"]
        if value >= 10000 and float(value).is_integer():
            whole = int(value)
            out += [f"{whole:,}", f"{whole:,}".replace(",", " "), f"{whole // 1000}k", f"{whole // 1000} thousand",
                    f"{whole // 1000} mbh"]
    return out


def spec_text(ref: str) -> str:
    model, _, field = ref.partition("/")
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                pairs = [(k, v) for k, v in _flat(entry) if not field or k == field]
                if not pairs:
                    raise SystemExit(f"no field {field} in the {model} specification")
                return " | ".join([model] + [said for k, v in pairs for said in _said_number(k, v)])
    raise SystemExit(f"no specification for {model}")


def knowledge_text(ref: str) -> str:
    name, heading = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.strip() == heading or title.startswith(heading + " "):
            extra = []
            for number, unit in LENGTH.findall(body):
                metres = float(number) * (0.0254 if unit.startswith("in") else 0.3048)
                extra += [f"{metres * 100:.1f} cm", f"{round(metres * 100)} cm", f"{metres:.2f} m"]
            for number in FAHRENHEIT.findall(body):
                celsius = (float(number) - 32) * 5 / 9
                extra += [f"{celsius:.1f}°C", f"{round(celsius)}°C", f"{round(celsius)} °C", f"{round(celsius)} degrees"]
            return " | ".join([title, body, *extra])
    raise SystemExit(f"no section {heading!r} in {name}")


class Demo:
    """What the API serves each demo technician today: their jobs, and every demo site's units, customer, visits."""

    def __init__(self, base: str) -> None:
        self.today: dict[str, list[dict]] = {}
        self.details: dict[str, dict] = {}  # site name -> a job there today (its own technician's view)
        self.customers: dict[str, dict] = {}
        self.own: dict[tuple[str, str], dict] = {}  # (technician, site) -> that technician's job there today
        api_ids: dict[str, int] = {}
        for email in TECHNICIANS:
            api = Api(base, email)
            api_ids[email] = api.user_id()
            if email == MARIA:
                self.tools = api.tools()
            self.today[email] = api.get("/jobs")["jobs"]
            for job in self.today[email]:
                detail = api.get(f"/jobs/{job['id']}")
                self.own[(email, job["site"]["name"])] = detail
                self.details.setdefault(job["site"]["name"], detail)
                customer = api.get(f"/clara-server/crm/customers/{job['customer']['id']}")
                self.customers[customer["name"]] = customer
        staff = Api(base, DISPATCHER)  # a colleague's day as the crew's dispatcher reads it
        self.crew = {email: staff.get(f"/jobs?user_id={api_ids[email]}")["jobs"] for email in TECHNICIANS}
        self.date = dt.date.fromisoformat(self.today[MARIA][0]["scheduled_start"][:10])
        self.coordinates = {name: (d["site"]["latitude"], d["site"]["longitude"]) for name, d in self.details.items()}

    def units(self, site: str) -> list[dict]:
        return self.details[site]["equipment"]

    def unit(self, site: str, model: str) -> dict:
        found = next((u for u in self.units(site) if u["model"] == model), None)
        if found is None:
            raise SystemExit(f"no {model} at {site}")
        return found

    def render(self, email: str, source: str) -> str:
        kind, _, arg = source.partition(":")
        if kind == "jobs" and arg == "today":
            jobs = self.today[email]
            return " || ".join([f"{len(jobs)} jobs", f"{WORDS[len(jobs)]} jobs"] + [job_text(job) for job in jobs])
        if kind == "crew":
            email, _, site = arg.partition("/")
            name = email.split("@")[0].replace(".", " ").title()
            jobs = [job for job in self.crew[email] if not site or job["site"]["name"] == site]
            if not jobs:
                raise SystemExit(f"{email} has no job at {site} today")
            return " || ".join([name] + [job_text(job) for job in jobs])
        if kind in ("count", "oldest"):
            site, _, kind_of = arg.partition("/")
            units = [u for u in self.units(site) if (u["overdue"] if kind_of == "overdue" else u["type"] == kind_of)]
            if kind == "oldest":
                first = min(units, key=lambda u: u["install_date"])
                return json.dumps({k: first[k] for k in ("manufacturer", "model", "location")})
            noun = "units" if kind_of == "overdue" else kind_of.split()[-1]
            return " | ".join([f"{len(units)} {noun}", f"{len(units)} {kind_of}", WORDS[len(units)]]
                              + [f"{u['model']} ({u['location']})" for u in units])
        if kind == "site":
            return job_text(self.own.get((email, arg)) or self.details[arg])
        if kind == "customer":
            customer = self.customers[arg]
            return json.dumps({k: customer[k] for k in ("name", "contacts", "special_requirements", "sites")})
        if kind == "contact":
            detail = self.details[arg]
            contacts = self.customers[detail["customer"]["name"]]["contacts"]
            own = [c for c in contacts if c["site_id"] == detail["site"]["id"]]
            own = own or [c for c in contacts if c["is_primary"]]
            return json.dumps(own)
        if kind == "overdue":
            site, _, model = arg.partition("/")
            units = [self.unit(site, model)] if model else self.units(site)
            return " || ".join(json.dumps(unit) for unit in units if unit["overdue"])
        if kind == "deficiencies":
            units = {unit["id"]: unit for unit in self.units(arg)}
            return " || ".join(json.dumps([d, units.get(d["equipment_id"])]) for d in self.details[arg]["deficiencies"])
        if kind == "unit":
            site, _, model = arg.partition("/")
            unit = self.unit(site, model)
            return json.dumps({k: unit[k] for k in ("type", "manufacturer", "model", "serial", "location")})
        if kind == "last":
            detail = self.details[arg]
            jobs = self.customers[detail["customer"]["name"]]["recent_jobs"]
            past = sorted((j for j in jobs if j["site_id"] == detail["site"]["id"] and j["status"] == "completed"
                           and dt.date.fromisoformat(j["scheduled_start"][:10]) < self.date),
                          key=lambda j: j["scheduled_start"], reverse=True)
            return " | ".join([past[0]["technician_name"], past[0]["type"], past[0]["notes"] or ""]) if past else ""
        if kind == "spec":
            return spec_text(arg)
        if kind == "knowledge":
            return knowledge_text(arg)
        if kind == "travel":
            return "minutes km miles"
        raise SystemExit(f"unknown source {source}")
