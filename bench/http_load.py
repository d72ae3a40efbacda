"""HTTP throughput and latency of Clara under uvicorn: GET /jobs, a cached equipment spec, a knowledge search.

    python bench/http_load.py [--seconds 10] [--connections 32]

The server runs as production does (`backend_server.py`, one uvicorn process, access log at info, on the bench's
own PostgreSQL and Redis from bench/_clara_bench.py: Redis holds the L2 cache and the rate limits) pinned to
CPU 0; the load generator runs in a second process pinned to CPU 1, over loopback: `wrk`
when installed (Debian: apt-get install -y wrk), else a Python httpx/asyncio client. Rate limits are raised for
the run (a bench is one user hammering one route) but still spent by every request (leases from Redis,
clara/web/ratelimit.py).
Targets: cached spec >= 5,000 req/s with p99 <= 10 ms, i.e. Clara's middleware and validation stack costs
<= 150 us per request over the bare route below; /jobs >= 800 req/s.

In the same run, a bare Starlette app under the same uvicorn settings, pinned to the same CPU, serves the cached
spec's exact JSON bytes from one route with no middleware: the ceiling of the stack on this machine, so the spec
route's figure reads as a share of what uvicorn and Starlette alone can do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx
import psutil
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._clara_bench import TECHNICIAN, bench_clara  # noqa: E402
from clara.ops.demo_data import COMPANY_TZ, DEMO_DAY  # noqa: E402

SERVER_CPU, LOAD_CPU = 0, 1
ORIGIN = (37.7793, -122.4193)  # the demo technician's home, San Francisco


@dataclass(frozen=True)
class Result:
    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def pin(pid: int, cpu: int) -> None:
    """Every thread of process `pid` onto one CPU (affinity is per thread; the server has started several)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.sched_setaffinity(int(task.name), {cpu})


def demo_day(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT (scheduled_start AT TIME ZONE %s)::date FROM jobs WHERE notes = %s LIMIT 1",
            (str(COMPANY_TZ), DEMO_DAY[0].notes),
        ).fetchone()
    assert row is not None, "the demo data is not seeded"
    return row[0].isoformat()


def _ms(value: str) -> float:
    if value == "inf":
        return float("inf")
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(name: str, url: str, token: str, seconds: int, connections: int) -> Result:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Authorization: Bearer {token}",
               url]
    out = subprocess.run(command, capture_output=True, text=True, check=True,
                         preexec_fn=lambda: os.sched_setaffinity(0, {LOAD_CPU})).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.MULTILINE))
    if not latency:  # no request finished within the run
        latency = {"50": "inf", "99": "inf"}
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(errors.group(1)) if errors else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return Result(name, rps, _ms(latency["50"]), _ms(latency["99"]), failed, total)


def run_python(name: str, url: str, token: str, seconds: int, connections: int) -> Result:
    """The fallback generator: this script again, as a subprocess on the load CPU (see `generate`)."""
    out = subprocess.run(
        [sys.executable, __file__, "--generate", url, "--token", token, "--seconds", str(seconds),
         "--connections", str(connections)],
        capture_output=True, text=True, check=True, preexec_fn=lambda: os.sched_setaffinity(0, {LOAD_CPU}),
    ).stdout
    data = json.loads(out)
    return Result(name, data["rps"], data["p50"], data["p99"], data["errors"], data["requests"])


async def generate(url: str, token: str, seconds: int, connections: int) -> None:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            while (started := time.perf_counter()) < deadline:
                response = await client.get(url)
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code >= 400

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100)
    print(json.dumps({"rps": len(latencies) / elapsed, "p50": cuts[49], "p99": cuts[98], "errors": errors,
                      "requests": len(latencies)}))


