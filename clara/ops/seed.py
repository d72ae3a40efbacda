"""Demo data for a Bay Area fire & life-safety / HVAC service company, loaded when the database is empty.

Deterministic (fixed random seed) so tests and the README can name real records; jobs are placed relative to
the day of seeding, in the company's time zone, so a newcomer always sees a week of upcoming work and two weeks of
history. The demo technician's first day is written out by hand (WeWork, the Ferry Building, ABC Manufacturing) so
the README's first `/jobs` call and the daily brief show something worth hearing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from psycopg import AsyncConnection
from psycopg.rows import DictRow

from clara.auth.passwords import hash_password
from clara.platform.logging import get_logger
from clara.settings import DEFAULT_COMPANY_TIMEZONE
from clara.stores.postgres import Pool, transaction

log = get_logger(__name__)

COMPANY_TZ = ZoneInfo(DEFAULT_COMPANY_TIMEZONE)  # the demo company works in the Bay Area
DEMO_PASSWORD = "clara-demo-2026"
DEMO_TECHNICIAN_EMAIL = "maria.lopez@clara.dev"


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    role: str
    home: tuple[float, float]


USERS = [
    DemoUser(DEMO_TECHNICIAN_EMAIL, "Maria Lopez", "technician", (37.7793, -122.4193)),
    DemoUser("james.chen@clara.dev", "James Chen", "technician", (37.8044, -122.2712)),
    DemoUser("priya.patel@clara.dev", "Priya Patel", "technician", (37.3382, -121.8863)),
    DemoUser("devon.wright@clara.dev", "Devon Wright", "technician", (37.5485, -121.9886)),
    DemoUser("dana.okafor@clara.dev", "Dana Okafor", "dispatcher", (37.7749, -122.4194)),
    DemoUser("admin@clara.dev", "Clara Admin", "admin", (37.7749, -122.4194)),
]


@dataclass(frozen=True)
class DemoSite:
    name: str
    address: str
    city: str
    postal_code: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    segment: str
    lifetime_value: int
    special_requirements: tuple[str, ...]
    sites: tuple[DemoSite, ...]
    opportunities: tuple[tuple[str, int, str], ...] = ()
    notes: str | None = None


def _site(name: str, address: str, city: str, postal_code: str, lat: float, lng: float) -> DemoSite:
    return DemoSite(name, address, city, postal_code, lat, lng)


CUSTOMERS = [
    DemoCustomer(
        "WeWork", "commercial", 450_000,
        ("Check in with building security at the Main St lobby desk before any work",
         "Fire alarm testing only before 8am or after 6pm to avoid disturbing members",
         "Certificates of insurance must be on file before each visit"),
        (_site("WeWork 123 Main St", "123 Main St", "San Francisco", "94105", 37.79155, -122.39418),),
        (("Sprinkler head replacement, floors 3-6", 45_000, "proposal"),
         ("Fire alarm panel upgrade to addressable", 95_000, "negotiation")),
        "Flexible workspace operator; values minimal disruption to members.",
    ),
    DemoCustomer(
        "ABC Manufacturing", "industrial", 280_000,
        ("Weekend service only: production lines run Monday to Friday",
         "Hot work permit required from plant safety before any cutting or welding"),
        (_site("ABC Manufacturing Plant 1", "456 Industrial Pkwy", "Oakland", "94621", 37.73610, -122.19740),),
        (("Fire pump controller replacement", 65_000, "qualification"),),
        "Metal fabrication plant with a diesel fire pump and dry pipe system in the warehouse.",
    ),
    DemoCustomer(
        "Salesforce Tower Management", "commercial", 620_000,
        ("All contractors badge in at the Fremont St loading dock",),
        (_site("Salesforce Tower", "415 Mission St", "San Francisco", "94105", 37.78970, -122.39690),),
        (("Annual NFPA 25 inspection contract renewal", 120_000, "negotiation"),),
    ),
    DemoCustomer(
        "Kaiser Permanente", "healthcare", 540_000,
        ("Infection control (ICRA) permit required above ceilings",
         "Notify the hospital engineer before any alarm or sprinkler impairment"),
        (_site("Kaiser Oakland Medical Center", "3600 Broadway", "Oakland", "94611", 37.82470, -122.25620),
         _site("Kaiser San Francisco Medical Center", "2425 Geary Blvd", "San Francisco", "94115", 37.78280, -122.44150)),
        (("Clean agent system for data center", 140_000, "proposal"),),
    ),
    DemoCustomer(
        "UCSF Health", "healthcare", 390_000,
        ("Fire watch must be posted during any impairment longer than 4 hours",),
        (_site("UCSF Mission Bay", "1675 Owens St", "San Francisco", "94158", 37.76790, -122.39290),),
        (("Pre-action system retrofit, MRI suite", 85_000, "prospecting"),),
    ),
    DemoCustomer(
        "Chase Center", "entertainment", 310_000,
        ("No testing on event days; check the event calendar",),
        (_site("Chase Center Arena", "1 Warriors Way", "San Francisco", "94158", 37.76800, -122.38770),),
    ),
    DemoCustomer(
        "Oakland Arena Partners", "entertainment", 175_000, ("Gate D access only",),
        (_site("Oakland Arena", "7000 Coliseum Way", "Oakland", "94621", 37.75030, -122.20300),),
    ),
    DemoCustomer(
        "San Jose McEnery Convention Center", "government", 260_000,
        ("City of San Jose contractor badge required",),
        (_site("McEnery Convention Center", "150 W San Carlos St", "San Jose", "95113", 37.32970, -121.88900),),
        (("Fire alarm voice evacuation upgrade", 210_000, "proposal"),),
    ),
    DemoCustomer(
        "Stanford Shopping Center", "retail", 145_000, ("Work before 10am store opening",),
        (_site("Stanford Shopping Center", "660 Stanford Shopping Center", "Palo Alto", "94304", 37.44330, -122.17160),),
    ),
    DemoCustomer(
        "Berkeley Bowl Marketplace", "retail", 62_000, (),
        (_site("Berkeley Bowl West", "920 Heinz Ave", "Berkeley", "94710", 37.85000, -122.28960),),
    ),
    DemoCustomer(
        "Bayside Logistics", "industrial", 198_000, ("Forklift traffic: hi-vis vest required on the dock",),
        (_site("Bayside Logistics Hayward DC", "25800 Clawiter Rd", "Hayward", "94545", 37.63550, -122.12990),),
        (("ESFR sprinkler upgrade for high-piled storage", 160_000, "qualification"),),
    ),
    DemoCustomer(
        "Ferry Building Marketplace", "retail", 88_000, ("Historic building: no penetrations without approval",),
        (_site("Ferry Building", "1 Ferry Building", "San Francisco", "94111", 37.79550, -122.39370),),
    ),
    DemoCustomer(
        "Oakland Unified School District", "education", 230_000,
        ("Work only when students are not present, or with a district escort",),
        (_site("Oakland Technical High School", "4351 Broadway", "Oakland", "94611", 37.82850, -122.25540),
         _site("Skyline High School", "12250 Skyline Blvd", "Oakland", "94619", 37.79880, -122.16330)),
    ),
    DemoCustomer(
        "San Francisco Public Library", "government", 120_000, (),
        (_site("SFPL Main Library", "100 Larkin St", "San Francisco", "94102", 37.77910, -122.41590),),
    ),
    DemoCustomer(
        "Presidio Hotel Group", "hospitality", 156_000, ("Quiet hours 10pm to 7am in guest areas",),
        (_site("Presidio Bay Hotel", "2500 Mason St", "San Francisco", "94133", 37.80550, -122.41220),),
        (("Kitchen hood wet chemical system replacement", 28_000, "proposal"),),
    ),
    DemoCustomer(
        "Fremont Data Centers", "technology", 410_000,
        ("Escort required in white space; no cardboard in data halls",),
        (_site("Fremont DC1", "48233 Warm Springs Blvd", "Fremont", "94539", 37.47540, -121.92770),),
        (("FM-200 to Novec 1230 conversion", 175_000, "negotiation"),),
    ),
    DemoCustomer(
        "Santa Clara Valley Medical", "healthcare", 330_000, ("Notify facilities before any alarm testing",),
        (_site("Valley Medical Center", "751 S Bascom Ave", "San Jose", "95128", 37.31330, -121.93270),),
    ),
    DemoCustomer(
        "Levi's Stadium Operations", "entertainment", 275_000, ("No work on game days",),
        (_site("Levi's Stadium", "4900 Marie P DeBartolo Way", "Santa Clara", "95054", 37.40320, -121.96980),),
    ),
    DemoCustomer(
        "Emeryville Biotech Labs", "technology", 215_000, ("Lab coat and safety glasses in lab areas",),
        (_site("Emeryville Research Campus", "5959 Horton St", "Emeryville", "94608", 37.84200, -122.28880),),
    ),
    DemoCustomer(
        "Walnut Creek Senior Living", "healthcare", 94_000, ("Residents must be notified 24h before alarm tests",),
        (_site("Rossmoor Commons", "1001 Golden Rain Rd", "Walnut Creek", "94595", 37.87340, -122.07550),),
    ),
    DemoCustomer(
        "Richmond Port Terminals", "industrial", 188_000, ("TWIC card required at the gate",),
        (_site("Port of Richmond Terminal 3", "1411 Harbour Way S", "Richmond", "94804", 37.91350, -122.36200),),
    ),
    DemoCustomer(
        "Mountain View Tech Campus", "technology", 365_000, (),
        (_site("Shoreline Campus B", "1600 Amphitheatre Pkwy", "Mountain View", "94043", 37.42200, -122.08410),),
        (("Fire alarm network integration", 70_000, "prospecting"),),
    ),
    DemoCustomer(
        "Daly City Westlake Shopping", "retail", 54_000, (),
        (_site("Westlake Shopping Center", "2 Westlake Ave", "Daly City", "94015", 37.70500, -122.47600),),
    ),
    DemoCustomer(
        "San Mateo County Facilities", "government", 142_000, ("County ID check at the front desk",),
        (_site("San Mateo County Hall of Justice", "400 County Center", "Redwood City", "94063", 37.48610, -122.23050),),
    ),
    DemoCustomer(
        "Alameda Naval Air Museum", "nonprofit", 21_000, (),
        (_site("Alameda Point Hangar", "2151 Ferry Point", "Alameda", "94501", 37.78640, -122.30390),),
    ),
    DemoCustomer(
        "Sausalito Marina Offices", "commercial", 39_000, (),
        (_site("Sausalito Marina Building", "300 Harbor Dr", "Sausalito", "94965", 37.86380, -122.49960),),
    ),
    DemoCustomer(
        "Palo Alto Unified", "education", 118_000, ("Background-checked technicians only on campus",),
        (_site("Palo Alto High School", "50 Embarcadero Rd", "Palo Alto", "94301", 37.43770, -122.15490),),
    ),
]

# (type, manufacturer, model, location, inspection interval days, NFPA standard); models with a shipped
# specification in data/specifications use its exact model string, so "what's the spec of this pump" resolves.
EQUIPMENT_KINDS = [
    ("rooftop unit", "Carrier", "50TCQA06", "Roof", 180, None),
    ("rooftop unit", "Carrier", "50TCQA04", "Roof", 180, None),
    ("rooftop unit", "Carrier", "50TCQA08", "Roof", 180, None),
    ("rooftop unit", "Carrier", "48TCDA08", "Roof", 180, None),
    ("rooftop unit", "Carrier", "48TCDA12", "Roof", 180, None),
    ("fire alarm panel", "Notifier", "NFS2-3030", "Main electrical room", 365, "NFPA 72"),
    ("fire alarm panel", "Simplex", "4100ES", "Fire command center", 365, "NFPA 72"),
    ("fire pump", "Peerless Pump", "AEF1000-125", "Pump room", 7, "NFPA 25"),
    ("jockey pump", "Grundfos", "CR3-19", "Pump room", 30, "NFPA 25"),
    ("backflow preventer", "Watts", "957-4", "Riser room", 365, "NFPA 25"),
    ("backflow preventer", "Ames", "3000SS-4", "Street vault", 365, "NFPA 25"),
    ("dry pipe valve", "Viking", "F-1-4", "Warehouse riser", 90, "NFPA 25"),
    ("alarm check valve", "Tyco", "AV-1-300", "Riser room", 90, "NFPA 25"),
    ("fire extinguisher", "Amerex", "B500", "Corridor", 30, "NFPA 10"),
    ("fire extinguisher", "Amerex", "B260", "Kitchen", 30, "NFPA 10"),
    ("kitchen suppression", "Ansul", "R-102", "Kitchen hood", 182, "NFPA 17A"),
    ("clean agent system", "Fike", "ECARO-25", "Server room", 365, "NFPA 2001"),
]

JOB_TYPES = {
    "inspection": ["Quarterly sprinkler inspection", "Annual fire alarm inspection", "Monthly extinguisher check"],
    "maintenance": ["RTU preventive maintenance", "Filter and belt change", "Fire pump annual flow test prep"],
    "repair": ["Compressor not starting", "Fire alarm trouble: ground fault", "Leaking alarm check valve"],
    "testing": ["Weekly fire pump churn test", "Backflow annual test", "Five-year internal pipe inspection"],
}
SYSTEMS = {
    "inspection": ["sprinkler", "fire alarm", "extinguishers"],
    "maintenance": ["hvac", "fire pump"],
    "repair": ["hvac", "fire alarm", "sprinkler"],
    "testing": ["fire pump", "backflow", "sprinkler"],
}


@dataclass(frozen=True)
class DemoJob:
    site: str
    start: time
    type: str
    priority: str
    duration_minutes: int
    systems: tuple[str, ...]
    notes: str


# The demo technician's day of seeding, in schedule order and in nearest-first order from both their home and the
# README's start point (37.79, -122.39): Oakland last, with a customer rule ("weekend service only") and an
# inoperable fire pump the daily brief must bring up.
DEMO_DAY = (
    DemoJob("WeWork 123 Main St", time(7, 30), "inspection", "high", 120, ("sprinkler", "fire alarm"),
            "Quarterly sprinkler inspection, floors 3-6; alarm devices must be tested before 8am"),
    DemoJob("Ferry Building", time(10, 0), "maintenance", "normal", 90, ("hvac",),
            "RTU preventive maintenance: filters, belts and condenser coils"),
    DemoJob("ABC Manufacturing Plant 1", time(13, 30), "testing", "normal", 90, ("fire pump", "sprinkler"),
            "Weekly fire pump churn test; controller failed to auto-start last visit"),
)
DEMO_DEFICIENCY = ("ABC Manufacturing Plant 1", "inoperable",
                   "Fire pump controller fails to auto-start on pressure drop", "Pump room")
HISTORY_DAYS = 14


async def seed_if_empty(db: Pool, *, today: date | None = None) -> bool:
    """Load the demo data unless users already exist; True when it loaded them."""
    async with transaction(db) as conn:
        await conn.execute("LOCK TABLE users IN EXCLUSIVE MODE")  # two instances starting together seed once
        cur = await conn.execute("SELECT EXISTS (SELECT 1 FROM users) AS seeded")
        row = await cur.fetchone()
        if row and row["seeded"]:
            return False
        await _seed(conn, today or datetime.now(COMPANY_TZ).date())
    log.info("demo_data_seeded", customers=len(CUSTOMERS))
    return True


async def _seed(conn: AsyncConnection[DictRow], today: date) -> None:
    rng = random.Random(2026)
    technician_ids: list[int] = []
    for user in USERS:
        cur = await conn.execute(
            "INSERT INTO users (email, name, role, password_hash, home_latitude, home_longitude)"
            " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            # A hash per user, each with its own salt: one shared hash would let one cracked row open them all.
            (user.email, user.name, user.role, hash_password(DEMO_PASSWORD), *user.home),
        )
        user_id = (await cur.fetchone())["id"]  # type: ignore[index]
        await conn.execute("INSERT INTO user_preferences (user_id) VALUES (%s)", (user_id,))
        if user.role == "technician":
            technician_ids.append(user_id)

    site_ids: dict[str, int] = {}
    for customer in CUSTOMERS:
        cur = await conn.execute(
            "INSERT INTO customers (name, segment, lifetime_value, special_requirements, notes)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            (customer.name, customer.segment, customer.lifetime_value, list(customer.special_requirements),
             customer.notes),
        )
        customer_id = (await cur.fetchone())["id"]  # type: ignore[index]
        for title, value, stage in customer.opportunities:
            await conn.execute(
                "INSERT INTO opportunities (customer_id, title, value, stage) VALUES (%s, %s, %s, %s)",
                (customer_id, title, value, stage),
            )
        for index, site in enumerate(customer.sites):
            cur = await conn.execute(
                "INSERT INTO sites (customer_id, name, address, city, postal_code, latitude, longitude)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (customer_id, site.name, site.address, site.city, site.postal_code, site.latitude, site.longitude),
            )
            site_id = (await cur.fetchone())["id"]  # type: ignore[index]
            site_ids[site.name] = site_id
            first, last = _contact_name(rng)
            await conn.execute(
                "INSERT INTO contacts (customer_id, site_id, name, title, phone, email, is_primary)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (customer_id, site_id, f"{first} {last}", rng.choice(["Facilities Manager", "Chief Engineer",
                 "Property Manager", "Safety Director"]), f"(415) 555-{rng.randint(1000, 9999)}",
                 f"{first.lower()}.{last.lower()}@example.com", index == 0),
            )
            await _seed_equipment(conn, rng, site_id, today)

    await _seed_jobs(conn, rng, technician_ids, site_ids, today)
    # History draws from its own generator, so its size can change without reshuffling the upcoming week.
    await _seed_history(conn, random.Random(2025), technician_ids, list(site_ids.values()), today)


async def _seed_equipment(conn: AsyncConnection[DictRow], rng: random.Random, site_id: int, today: date) -> None:
    kinds = [EQUIPMENT_KINDS[0]] + rng.sample(EQUIPMENT_KINDS[1:], 5)
    for kind, manufacturer, model, location, interval, standard in kinds:
        installed = today - timedelta(days=rng.randint(365, 365 * 18))
        last_inspected = today - timedelta(days=rng.randint(5, interval + 60))
        await conn.execute(
            "INSERT INTO equipment (site_id, type, manufacturer, model, serial, location, install_date,"
            " last_inspected, inspection_interval_days, nfpa_standard)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (site_id, kind, manufacturer, model, f"{manufacturer[:2].upper()}{rng.randint(100000, 999999)}",
             location, installed, last_inspected, interval, standard),
        )


async def _seed_jobs(
    conn: AsyncConnection[DictRow], rng: random.Random, technician_ids: list[int], site_ids: dict[str, int],
    today: date,
) -> None:
    demo_technician = technician_ids[0]
    for job in DEMO_DAY:
        await conn.execute(
            "INSERT INTO jobs (site_id, technician_id, type, priority, scheduled_start, duration_minutes, systems,"
            " notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (site_ids[job.site], demo_technician, job.type, job.priority,
             datetime.combine(today, job.start, COMPANY_TZ), job.duration_minutes, list(job.systems), job.notes),
        )
    site_pool = list(site_ids.values())
    for day in range(7):
        for technician_id in technician_ids:
            if day == 0 and technician_id == demo_technician:
                continue  # their first day is DEMO_DAY
            starts = sorted(rng.sample([7, 8, 9, 10, 11, 13, 14, 15], 3 if day < 5 else 2))
            for hour in starts:
                job_type = rng.choice(list(JOB_TYPES))
                scheduled = datetime.combine(today + timedelta(days=day), time(hour, rng.choice([0, 30])), COMPANY_TZ)
                await conn.execute(
                    "INSERT INTO jobs (site_id, technician_id, type, priority, scheduled_start, duration_minutes,"
                    " systems, notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                    (rng.choice(site_pool), technician_id, job_type, rng.choice(["normal", "normal", "high", "low"]),
                     scheduled, rng.choice([60, 90, 120]), rng.sample(SYSTEMS[job_type], 2),
                     rng.choice(JOB_TYPES[job_type])),
                )
    # A few deficiencies already open, so "what's open at this site" has answers on day one.
    cur = await conn.execute("SELECT id, site_id FROM equipment ORDER BY id")
    equipment = await cur.fetchall()
    for item in rng.sample(equipment, 20):
        await conn.execute(
            "INSERT INTO deficiencies (site_id, equipment_id, severity, description)"
            " VALUES (%s, %s, %s, %s)",
            (item["site_id"], item["id"], rng.choice(["inoperable", "deficient", "deficient", "suggested"]),
             rng.choice(["Corroded sprinkler head", "Gauge out of calibration date", "Extinguisher missing tag",
                         "Low battery voltage on panel", "Condenser coil heavily fouled",
                         "Obstructed fire department connection"])),
        )
    site, severity, description, location = DEMO_DEFICIENCY
    await conn.execute(
        "INSERT INTO deficiencies (site_id, severity, description, location) VALUES (%s, %s, %s, %s)",
        (site_ids[site], severity, description, location),
    )


async def _seed_history(
    conn: AsyncConnection[DictRow], rng: random.Random, technician_ids: list[int], site_ids: list[int], today: date
) -> None:
    """Two weeks of finished weekday work, so a customer's recent jobs and "when were we last there" have answers."""
    for back in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day.weekday() >= 5:
            continue
        for technician_id in technician_ids:
            for hour in sorted(rng.sample([7, 8, 9, 10, 11, 13, 14, 15], 2)):
                job_type = rng.choice(list(JOB_TYPES))
                await conn.execute(
                    "INSERT INTO jobs (site_id, technician_id, type, status, priority, scheduled_start,"
                    " duration_minutes, systems, notes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    (rng.choice(site_ids), technician_id, job_type, rng.choice(["completed"] * 9 + ["cancelled"]),
                     rng.choice(["normal", "normal", "high", "low"]), datetime.combine(day, time(hour), COMPANY_TZ),
                     rng.choice([60, 90, 120]), rng.sample(SYSTEMS[job_type], 2), rng.choice(JOB_TYPES[job_type])),
                )


def _contact_name(rng: random.Random) -> tuple[str, str]:
    return (rng.choice(["Alex", "Sam", "Jordan", "Taylor", "Morgan", "Chris", "Pat", "Robin", "Casey", "Jamie"]),
            rng.choice(["Nguyen", "Garcia", "Smith", "Kim", "Johnson", "Rivera", "Brown", "Singh", "Wong", "Davis"]))
