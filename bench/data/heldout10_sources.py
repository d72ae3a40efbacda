"""What each `source` of heldout10 says, read from a Clara seeded today over its HTTP API and from the shipped corpus.

A source is rendered as text with the figures a technician may hear: times as "7:30" and "seven thirty", durations
in minutes and hours, phone numbers as digits spoken, pounds also in kilograms, inches in centimetres, millimetres
and metres, feet in metres, psi in bar and kPa, gallons a minute in litres, degrees F in C (never a rounding that
would make a wrong figure right: 15 ft is not "5 m"). bench/data/check_heldout10.py holds each expectation to it.
Nothing here reads clara/.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = "maria.lopez@clara.dev"
PASSWORD = "clara-demo-2026"
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


class Api:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.tokens: dict[str, str] = {}

    def token(self, email: str) -> str:
        if email not in self.tokens:
            body = json.dumps({"email": email, "password": PASSWORD}).encode()
            for attempt in range(20):  # logins are rate limited per IP
                try:
                    request = urllib.request.Request(self.base + "/auth/token", body,
                                                     {"content-type": "application/json"})
                    self.tokens[email] = json.load(urllib.request.urlopen(request))["access_token"]
                    break
                except urllib.error.HTTPError as exc:
                    if exc.code != 429 or attempt == 19:
                        raise
                    time.sleep(float(exc.headers.get("Retry-After") or 5))
        return self.tokens[email]

    def user_id(self, email: str) -> int:
        claims = self.token(email).split(".")[1]
        return int(json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"])

    def get(self, path: str, email: str) -> dict:
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {self.token(email)}"})
        for attempt in range(20):  # so is every user's API budget
            try:
                return json.load(urllib.request.urlopen(request))
            except urllib.error.HTTPError as exc:
                if exc.code != 429 or attempt == 19:
                    raise
                time.sleep(float(exc.headers.get("Retry-After") or 5))
        raise AssertionError("unreachable")

    def tools(self) -> set[str] | None:
        """The agent's tool names as the MCP endpoint lists them (None when it cannot be asked)."""
        headers = {"Authorization": f"Bearer {self.token(DEMO)}", "content-type": "application/json",
                   "accept": "application/json, text/event-stream"}

        def post(body: dict, extra: dict) -> tuple:
            request = urllib.request.Request(self.base + "/mcp", json.dumps(body).encode(), {**headers, **extra})
            response = urllib.request.urlopen(request)
            return response.headers, response.read().decode()

        try:
            got, _ = post({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                           "params": {"protocolVersion": "2025-03-26", "capabilities": {},
                                      "clientInfo": {"name": "check_heldout10", "version": "1"}}}, {})
            session = {"mcp-session-id": got["mcp-session-id"]} if got.get("mcp-session-id") else {}
            post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
            _, text = post({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}, session)
        except (urllib.error.URLError, OSError, KeyError):
            return None
        payloads = [line[5:] for line in text.splitlines() if line.startswith("data:")] or [text]
        return {tool["name"] for payload in payloads for tool in json.loads(payload)["result"]["tools"]}


def number(value: float) -> list[str]:
    out = [f"{value:g}", f"{value:,g}", f"{value:.1f}", f"{value:.1f}".replace(".", ",")]
    if float(value).is_integer() and 0 <= value <= 12:
        out.append(WORDS[int(value)])
    return out


def conversions(value: float, unit: str) -> list[str]:
    """A figure in its own unit and the metric ones a technician may ask for."""
    factors = {"lb": [(0.45359237, "kg")], "in": [(2.54, "cm"), (25.4, "mm"), (0.0254, "m")],
               "ft": [(0.3048, "m"), (30.48, "cm")], "psi": [(0.0689476, "bar"), (6.89476, "kPa")],
               "gpm": [(3.785411784, "L/min")], "btuh": [(0.00029307107, "kW")]}
    out = [f"{text} {unit}" for text in number(value)] + number(value)
    if unit == "A":
        out += [f"{value:g} amp", f"{value:g}A", f"{value:g}-amp"]
    for factor, metric in factors.get(unit, []):
        converted = value * factor
        for digits in (0, 1, 2) if converted >= 10 else (1, 2):  # "5 m" for 15 ft would prove a wrong figure
            text = f"{converted:.{digits}f}"
            out += [text, f"{text} {metric}", text.replace(".", ",")]
        out.append(f"{converted:,.0f}" if converted >= 1000 else "")
    if unit == "F":
        celsius = (value - 32) * 5 / 9
        out += [f"{celsius:.0f}", f"{celsius:.1f}", f"{celsius:.0f} °C"]
    return out


