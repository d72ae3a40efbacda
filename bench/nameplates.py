"""The offline nameplate reader's accuracy and speed on generated plates, and /mcp's round trip for a cached spec.

Plates are drawn by tests/vision/plates.py: six makers' headers and model numbers, four layouts (inline, table,
label-over-value, compact), three typefaces where installed, tilted up to 4 degrees, blurred, JPEG-compressed.
Each is read the way `POST /clara-server/equipment/identify` reads it without a Gemini key (decode, OCR, fields,
serial scheme) and scored: model exact, serial exact, month of manufacture (on plates whose maker has a scheme),
manufacturer. The time per image is decode + OCR + extraction on this machine, the engine already loaded.

Then a Clara server is started on stores of its own and the official MCP client calls `equipment_spec` over real
HTTP, the spec cached after the first call: one call = one JSON-RPC request and response on a kept-alive
connection.

    python bench/nameplates.py [--plates 48] [--calls 200] [--skip-mcp | --skip-reader]

Targets: model exact >= 90 %, serial exact >= 90 %, p50 <= 1.5 s per image; MCP call p50 <= 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import Counter

import httpx2
from _clara_bench import TECHNICIAN, bench_clara
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from PIL import Image

from clara.vision import images, ocr, serials
from clara.vision.service import MAX_FULL_PIXELS, MAX_PIXELS, READ_SIDE
from tests.vision.plates import generated, render


def decode(photo: bytes) -> Image.Image:
    """As the identify route decodes an upload."""
    return images.decode(photo, max_bytes=10**8, max_pixels=MAX_PIXELS, max_full_pixels=MAX_FULL_PIXELS,
                         max_side=READ_SIDE)


def read_plates(count: int) -> None:
    plates = generated(count)
    ocr._read(decode(render(plates[0][0])))  # loads the engine: not part of any plate's time
    scores: Counter[str] = Counter()
    by_layout: Counter[str] = Counter()
    layouts: Counter[str] = Counter()
    seconds: list[float] = []
    cpu_seconds: list[float] = []
    load_before = os.getloadavg()[0]
    dated = 0
    misses = []
    for plate, options in plates:
        photo = render(plate, **options)  # type: ignore[arg-type]
        started, cpu = time.perf_counter(), time.process_time()
        fields = ocr._read(decode(photo)).fields.present()
        decoded = serials.decode(fields.get("serial", ""), fields.get("manufacturer"))
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu)
        hits = {"model": fields.get("model") == plate.model, "serial": decoded.serial == plate.serial,
                "manufacturer": fields.get("manufacturer") == plate.manufacturer}
        if plate.manufactured is not None:
            dated += 1
            hits["date"] = decoded.manufactured == plate.manufactured
        scores.update(name for name, hit in hits.items() if hit)
        layouts[plate.layout] += 1
        by_layout[plate.layout] += all(hits.values())
        if not all(hits.values()):
            misses.append(f"  {plate.layout:8} {plate.model} {plate.serial} -> {fields.get('model')} {decoded.serial}"
                          f" {decoded.manufactured} ({os.path.basename(str(options['typeface']))})")
    print(f"offline reader: {count} plates, {os.cpu_count()} CPUs")
    for name, total in (("model exact", count), ("serial exact", count), ("date", dated),
                        ("manufacturer", count)):
        key = name.split()[0]
        print(f"  {name:13} {scores[key]:3}/{total} = {100 * scores[key] / total:5.1f} %")
    print("  all fields right, by layout: " + ", ".join(f"{k} {by_layout[k]}/{v}" for k, v in sorted(layouts.items())))
    ordered = sorted(seconds)
    print(f"  seconds per image: p50 {statistics.median(seconds):.2f}, p90 {ordered[int(0.9 * len(ordered))]:.2f},"
          f" max {ordered[-1]:.2f}; CPU seconds p50 {statistics.median(cpu_seconds):.2f}"
          f" (load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after: other work shares the cores)")
    if misses:
        print("  misses:\n" + "\n".join(misses))


async def mcp_round_trips(url: str, token: str, calls: int) -> list[float]:
    http = httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30)
    async with http, streamable_http_client(f"{url}/mcp", http_client=http) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            first = await session.call_tool("equipment_spec", {"model": "50TCQA06"})  # loads and caches the spec
            assert not first.is_error, first.content
            times = []
            for _ in range(calls):
                started = time.perf_counter()
                result = await session.call_tool("equipment_spec", {"model": "50TCQA06"})
                times.append(time.perf_counter() - started)
                assert not result.is_error and result.structured_content["model"] == "50TCQA06"
    return times


def mcp_bench(calls: int) -> None:
    with bench_clara() as clara:
        print(f"server ready in {clara.startup_seconds:.0f} s")
        times = sorted(asyncio.run(mcp_round_trips(clara.url, clara.token(TECHNICIAN), calls)))
    print(f"/mcp equipment_spec (cached), {calls} calls over HTTP: p50 {1000 * statistics.median(times):.1f} ms,"
          f" p95 {1000 * times[int(0.95 * len(times))]:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plates", type=int, default=48)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--skip-mcp", action="store_true", help="only the reader (no server start)")
    parser.add_argument("--skip-reader", action="store_true", help="only /mcp")
    args = parser.parse_args()
    if not args.skip_reader:
        read_plates(args.plates)
    if not args.skip_mcp:
        mcp_bench(args.calls)


if __name__ == "__main__":
    main()