def serve_bare(body_file: str, port: int) -> None:
    """The ceiling: one Starlette route answering `body_file`'s bytes, under backend_server.py's uvicorn settings."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    body = Path(body_file).read_bytes()

    async def spec(_: Request) -> Response:
        return Response(body, media_type="application/json")

    app = Starlette(routes=[Route("/spec", spec)])
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False, loop="asyncio",
                http="httptools")


def bare_ceiling(body: bytes, args: argparse.Namespace) -> tuple[Result, float]:
    """Start the bare app on SERVER_CPU, load it like the others, stop it: its result and server CPU us/request."""
    body_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"clara-bench-spec-{os.getpid()}.json"
    body_file.write_bytes(body)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, __file__, "--bare", str(body_file), "--port", str(port)])
    try:
        url = f"http://127.0.0.1:{port}/spec"
        for _ in range(200):
            try:
                if httpx.get(url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        pin(server.pid, SERVER_CPU)
        load = run_wrk if shutil.which("wrk") else run_python
        load("bare", url, "-", 2, args.connections)
        return timed(psutil.Process(server.pid), lambda: load("bare Starlette route, same JSON (the ceiling)", url,
                                                             "-", args.seconds, args.connections))
    finally:
        server.terminate()
        server.wait(timeout=10)
        body_file.unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--generate", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        asyncio.run(generate(args.generate, args.token, args.seconds, args.connections))
        return
    if args.bare:
        serve_bare(args.bare, args.port)
        return

    with bench_clara() as clara:
        assert clara.process.process is not None
        pin(clara.process.process.pid, SERVER_CPU)
        server = psutil.Process(clara.process.process.pid)
        measure(clara.url, clara.token(TECHNICIAN), demo_day(clara.database_url), args, server)


def timed(server: psutil.Process, run: Callable[[], Result]) -> tuple[Result, float]:
    """`run`'s result and the server's CPU time per request it served, in microseconds."""
    before = sum(server.cpu_times()[:2])
    result = run()
    return result, (sum(server.cpu_times()[:2]) - before) / max(1, result.requests) * 1e6


def measure(base_url: str, token: str, day: str, args: argparse.Namespace, server: psutil.Process) -> None:
    load = run_wrk if shutil.which("wrk") else run_python
    headers = {"Authorization": f"Bearer {token}"}
    routes = {
        "GET /jobs (a day, priced from a point)": f"/jobs?latitude={ORIGIN[0]}&longitude={ORIGIN[1]}&date={day}",
        "GET /clara-server/equipment/{model} (cached)": "/clara-server/equipment/50TCQA06",
        "GET /clara-server/knowledge/search (cached)":
            "/clara-server/knowledge/search?query=NFPA%2025%20pressure%20gauge%20replacement&k=5",
    }
    print(f"server: uvicorn (backend_server.py), one process on CPU {SERVER_CPU}, with Redis; "
          f"load: {'wrk' if load is run_wrk else 'Python httpx/asyncio (wrk not installed)'} on CPU {LOAD_CPU}, "
          f"{args.connections} connections, {args.seconds} s per route after a 2 s warm-up")
    print(f"{'route':48} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'requests':>9} "
          f"{'server CPU us/req':>18} {'CPU share':>9}")
    results, cpus = [], []
    for name, path in routes.items():
        first = httpx.get(base_url + path, headers=headers, timeout=30)
        assert first.status_code == 200, f"{path}: {first.status_code} {first.text[:200]}"
        load(name, base_url + path, token, 2, args.connections)
        started = time.perf_counter()
        result, cpu = timed(server, lambda: load(name, base_url + path, token, args.seconds, args.connections))
        share = cpu * result.requests / 1e6 / (time.perf_counter() - started)
        results.append(result)
        cpus.append(cpu)
        # CPU per request is what the server's core can do when it has the core to itself: the machine may be shared
        print(f"{name:48} {result.requests_per_second:9.0f} {result.p50_ms:8.2f} {result.p99_ms:8.2f} "
              f"{result.errors:7d} {result.requests:9d} {cpu:18.0f} {share:9.0%}")
    body = httpx.get(base_url + routes["GET /clara-server/equipment/{model} (cached)"], headers=headers,
                     timeout=30).content
    ceiling, bare_cpu = bare_ceiling(body, args)
    print(f"{ceiling.name:48} {ceiling.requests_per_second:9.0f} {ceiling.p50_ms:8.2f} {ceiling.p99_ms:8.2f} "
          f"{ceiling.errors:7d} {ceiling.requests:9d} {bare_cpu:18.0f}")
    jobs, spec = results[0], results[1]
    stack = 1e6 / spec.requests_per_second - 1e6 / ceiling.requests_per_second
    print(f"cached spec route: {spec.requests_per_second / ceiling.requests_per_second:.0%} of the bare route's "
          f"req/s (p50 {spec.p50_ms:.2f} ms vs {ceiling.p50_ms:.2f} ms); Clara's stack costs {stack:.0f} us/request "
          f"of wall time, {cpus[1] - bare_cpu:.0f} us/request of server CPU ({cpus[1] / bare_cpu:.1f}x the bare "
          f"route's {bare_cpu:.0f} us)")
    print(f"targets: cached spec >= 5000 req/s with p99 <= 10 ms and a stack cost <= 150 us/request: "
          f"{'met' if spec.requests_per_second >= 5000 and spec.p99_ms <= 10 and stack <= 150 else 'NOT met'}; "
          f"/jobs >= 800 req/s: {'met' if jobs.requests_per_second >= 800 else 'NOT met'}")
    stats = httpx.get(f"{base_url}/clara-server/cache/stats", headers=headers, timeout=10).json()
    print(f"server cache after the run: hit rate {stats['hit_rate']:.4f} over {stats['requests']} look-ups")


if __name__ == "__main__":
    main()