def spec_unit(path: str) -> str:
    leaf = path.split(".")
    for suffix, unit in (("_lb", "lb"), ("_in", "in"), ("_psi", "psi"), ("_gpm", "gpm"), ("btuh", "btuh")):
        if any(part.endswith(suffix) for part in leaf):
            return unit
    return "A" if leaf[-1] in {"mca", "mocp", "fla", "compressor_rla", "compressor_lra"} else ""


def spec_entry(model: str) -> dict:
    for path in sorted((ROOT / "data" / "specifications").glob("*.json")):
        for entry in json.loads(path.read_text())["models"]:
            if entry["model"] == model:
                return entry
    raise SystemExit(f"no specification for {model}")


def spec_text(ref: str) -> str:
    model, _, field = ref.partition("/")
    value = spec_entry(model)
    for key in field.split("."):
        if key not in value:
            raise SystemExit(f"no field {field} in the specification of {model}")
        value = value[key]
    if isinstance(value, (int, float)):
        return " | ".join(conversions(value, spec_unit(field)))
    return json.dumps(value)


MEASURE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*(?:and|to)\s*(\d+(?:\.\d+)?))?[\s-]*(inches|inch|feet|foot|pounds|°F)")


def knowledge_text(ref: str) -> str:
    name, number_ = ref.split("#", 1)
    text = (ROOT / "data" / "knowledge" / name).read_text()
    for block in text.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        if title.split(" ", 1)[0] == number_:
            section = title + " " + body
            units = {"inches": "in", "inch": "in", "feet": "ft", "foot": "ft", "pounds": "lb", "°F": "F"}
            extra = [conversion for match in MEASURE.finditer(section) for figure in match.groups()[:2] if figure
                     for conversion in conversions(float(figure), units[match.group(3)])]
            return section + " | " + " | ".join(extra)
    raise SystemExit(f"no section {number_} in {name}")


def clock(moment: dt.datetime) -> list[str]:
    hour12 = moment.hour % 12 or 12
    words = WORDS[hour12] + (" thirty" if moment.minute == 30 else " o'clock")
    suffix = "am" if moment.hour < 12 else "pm"
    out = [f"{hour12}:{moment.minute:02d}", f"{moment.hour}:{moment.minute:02d}", words]
    if moment.minute == 0:  # "1 pm" is not 1:30
        out += [f"{hour12} {suffix}", f"{hour12}{suffix}", f"{hour12} {suffix[0]}.{suffix[1]}",
                f"{WORDS[hour12]} {suffix}", f"{WORDS[hour12]} {suffix[0]}", f"{hour12} o'clock"]
    return out


def duration(minutes: int) -> list[str]:
    out = [f"{minutes} min"]
    if minutes % 60 == 0:
        hours = minutes // 60
        out += [f"{hours} hour", f"{WORDS[hours]} hour", f"{hours} hr", f"{hours}h"] + (["an hour"] if hours == 1 else [])
    if minutes == 90:
        out += ["hour and a half", "1.5 hour", "ninety min", "ninety"]
    return out


def job_text(job: dict, technician: str) -> str:
    start = dt.datetime.fromisoformat(job["scheduled_start"])
    end = start + dt.timedelta(minutes=job["duration_minutes"])
    return " | ".join([technician, job["site"]["name"], job["site"]["address"], job["site"]["city"],
                       job["customer"]["name"], job["type"], " ".join(job["systems"]), job["notes"] or "",
                       *clock(start), "ends", *clock(end), *duration(job["duration_minutes"])])


def phone_text(phone: str) -> list[str]:
    digits = re.sub(r"\D", "", phone)
    local = digits[-7:]
    return [phone, f"{local[:3]}-{local[3:]}", f"{local[:3]} {local[3:]}", local[3:], " ".join(local[3:]),
            " ".join(WORDS[int(d)] for d in local[3:])]


