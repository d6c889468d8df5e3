"""Throughput of `credit-advisor serve` beside `advise()` in-process (see benchmarks/README.md).

    python benchmarks/serve_throughput.py            # 400 requests per figure, about a minute
    python benchmarks/serve_throughput.py --requests 100 --workers 1

Prints requests per second for POST /advise (1–3-debt seeded situations, `lang=zh`,
`trace=true`: the whole Advice, as `advise --format json` gives it) with 1 and 8
concurrent clients, each on its own keep-alive connection, for each `--workers` setting
of the server; and, on the same situations, warm `advise()` calls per second in this
process (with and without turning the Advice into JSON, which the service also does).
The server runs on a free loopback port and is always stopped; every request has a
timeout and the counts are fixed, so the run ends by itself.  Each figure is the median
of `--rounds` rounds.  Needs the [serve] extra.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import situations as gen

START_SECONDS = 60
REQUEST_SECONDS = 30


def in_process(bodies: list[bytes], rounds: int) -> tuple[float, float]:
    """Warm advise() calls per second: (advice only, advice + JSON)."""
    from advisor import advise

    advise(bodies[0])  # build the engine, fill the caches
    plain, with_json = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        for body in bodies:
            advise(body)
        plain.append(len(bodies) / (time.perf_counter() - started))
        started = time.perf_counter()
        for body in bodies:
            advise(body).model_dump_json()
        with_json.append(len(bodies) / (time.perf_counter() - started))
    return statistics.median(plain), statistics.median(with_json)


class Server:
    def __init__(self, workers: int):
        script = Path(sys.executable).with_name("credit-advisor")
        self.process = subprocess.Popen(
            [str(script), "serve", "--port", "0", "--workers", str(workers)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.port = self._port()

    def _port(self) -> int:
        found: list[int] = []

        def read() -> None:
            assert self.process.stderr is not None
            for raw in self.process.stderr:
                match = re.search(rb"http://127\.0\.0\.1:(\d+)", raw)
                if match and not found:
                    found.append(int(match.group(1)))

        threading.Thread(target=read, daemon=True).start()
        deadline = time.monotonic() + START_SECONDS
        while not found and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.05)
        if not found:
            self.stop()
            raise SystemExit("the server did not start")
        return found[0]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=20)


def over_http(port: int, bodies: list[bytes], clients: int, rounds: int) -> float:
    """Requests per second with `clients` concurrent keep-alive clients sharing `bodies`."""

    def client(share: list[bytes]) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_SECONDS)
        try:
            for body in share:
                connection.request(
                    "POST", "/advise?trace=true", body=body, headers={"content-type": "application/json"}
                )
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"HTTP {response.status}")
        finally:
            connection.close()
        return len(share)

    shares = [bodies[i::clients] for i in range(clients)]
    client(bodies[: 2 * clients])  # warm: connections, caches
    rates = []
    for _ in range(rounds):
        with ThreadPoolExecutor(max_workers=clients) as pool:
            started = time.perf_counter()
            done = sum(pool.map(client, shares))
            rates.append(done / (time.perf_counter() - started))
    return statistics.median(rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per round (default 400)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per figure; the median is shown (default 3)")
    parser.add_argument("--workers", type=int, action="append", help="server --workers settings (default 1 and 2)")
    args = parser.parse_args(argv)
    bodies = [json.dumps(s, ensure_ascii=False).encode() for s in gen.situations(args.requests, 1, 3, seed=42)]

    plain, with_json = in_process(bodies, args.rounds)
    print(f"in-process advise():            {plain:8.0f} /s")
    print(f"in-process advise() + JSON:     {with_json:8.0f} /s")
    for workers in args.workers or [1, 2]:
        server = Server(workers)
        try:
            for clients in (1, 8):
                rate = over_http(server.port, bodies, clients, args.rounds)
                print(
                    f"HTTP, --workers {workers}, {clients} client{'s' if clients > 1 else ' '}: {rate:8.0f} requests/s"
                )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
