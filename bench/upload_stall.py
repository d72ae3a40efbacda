"""What a long PDF upload costs everyone else: /health latency while a technician uploads a 200-page manual.

Issue 13's target: a 200-page PDF upload never stalls other requests by more than 100 ms. A probe asks /health
every 20 ms (its own connection) for a few seconds alone, then from the upload's start until the document is
`ready` (the upload answers 201 when indexed inline, 202 when queued; a 202 is polled until ready). Prints the
probe's p50/p99/max alone and during, how long the upload took, and the server's RSS before, at its peak and after.

    python bench/upload_stall.py [--pages 200] [--url http://127.0.0.1:8102 --pid N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _clara_bench import TECHNICIAN, bench_clara  # noqa: E402
from _manual_pdf import manual_pdf  # noqa: E402

PROBE_EVERY = 0.02
TARGET_MS = 100.0


def probe(base: str, stop: threading.Event, out: list[float]) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            client.get("/health")
            out.append((time.perf_counter() - started) * 1000)
            time.sleep(PROBE_EVERY)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.1f} ms, p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms (n={len(ordered)})"


def watch_rss(pid: int | None, stop: threading.Event, peak: list[int]) -> None:
    while pid and not stop.is_set():
        peak[0] = max(peak[0], psutil.Process(pid).memory_info().rss)
        time.sleep(0.05)


def upload(base: str, token: str, data: bytes) -> tuple[int, float]:
    """Upload and wait until indexed; (status of the upload, seconds until ready)."""
    started = time.perf_counter()
    with httpx.Client(base_url=base, timeout=600, headers={"Authorization": f"Bearer {token}"}) as client:
        response = client.post("/clara-server/knowledge/documents",
                               files={"file": ("kx400-manual.pdf", data, "application/pdf")})
        if response.status_code == 202:
            document_id = response.json()["document"]["id"]
            while client.get(f"/clara-server/knowledge/documents/{document_id}").json()["status"] == "processing":
                time.sleep(0.2)
        elif response.status_code != 201:
            raise RuntimeError(f"upload answered {response.status_code}: {response.text[:300]}")
    return response.status_code, time.perf_counter() - started


def run(base: str, token: str, pid: int | None, pages: int) -> bool:
    data = manual_pdf(pages)
    print(f"{pages}-page PDF, {len(data) / 1024:.0f} KB")
    alone: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(target=probe, args=(base, stop, alone))
    thread.start()
    time.sleep(5)
    stop.set()
    thread.join()
    print(f"/health alone: {summary(alone)}")

    during: list[float] = []
    peak = [psutil.Process(pid).memory_info().rss if pid else 0]
    before = peak[0]
    stop = threading.Event()
    threads = [threading.Thread(target=probe, args=(base, stop, during)),
               threading.Thread(target=watch_rss, args=(pid, stop, peak))]
    for t in threads:
        t.start()
    try:
        status, seconds = upload(base, token, data)
    finally:
        stop.set()
        for t in threads:
            t.join()
    print(f"upload answered {status}, indexed after {seconds:.1f} s")
    print(f"/health during the upload: {summary(during)}")
    if pid:
        after = psutil.Process(pid).memory_info().rss
        print(f"server RSS {before / 2**20:.0f} MiB before, peak {peak[0] / 2**20:.0f} MiB, "
              f"{after / 2**20:.0f} MiB after")
    worst = max(during)
    print(f"target: no request stalled > {TARGET_MS:.0f} ms: worst {worst:.1f} ms "
          f"({'met' if worst <= TARGET_MS else 'NOT met'})")
    return worst <= TARGET_MS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--pid", type=int, help="its process id, for RSS")
    parser.add_argument("--token", help="a bearer token for --url")
    args = parser.parse_args()
    if args.url:
        return 0 if run(args.url.rstrip("/"), args.token, args.pid, args.pages) else 1
    with bench_clara() as clara:
        print(f"server ready in {clara.startup_seconds:.0f} s")
        assert clara.process.process is not None
        return 0 if run(clara.url, clara.token(TECHNICIAN), clara.process.process.pid, args.pages) else 1


if __name__ == "__main__":
    sys.exit(main())
