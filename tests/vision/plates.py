"""Nameplate photos drawn with Pillow: text on a metal plate in four manufacturers' layouts, tilted and blurred.

Used by the tests (a few fixed plates) and by bench/nameplates.py (many generated ones). A plate knows what it
says, so a reader's answer can be scored against it. Fonts: Pillow's own (always present) and, when installed,
DejaVu Sans, Sans Mono and Sans Bold, so the bench does not score one typeface only.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

LAYOUTS = ("inline", "table", "stacked", "compact")
_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
          "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class Plate:
    header: str  # the maker's line at the top, e.g. "CARRIER CORPORATION  SYRACUSE NY"
    manufacturer: str  # what a reader should report
    model: str
    serial: str
    manufactured: str | None  # YYYY-MM the serial encodes, None where no scheme is known
    layout: str
    voltage: str = "208/230"
    phase: str = "3"
    hz: str = "60"
    mca: str = "25.0"
    mocp: str = "35"
    refrigerant: str = "R-410A"
    charge: tuple[int, int] = (7, 4)  # lb, oz
    extra: tuple[str, ...] = field(default=("DESIGN PRESSURE HIGH 650 PSIG  LOW 360 PSIG", "MADE IN USA"))


def _lines(plate: Plate, size: int) -> list[tuple[int, int, str]]:
    """(x, y, text) of every line the plate prints, in its layout."""
    step = int(size * 1.7)
    lb, oz = plate.charge
    rows: list[tuple[int, int, str]] = [(40, 30, plate.header)]
    y = 30 + step + step // 2
    if plate.layout == "inline":
        body = [f"MODEL NO. {plate.model}    SERIAL NO. {plate.serial}",
                f"VOLTS {plate.voltage}   PH {plate.phase}   HZ {plate.hz}",
                f"MIN CKT AMPS {plate.mca}    MAX FUSE/BKR {plate.mocp}",
                f"REFRIGERANT {plate.refrigerant}   FACTORY CHARGE {lb} LBS {oz} OZ"]
        rows += [(40, y + i * step, text) for i, text in enumerate(body)]
    elif plate.layout == "table":
        pairs = [("MODEL NO.", plate.model), ("SERIAL NO.", plate.serial), ("VOLTS", plate.voltage),
                 ("PHASE", plate.phase), ("HZ", plate.hz), ("MCA", plate.mca), ("MAX FUSE", plate.mocp),
                 ("REFRIGERANT", plate.refrigerant), ("CHARGE", f"{lb} LBS {oz} OZ")]
        for i, (label, value) in enumerate(pairs):
            rows += [(40, y + i * step, label), (40 + size * 13, y + i * step, value)]
    elif plate.layout == "stacked":
        column = 40 + size * 17
        rows += [(40, y, "MODEL NO."), (column, y, "SERIAL NO."),
                 (40, y + step, plate.model), (column, y + step, plate.serial)]
        body = [f"{plate.voltage}V-{plate.phase}PH-{plate.hz}HZ",
                f"MIN. CIRCUIT AMPACITY {plate.mca}   MAX. OVERCURRENT PROTECTION {plate.mocp}",
                f"REFRIGERANT {plate.refrigerant}  CHARGE {lb} LBS {oz} OZ"]
        rows += [(40, y + (i + 3) * step, text) for i, text in enumerate(body)]
    else:  # compact
        body = [f"M/N {plate.model}", f"S/N {plate.serial}", f"{plate.voltage}-{plate.phase}-{plate.hz}",
                f"MCA {plate.mca}   MOCP {plate.mocp}", f"REFRIG. {plate.refrigerant}   CHARGE {lb * 16 + oz} OZ"]
        rows += [(40, y + i * step, text) for i, text in enumerate(body)]
    bottom = max(row[1] for row in rows) + step
    rows += [(40, bottom + i * step, text) for i, text in enumerate(plate.extra)]
    return rows


def font(size: int, name: str | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if name and Path(name).exists():
        return ImageFont.truetype(name, size)
    return ImageFont.load_default(size=size)


def fonts() -> list[str | None]:
    """Pillow's built-in font, then each DejaVu face installed here."""
    return [None, *(path for path in _FONTS if Path(path).exists())]


