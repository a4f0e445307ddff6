"""reports/scale.md: what `make test-scale` measured, and the capacity model built on it."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

# A resident reads the answer and types the next message: one message per this many
# seconds while a conversation lasts (the model's assumption, not a measurement).
SECONDS_BETWEEN_MESSAGES = 20.0
# Plan cores for this share of busy time, so a peak's bursts queue briefly, not long.
TARGET_UTILISATION = 0.6


@dataclass
class Measurement:
    name: str
    users: int
    seconds: float
    turns: int
    throughput: float
    latencies: list[float]
    failed: int
    cpu_per_turn: dict[str, float] = field(default_factory=dict)  # CPU seconds per turn, per part

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        return self.latencies[min(len(self.latencies) - 1, int(share * len(self.latencies)))]


def capacity_rows(cpu_per_turn: dict[str, float], users: tuple[int, ...] = (100, 1_000, 10_000, 50_000)) -> list[str]:
    total = sum(cpu_per_turn.values())
    rows = []
    for count in users:
        turns = count / SECONDS_BETWEEN_MESSAGES
        cores = turns * total / TARGET_UTILISATION
        rasa = turns * (cpu_per_turn.get("Rasa servers", 0.0)) / TARGET_UTILISATION
        rows.append(f"| {count:,} | {turns:,.0f} | {cores:,.1f} | {math.ceil(rasa)} | {math.ceil(cores / 2)} |")
    return rows


def write_report(path: Path, measured: dict[str, Measurement]) -> None:
    machine = f"{os.cpu_count()} cores"
    lines = [
        "# Scale-out: measured on this machine",
        "",
        f"Written by `make test-scale` (tests/scale/) on {machine}: Rasa's SQL tracker store on PostgreSQL, "
        "Rasa's Redis lock store, Rasa servers each with an action server, nginx in front, all on 127.0.0.1. "
        "Closed loop: each simulated resident sends the next message when the last was answered, half over "
        "REST and half over the widget endpoint, rate limits off for the test. Ratios come from one run; the "
        "machine is noisy.",
        "",
        "## Load and faults",
        "",
        "| run | users | seconds | turns answered | turns/s | p50 ms | p95 ms | failed turns |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in measured.values():
        lines.append(f"| {result.name} | {result.users} | {result.seconds:.0f} | {result.turns} | "
                     f"{result.throughput:.1f} | {result.percentile(0.5) * 1000:.0f} | "
                     f"{result.percentile(0.95) * 1000:.0f} | {result.failed} |")
    two, one = measured.get("2 replicas"), measured.get("1 replica")
    if two and one and one.throughput:
        ratio = two.throughput / one.throughput
        why = ("A Rasa server runs one event loop, so it uses one core; the second replica puts the second "
               "core to work." if ratio >= 1.2 else
               "On 2 cores the replicas share the CPU with PostgreSQL, nginx and the action servers, so here a "
               "second replica buys resilience more than speed.")
        lines += ["", f"Two replicas served {ratio:.2f}× the turns per second of one, at 20 users, on "
                      f"{machine}. {why} Either way a killed replica costs a few turns, not the service."]
    if two and two.cpu_per_turn:
        lines += ["", "## CPU seconds per turn", "",
                  "Measured over the 2-replica run from /proc (user + system time of each process):", "",
                  "| part | CPU ms per turn |", "| --- | ---: |"]
        lines += [f"| {part} | {seconds * 1000:.1f} |" for part, seconds in two.cpu_per_turn.items()]
        lines.append(f"| **all** | **{sum(two.cpu_per_turn.values()) * 1000:.1f}** |")
        lines += [
            "", "## Capacity model", "",
            f"A resident in a conversation sends about one message per {SECONDS_BETWEEN_MESSAGES:.0f} s, so N "
            f"residents talking at once make N / {SECONDS_BETWEEN_MESSAGES:.0f} turns per second. Cores needed = "
            f"turns/s × CPU seconds per turn / {TARGET_UTILISATION} (cores planned at {TARGET_UTILISATION:.0%} "
            "busy). Each Rasa server runs one event loop, so it uses about one core: Rasa servers needed ≈ "
            "the Rasa share of the cores. Memory: about 1.5 GB per Rasa server (see reports/benchmark.md for "
            "peak RSS) and 0.2 GB per action server.",
            "", "| residents talking at once | turns/s | cores in all | Rasa servers | 2-core machines |",
            "| ---: | ---: | ---: | ---: | ---: |", *capacity_rows(two.cpu_per_turn),
        ]
    lines += DEPLOYMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


DEPLOYMENT = [
    "",
    "## Beyond one machine",
    "",
    "- **PostgreSQL and Redis as managed services** (or a primary with a standby): the tracker store, the "
    "knowledge base and the desk share one PostgreSQL; Redis holds only conversation locks (no persistence "
    "needed). Point `TRACKER_DATABASE_URL`, `DATABASE_URL`, `LOKET_DESK_DATABASE_URL` and `LOCK_STORE_URL` at "
    "them.",
    "- **Rasa servers on several hosts**, all with the same model file, behind the proxy; any server can take "
    "any message, because the lock store serialises a conversation's messages and the tracker is in "
    "PostgreSQL. Scale them on CPU.",
    "- **Action servers scaled apart**: point each Rasa server's action endpoint at a pool of action servers "
    "(they keep no state; the knowledge base is read once per process). The Rasa servers need about as much "
    "CPU again as the action servers (table above).",
    "- **The Telegram adapter**: one instance per bot token (Telegram delivers each update once); it talks to "
    "the proxy.",
    "",
    "## Deployment sketch (public-sector host)",
    "",
    "```",
    "resident ── https ──> proxy (nginx: TLS 1.2+, HSTS, limit_req on /desk/login and the webhooks)",
    "                        │  health: GET /webhooks/rest/ on each Rasa server, every 5 s",
    "                        ├──> Rasa server 1 ── action server pool (GET /health)",
    "                        ├──> Rasa server 2 ── action server pool",
    "                        └──> ...",
    "Rasa servers ──> PostgreSQL (tracker, knowledge, desk; TLS, backups, 30-day retention job)",
    "             ──> Redis (locks only; TICKET_LOCK_LIFETIME=10)",
    "Telegram ── https webhook ──> proxy ──> Telegram adapter (one) ──> proxy ──> Rasa",
    "```",
    "",
    "- TLS ends at the proxy; set `LOKET_TRUSTED_PROXIES` to its address so rate limits see residents' "
    "addresses, and `LOKET_ALLOWED_ORIGINS` to the sites that embed the widget.",
    "- Health checks: the proxy and the orchestrator probe `GET /webhooks/rest/` (Rasa) and `GET /health` "
    "(action server, Telegram adapter); a replica that stops answering is taken out, and its conversations "
    "continue on the others after at most `TICKET_LOCK_LIFETIME` seconds.",
    "- Secrets (`LOKET_REST_TOKEN`, `LOKET_ACTIONS_TOKEN`, database passwords) come from the host's secret "
    "store as environment variables; no password is written to disk (see README, Configuration).",
    "- `make scale` runs this picture on one machine, without TLS.",
]
