"""How fast `/crisis open` is acknowledged while Slack answers every call after 500 ms.

Prints the median and p99 acknowledgement latency over many signed requests sent to the real
HTTP endpoint. The ack must not wait for Slack: expect a few milliseconds, not 500.

    .venv/bin/python bench/ack_latency.py [--requests 300] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path

from app.clock import FakeClock
from app.harness import start_harness
from app.harness.seed import MARIA


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def main(requests: int, latency: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        harness = await start_harness(
            database_url=f"sqlite:///{Path(folder) / 'bench.db'}", clock=FakeClock()
        )
        harness.double.latency = latency
        elapsed: list[float] = []
        try:
            for n in range(requests):
                response = await harness.driver.command(
                    MARIA.id, f"open Benchmark incident {n}", channel_id=harness.general
                )
                assert response.status == 200, response.text
                elapsed.append(response.elapsed * 1000)
            await harness.settle(timeout=600)
        finally:
            await harness.stop()
    print(f"/crisis open ack latency, Slack answering after {latency * 1000:.0f} ms")
    print(f"  requests: {requests}")
    print(f"  median:   {statistics.median(elapsed):.1f} ms")
    print(f"  p99:      {percentile(elapsed, 0.99):.1f} ms")
    print(f"  max:      {max(elapsed):.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.latency))