def render(plate: Plate, *, angle: float = 2.5, blur: float = 0.8, size: int = 26, typeface: str | None = None,
           quality: int = 88, fmt: str = "JPEG") -> bytes:
    """The plate photographed: a brushed-metal label on a darker cabinet, tilted by `angle` degrees, blurred."""
    face = font(size, typeface)
    lines = _lines(plate, size)
    width = max(40 + int(face.getlength(text)) + x - 40 for x, _, text in lines) + 60
    height = max(y for _, y, _ in lines) + size * 3
    label = Image.new("RGB", (width, height), (206, 208, 211))
    draw = ImageDraw.Draw(label)
    for row in range(0, height, 3):  # brushed metal: faint horizontal streaks
        shade = 200 + (row * 7919) % 13
        draw.line([(0, row), (width, row)], fill=(shade, shade + 2, shade + 5))
    draw.rectangle([4, 4, width - 5, height - 5], outline=(60, 60, 60), width=3)
    for x, y, text in lines:
        draw.text((x, y), text, fill=(25, 25, 30), font=face)
    photo = Image.new("RGB", (width + 120, height + 120), (88, 92, 96))
    photo.paste(label, (60, 60))
    photo = photo.rotate(angle, expand=True, fillcolor=(70, 74, 78), resample=Image.Resampling.BICUBIC)
    photo = photo.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    photo.save(out, fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()


# -- generated plates, for the bench ----------------------------------------------------------------------------

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"  # serials avoid I and O
_MODELS = {
    "carrier": ["50TCQA06", "48TCDA05A2A5A0A0A0", "50TCQA04A2A6A0A0A0", "24ACC636A003", "25HCE430A003", "48TCDA12"],
    "trane": ["YSC060A3RHA", "YSC120", "4TTR6036J1000AA", "TUH1B080A9H31B", "YSC090A4EMA"],
    "lennox": ["LGH048H4BS2G", "LGH036", "ML14XC1-036-230A", "EL296UH090XV48C", "LGH120H4BM3Y"],
    "york": ["ZF060N10N2AAA1", "YHE36B21S", "TM9V080B12MP11", "ZJ120N15P4"],
    "rheem": ["RP1436AJ1NA", "RA1648AJ1NA", "RRNL-B060CK15E", "RGEA-10EZAJS"],
    "goodman": ["GSX140361", "GPH1448H41", "DSZC180601"],
}
_HEADERS = {
    "carrier": [("CARRIER CORPORATION  SYRACUSE NY", "Carrier"), ("BRYANT HEATING & COOLING SYSTEMS", "Bryant")],
    "trane": [("TRANE  TYLER TEXAS", "Trane"), ("AMERICAN STANDARD HEATING & AIR CONDITIONING", "American Standard")],
    "lennox": [("LENNOX INDUSTRIES INC.  RICHARDSON TX", "Lennox")],
    "york": [("YORK  JOHNSON CONTROLS UNITARY PRODUCTS", "York"), ("LUXAIRE  NORMAN OK", "Luxaire")],
    "rheem": [("RHEEM MANUFACTURING COMPANY", "Rheem"), ("RUUD AIR CONDITIONING DIVISION", "Ruud")],
    "goodman": [("GOODMAN MANUFACTURING  HOUSTON TX", "Goodman")],
}
_LAYOUT_OF = {"carrier": "inline", "trane": "table", "lennox": "stacked", "york": "compact", "rheem": "compact",
              "goodman": "inline"}


def _week_month(year: int, week: int) -> str:
    middle = date(year, 1, 1) + timedelta(days=(week - 1) * 7 + 3)
    return f"{year}-{(middle.month if middle.year == year else 12):02d}"


def _serial(family: str, rng: random.Random) -> tuple[str, str | None]:
    year, week, month = rng.randint(2011, 2025), rng.randint(1, 51), rng.randint(1, 12)
    digits = "".join(rng.choice("0123456789") for _ in range(7))
    if family == "carrier":
        return f"{week:02d}{year % 100:02d}{rng.choice(_LETTERS)}{digits[:5]}", _week_month(year, week)
    if family == "trane":
        tail = "".join(rng.choice(_LETTERS + "0123456789") for _ in range(5))
        return f"{year % 100:02d}{week:02d}{digits[0]}{tail}", _week_month(year, week)
    if family == "lennox":
        return f"{rng.choice(['58', '59', '19', '60'])}{year % 100:02d}{'ABCDEFGHJKLM'[month - 1]}{digits[:5]}", \
            f"{year}-{month:02d}"
    if family == "york":
        yy = f"{year % 100:02d}"
        return f"{rng.choice('WNE')}{yy[0]}{'ABCDEFGHKLMN'[month - 1]}{yy[1]}{digits[:6]}", f"{year}-{month:02d}"
    if family == "rheem":
        return f"{rng.choice('WFM')}{week:02d}{year % 100:02d}{digits[:5]}", _week_month(year, week)
    return f"{year % 100:02d}{month:02d}{digits}", None  # Goodman: a scheme we do not decode


def generated(count: int, *, seed: int = 2026) -> list[tuple[Plate, dict[str, object]]]:
    """`count` plates across makers, layouts, fonts, tilts and blurs, each with its rendering options."""
    rng = random.Random(seed)
    families = list(_MODELS)
    faces = fonts()
    plates = []
    for index in range(count):
        family = families[index % len(families)]
        header, maker = rng.choice(_HEADERS[family])
        serial, made = _serial(family, rng)
        three_phase = rng.random() < 0.6
        plate = Plate(
            header=header, manufacturer=maker, model=rng.choice(_MODELS[family]), serial=serial, manufactured=made,
            layout=_LAYOUT_OF[family] if rng.random() < 0.7 else rng.choice(LAYOUTS),
            voltage=rng.choice(["208/230", "460"] if three_phase else ["208/230", "230"]),
            phase="3" if three_phase else "1", mca=f"{rng.uniform(8, 60):.1f}", mocp=str(rng.choice([15, 20, 25, 30,
                                                                                                    35, 40, 50, 60])),
            refrigerant=rng.choice(["R-410A", "R-454B", "R-32", "R-22"]), charge=(rng.randint(2, 14), rng.randint(0, 15)),
        )
        options = {"angle": rng.uniform(-4, 4), "blur": rng.uniform(0.3, 1.2), "size": rng.choice([22, 26, 30]),
                   "typeface": faces[index % len(faces)], "quality": rng.randint(75, 92)}
        plates.append((plate, options))
    return plates
