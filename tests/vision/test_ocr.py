"""The offline reader's models ship in its wheel: it loads and reads in a fresh process with the network cut off."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from clara.vision.ocr import rows_of
from tests.vision.plates import Plate, render

ROOT = Path(__file__).resolve().parents[2]
# Every way out is refused before the engine is imported: a download attempt fails loudly instead of hanging.
OFFLINE_READ = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network is off for this test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from clara.vision import images, ocr
picture = images.decode(open(sys.argv[1], "rb").read(), max_bytes=10**7, max_pixels=5 * 10**7,
                         max_full_pixels=2 * 10**7, max_side=1600)
print(json.dumps(ocr._read(picture).fields.present()))
"""


def test_the_ocr_reads_a_plate_with_the_network_off(tmp_path: Path) -> None:
    plate = Plate(header="TRANE", manufacturer="Trane", model="YSC090A4EMA", serial="21457K3PTA", manufactured=None,
                  layout="table")
    photo = tmp_path / "plate.jpg"
    photo.write_bytes(render(plate, angle=-2))
    command = [sys.executable, "-c", OFFLINE_READ, str(photo)]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        command = ["unshare", "-n", *command]  # a network namespace with no interfaces but loopback
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    fields = json.loads(done.stdout.strip().splitlines()[-1])
    assert (fields["manufacturer"], fields["model"], fields["serial"]) == ("Trane", "YSC090A4EMA", "21457K3PTA")


def box(x: float, y: float, width: float, text: str, tilt: float = 0.0) -> tuple[list[list[float]], str, float]:
    """An OCR box `width` wide and 30 high at (x, y), its right end `tilt` pixels lower."""
    return [[x, y], [x + width, y + tilt], [x + width, y + 30 + tilt], [x, y + 30]], text, 0.95


def test_rows_are_grouped_in_the_levelled_frame_of_a_tilted_photo() -> None:
    # 4 degrees over 800 pixels: the value column sits 56 pixels lower than its label, below the next label's top
    tilt = 0.07
    boxes = [box(40, 100, 200, "MODEL NO.", 200 * tilt), box(640, 100 + 600 * tilt, 200, "YSC060", 200 * tilt),
             box(40, 145, 200, "SERIAL NO.", 200 * tilt), box(640, 145 + 600 * tilt, 200, "17103N6MF4", 200 * tilt)]
    rows = rows_of(boxes)
    assert [[segment.text for segment in row] for row in rows] == [["MODEL NO.", "YSC060"], ["SERIAL NO.", "17103N6MF4"]]
