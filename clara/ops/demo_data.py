"""The demo company's records, declared as data: its users, customers and sites, kinds of equipment, job types and
the demo technician's hand-written first day. `clara.ops.seed` loads them; tests and benchmarks name them (the demo
technician's e-mail and password, the first day's sites) without reaching into the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

from clara.settings import DEFAULT_COMPANY_TIMEZONE

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
         _site("Kaiser San Francisco Medical Center", "2425 Geary Blvd", "San Francisco", "94115",
               37.78280, -122.44150)),
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
        (_site("Stanford Shopping Center", "660 Stanford Shopping Center", "Palo Alto", "94304",
               37.44330, -122.17160),),
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
        (_site("San Mateo County Hall of Justice", "400 County Center", "Redwood City", "94063",
               37.48610, -122.23050),),
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