class World:
    """The demo data as each conversation's login may see it over the API."""

    def __init__(self, api: Api) -> None:
        self.api = api
        self.days: dict[tuple[str, str], dict] = {}
        self.sites: dict[str, dict] = {}
        self.places: dict[tuple[float, float], str] = {}

    def day(self, viewer: str, login: str) -> dict:
        """`login`'s jobs today (with each job's detail), as `viewer` reads them."""
        if (viewer, login) not in self.days:
            query = "" if viewer == login else f"?user_id={self.api.user_id(login)}"
            jobs = sorted(self.api.get(f"/jobs{query}", viewer)["jobs"], key=lambda j: j["scheduled_start"])
            brief = self.api.get(f"/daily-brief{query}", viewer)
            details = {job["site"]["name"]: self.api.get(f"/jobs/{job['id']}", viewer) for job in jobs}
            self.days[(viewer, login)] = {"jobs": jobs, "name": brief["technician"]["name"], "details": details}
        return self.days[(viewer, login)]

    def site(self, name: str, viewer: str) -> dict:
        """A CRM site's contact and rules (any site, scheduled or not)."""
        if name not in self.sites:
            found = self.api.get("/clara-server/crm/customers/by-location/" + urllib.parse.quote(name), viewer)
            site = next(s for s in found["sites"] if s["id"] == found["match"]["site_id"])
            if site["name"] != name:
                raise SystemExit(f"{name} is no site in the CRM (nearest: {site['name']})")
            own = [c for c in found["contacts"] if c.get("site_id") == site["id"]]
            contact = (own or [c for c in found["contacts"] if c.get("is_primary")] or found["contacts"])[0]
            self.sites[name] = {"site": site, "contact": contact, "rules": found["special_requirements"]}
        return self.sites[name]

    def coordinates(self, viewer: str) -> dict[tuple[float, float], str]:
        if not self.places:
            customers = self.api.get("/clara-server/crm/customers?limit=100", viewer)["customers"]
            self.places = {(s["latitude"], s["longitude"]): s["name"] for c in customers for s in c["sites"]}
        return self.places

    def units(self, viewer: str, login: str, site: str) -> list[dict]:
        details = self.day(viewer, login)["details"]
        if site not in details:
            raise SystemExit(f"{site} is not one of {login}'s sites today")
        return details[site]["equipment"]


def ranked(units: list[dict], kind: str, last: bool) -> dict:
    chosen = sorted((u for u in units if u["type"] == kind), key=lambda u: u["install_date"])
    if len(chosen) < 2 or chosen[0]["install_date"] == chosen[1]["install_date"] \
            or chosen[-1]["install_date"] == chosen[-2]["install_date"]:
        raise SystemExit(f"no single oldest and newest {kind}")
    return chosen[-1] if last else chosen[0]


def render(world: World, source: str, viewer: str, said: str, statuses: dict[str, str]) -> str:
    kind, _, arg = source.partition(":")
    arg, _, whose = arg.partition("~")
    login = f"{whose}@clara.dev" if whose else viewer
    if kind == "said":
        return said
    if kind in {"spec", "knowledge"}:
        ref, _, site = arg.partition("@")
        if site and ref.partition("/")[0] not in {u["model"] for u in world.units(viewer, viewer, site)}:
            raise SystemExit(f"{source}: no {ref.partition('/')[0]} at {site}")
        return spec_text(ref) if kind == "spec" else knowledge_text(ref)
    if kind in {"contact", "rules"}:
        site = world.site(arg, viewer)
        if kind == "contact":
            return json.dumps(site["contact"]) + " | " + " | ".join(phone_text(site["contact"]["phone"]))
        text = " ".join(site["rules"] + [site["site"].get("access_notes") or ""])
        return text + " | " + re.sub(r"(\d+)(am|pm)", r"\1 \2", text)
    day = world.day(viewer, login)
    jobs = day["jobs"]
    if kind == "jobs":
        return " || ".join(job_text(job, day["name"]) for job in jobs)
    if kind == "job":
        if "#" in arg:
            index = int(arg.partition("#")[2])
            return job_text(jobs[index - 1 if index > 0 else index], day["name"])
        hour, minute = (int(x) for x in arg.partition("@")[2].split(":"))
        found = [j for j in jobs if dt.datetime.fromisoformat(j["scheduled_start"]).time() == dt.time(hour, minute)]
        if len(found) != 1:
            raise SystemExit(f"{source}: {len(found)} jobs start then")
        return job_text(found[0], day["name"])
    if kind == "longest":
        ordered = sorted(jobs, key=lambda j: -j["duration_minutes"])
        if ordered[0]["duration_minutes"] == ordered[1]["duration_minutes"]:
            raise SystemExit(f"{source}: two jobs are booked longest")
        return job_text(ordered[0], day["name"])
    if kind == "nearest":
        latitude, longitude = arg.split(",")
        near = world.api.get(f"/jobs?latitude={latitude}&longitude={longitude}", viewer)["jobs"]
        if near[0]["travel_seconds"] * 2 > near[1]["travel_seconds"]:
            raise SystemExit(f"{source}: the nearest site is not clearly nearest")
        return job_text(near[0], day["name"])
    if kind in {"older", "newest"}:
        site, _, unit_type = arg.partition("/")
        return json.dumps(ranked(world.units(viewer, login, site), unit_type, kind == "newest"))
    if kind == "count":
        what, _, rest = arg.partition(":")
        if what == "jobs":
            done = {"completed", "cancelled"}
            n = len(jobs) if rest == "today" else \
                sum(statuses.get(j["site"]["name"], j["status"]) not in done for j in jobs)
        else:
            site, _, unit_type = rest.partition("/")
            units = world.units(viewer, login, site)
            n = sum(u["overdue"] for u in units) if what == "overdue" else sum(u["type"] == unit_type for u in units)
        return f"{n} | {WORDS[n]} | {n} "
    raise SystemExit(f"unknown source {source}")
