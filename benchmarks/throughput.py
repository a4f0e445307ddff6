"""Loket next to the stock `rasa init` bot: throughput, latency, where a turn's time
goes, long conversations, memory and cold start, measured side by side in one run.

Both bots are started (Loket as `make run` starts it, the stock bot with `rasa run` in
its own directory), both are up the whole time, and the load phases alternate between
them, so the machine's noise falls on both and their ratio is what to read. Then one
Loket server per speed-up, each with that one switched off, for the before-and-after rows.

    .venv/bin/python benchmarks/throughput.py [--seconds 30] [--rounds 2] [--quick] [--no-changes]
        -> reports/benchmark.md

The stock bot is made once with `rasa init --no-prompt --init-dir var/bench/stock`
(which trains it). Exit status: 0; 1 when a turn failed; 2 when a server did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import yaml
from channels import QUESTIONS
from load import Send, Summary, Turn, TurnFailed, closed_loop, percentile, play, rest_sender, span, summarize

from bot.settings import LOG_DIR, PROJECT_DIR, REPORTS_DIR, VAR_DIR
from bot.tooling.servers import PortTaken, Servers, free_port, stop_processes

BENCH_DIR = VAR_DIR / "bench"
STOCK_DIR = BENCH_DIR / "stock"
BIN_DIR = Path(sys.executable).parent
TIMING_SCRIPT = Path(__file__).resolve().parent / "rasa_timing.py"
REPORT = REPORTS_DIR / "benchmark.md"
USERS = (1, 20)
LONG_USERS = 4  # enough to load the server; the ratio of late to early turns is what counts
START_TIMEOUT = 300.0
STAGES = ("parse", "policies", "actions", "tracker")
STAGE_NAMES = {"parse": "parse", "policies": "policies", "actions": "action server", "tracker": "tracker store"}

# Fresh conversations of five turns, one script per language: a greeting, a question,
# a follow-up that keeps the topic, another question, thanks.
LOKET_SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("hoi", QUESTIONS[0], "en op Bonaire?", QUESTIONS[3], "dank je"),
    ("Bon dia", QUESTIONS[1], "i na Boneiru?", QUESTIONS[4], "Masha danki"),
    ("Hello", QUESTIONS[5], "and on Saba?", QUESTIONS[2], "Thanks a lot"),
)
# A long conversation repeats this: topics, follow-ups that use the kept slots, and
# explicit language switches (which stick until the next one).
LOKET_LONG_CYCLE = ("Wat is huurtoeslag?", "en op Bonaire?", "English please", "What is the Warmtefonds?",
                    "and for a VvE?", "papia papiamentu ku mi", "Kiko ta e Regiodeal?", "i na Boneiru?",
                    "praat Nederlands tegen me", "Hoe vraag ik DigiD aan?")
# The stock bot's own moods, along its stories (its data/).
STOCK_SCRIPTS: tuple[tuple[str, ...], ...] = (
    ("hello", "I am sad", "yes", "great", "bye"),
    ("hi", "I am feeling very good", "are you a bot?", "perfect", "goodbye"),
    ("good morning", "I am unhappy", "no", "I am great", "see you later"),
)
STOCK_LONG_CYCLE = ("hello", "I am sad", "yes", "are you a bot?", "great", "hey", "very sad", "no",
                    "amazing", "bye")
# Loket's speed-ups that can be switched off in a running server (rasa_timing.py --without),
# for the before-and-after rows: what the row is called -> the switch (None: all on).
CHANGES: tuple[tuple[str, str | None], ...] = (
    ("none: all on", None),
    ("jsonschema validator cache", "schema-cache"),
    ("event class cache", "event-classes"),
    ("tracker store reads only new rows", "session-cache"),
    ("policies' states built on", "prior-states"),
    ("recent events to the actions", "recent-events"),
    ("SQLite WAL", "wal"),
)


# A stage (turn, parse, ...) -> (seconds, calls) in a Rasa server, from benchmarks/rasa_timing.py.
Stages = dict[str, tuple[float, int]]


class ServerFailed(RuntimeError):
    """A server did not start or stopped answering."""


@dataclass(frozen=True)
class Bot:
    name: str
    rest_url: str
    headers: dict[str, str]
    scripts: tuple[tuple[str, ...], ...]
    long_cycle: tuple[str, ...]
    timing_file: Path
    # Loket always answers; the stock bot's TED policy may answer nothing to a message
    # late in a long conversation, which is a turn all the same.
    require_reply: bool = True


@dataclass
class Phase:
    round: int
    users: int
    bot: str
    turns: list[Turn]
    stages: Stages  # what the server spent during the phase


@dataclass
class Results:
    phases: list[Phase] = field(default_factory=list)
    long: dict[str, list[Turn]] = field(default_factory=dict)
    long_stages: dict[str, Stages] = field(default_factory=dict)
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    cold_start: dict[str, float] = field(default_factory=dict)
    # one Loket server per change switched off: its 20-user phase and long conversations
    changes: dict[str, Phase] = field(default_factory=dict)
    changes_long: dict[str, list[Turn]] = field(default_factory=dict)

    def errors(self) -> int:
        turns = [turn for phase in self.phases for turn in phase.turns]
        turns += [turn for phase in self.changes.values() for turn in phase.turns]
        turns += [turn for long in [*self.long.values(), *self.changes_long.values()] for turn in long]
        return sum(1 for turn in turns if turn.error is not None)


# --- the stock bot ------------------------------------------------------------------

def stock_model_exists() -> bool:
    return any((STOCK_DIR / "models").glob("*.tar.gz"))


def ensure_stock_bot() -> None:
    """`rasa init` the stock bot once (it trains a model); a later run reuses it."""
    if stock_model_exists():
        return
    STOCK_DIR.mkdir(parents=True, exist_ok=True)  # --no-prompt needs the directory to exist
    log = LOG_DIR / "bench-stock-init.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"training the stock bot with `rasa init` (log in {log}) ...", flush=True)
    with log.open("ab") as out:
        done = subprocess.run([str(BIN_DIR / "rasa"), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)],  # noqa: S603
                              cwd=PROJECT_DIR, stdout=out, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0 or not stock_model_exists():
        raise ServerFailed(f"`rasa init` failed ({done.returncode}); see {log}")


@dataclass
class StockBot:
    """The stock bot as `rasa run` serves it: its own credentials.yml (`rest:`), its
    in-memory tracker store; its action server only if its endpoints name one."""

    port: int
    rasa_command: tuple[str, ...] = ()
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def rest_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhooks/rest/webhook"

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = (LOG_DIR / f"bench-stock-{name}.{self.port}.log").open("ab")
        process = subprocess.Popen(command, cwd=STOCK_DIR, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                                   start_new_session=True)
        self._processes.append(process)
        return process

    def start(self) -> None:
        with (STOCK_DIR / "endpoints.yml").open(encoding="utf-8") as handle:
            action_endpoint = (yaml.safe_load(handle) or {}).get("action_endpoint")
        if action_endpoint:  # not by default: `rasa init` leaves it commented out
            port = urlsplit(action_endpoint["url"]).port or 5055
            self._spawn("actions", [str(BIN_DIR / "rasa"), "run", "actions", "--port", str(port)])
        self._spawn("rasa", [*(self.rasa_command or (str(BIN_DIR / "rasa"),)), "run", "--port", str(self.port),
                             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"])

    @property
    def rasa_pid(self) -> int:
        return self._processes[-1].pid

    def wait_until_ready(self, timeout: float = START_TIMEOUT) -> None:
        wait_for(f"http://127.0.0.1:{self.port}/webhooks/rest/", self.raise_if_exited, timeout)

    def raise_if_exited(self) -> None:
        for process in self._processes:
            if process.poll() is not None:
                raise ServerFailed(f"the stock bot exited with {process.returncode}; see {LOG_DIR}/bench-stock-*")

    def stop(self) -> None:
        stop_processes(self._processes)
        self._processes.clear()


def wait_for(url: str, check_alive: Callable[[], None], timeout: float) -> None:
    """Until GET `url` answers 2xx; `check_alive()` raises if the server died."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - localhost
                if 200 <= response.status < 300:
                    return
        except (urllib.error.URLError, OSError):
            pass
        check_alive()
        if time.monotonic() > deadline:
            raise ServerFailed(f"{url} did not answer within {timeout:.0f} s")
        time.sleep(0.2)


# --- starting both --------------------------------------------------------------

def loket_servers(rasa_command: tuple[str, ...] = ()) -> Servers:
    """Loket as `make run` starts it, on free ports, with the benchmark's tracker store."""
    return Servers(rasa_port=free_port(), actions_port=free_port(),
                   tracker_url=f"sqlite:///{VAR_DIR / 'bench-tracker.db'}", rasa_command=rasa_command)


def timed_command(timing_file: Path, without: str | None = None) -> tuple[str, ...]:
    """The command that starts Rasa with stage timers writing to `timing_file` (emptied),
    with one of Loket's changes switched off if `without` names one."""
    timing_file.unlink(missing_ok=True)
    return (sys.executable, str(TIMING_SCRIPT), str(timing_file), *(("--without", without) if without else ()))


def loket_bot(name: str, servers: Servers, timing_file: Path) -> Bot:
    """Loket over REST with the bearer token, as the Telegram adapter calls it."""
    return Bot(name, f"http://127.0.0.1:{servers.rasa_port}/webhooks/rest/webhook",
               {"Authorization": f"Bearer {servers.rest_token}"}, LOKET_SCRIPTS, LOKET_LONG_CYCLE, timing_file)


@contextlib.contextmanager
def both_bots() -> Iterator[tuple[Bot, Bot, dict[str, int]]]:
    """Both bots up (started together: they load their models in parallel), with stage
    timers; yields them and the PIDs whose peak memory the report shows."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    loket_timing, stock_timing = BENCH_DIR / "timing-loket.json", BENCH_DIR / "timing-stock.json"
    with contextlib.ExitStack() as stack:
        stock = StockBot(free_port(), timed_command(stock_timing))
        stack.callback(stock.stop)
        stock.start()
        try:
            servers = stack.enter_context(loket_servers(timed_command(loket_timing)))
        except (RuntimeError, TimeoutError, PortTaken) as error:
            raise ServerFailed(f"Loket did not start: {error}") from error
        stock.wait_until_ready()
        actions, rasa = servers._processes[0], servers._processes[1]  # started in this order
        loket = loket_bot("Loket", servers, loket_timing)
        stock_bot = Bot("stock", stock.rest_url, {}, STOCK_SCRIPTS, STOCK_LONG_CYCLE, stock_timing,
                        require_reply=False)
        pids = {"Loket Rasa server": rasa.pid, "Loket action server": actions.pid,
                "stock Rasa server": stock.rasa_pid}
        yield loket, stock_bot, pids


# --- measuring ------------------------------------------------------------------

async def read_stages(timing_file: Path, newer_than: float, timeout: float = 15.0) -> Stages:
    """The server's stage totals from a snapshot written after `newer_than` (time.time())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(timing_file.read_text(encoding="utf-8"))
            if data["written_at"] > newer_than:
                return {name: (stage["seconds"], stage["calls"]) for name, stage in data["stages"].items()}
        await asyncio.sleep(0.2)
    raise ServerFailed(f"{timing_file} was not updated for {timeout:.0f} s: did the server stop?")


def stage_delta(before: Stages, after: Stages) -> Stages:
    return {name: (after[name][0] - before[name][0], after[name][1] - before[name][1]) for name in after}


@contextlib.asynccontextmanager
async def sender(bot: Bot) -> AsyncIterator[Send]:
    # A session per phase: no keep-alive connection the server closed while idle is reused.
    async with aiohttp.ClientSession() as session:
        yield rest_sender(session, bot.rest_url, bot.headers, require_reply=bot.require_reply)


async def warm_up(bot: Bot, seconds: float) -> None:
    """Every script once, then a short burst at the highest load: caches, lazy imports
    and TensorFlow's first calls are paid before anything is measured."""
    async with sender(bot) as send:
        turns = await play(send, bot.scripts, sender_prefix="warmup")
        turns += await closed_loop(send, max(USERS), seconds, bot.scripts, sender_prefix="warmup")
    failed = [turn.error for turn in turns if turn.error]
    if failed:
        raise ServerFailed(f"{bot.name} failed while warming up: {failed[0]}")


async def phase(bot: Bot, round_: int, users: int, seconds: float) -> Phase:
    before = await read_stages(bot.timing_file, time.time())
    async with sender(bot) as send:
        turns = await closed_loop(send, users, seconds, bot.scripts, sender_prefix=f"bench{users}")
    after = await read_stages(bot.timing_file, time.time())
    result = Phase(round_, users, bot.name, turns, stage_delta(before, after))
    summary = summarize(turns)
    print(f"round {round_}, {users:>2} users, {bot.name:<5}: {summary.throughput:6.1f} turns/s, "
          f"p95 {summary.p95_ms:6.0f} ms, {summary.errors} errors", flush=True)
    print_first_error(turns)
    return result


def print_first_error(turns: Sequence[Turn]) -> None:
    failed = next((turn for turn in turns if turn.error), None)
    if failed:
        print(f"  first error (sender {failed.sender}, turn {failed.number}): {failed.error}", flush=True)


def long_scripts(cycle: Sequence[str], turns: int, users: int) -> list[list[str]]:
    """One long conversation per user; each starts at another point of the cycle, so
    every window of turns holds the same mix of messages over all users."""
    return [[cycle[(user + turn) % len(cycle)] for turn in range(turns)] for user in range(users)]


async def long_conversations(bot: Bot, turns: int) -> tuple[list[Turn], Stages]:
    before = await read_stages(bot.timing_file, time.time())
    async with sender(bot) as send:
        result = await play(send, long_scripts(bot.long_cycle, turns, LONG_USERS), sender_prefix="long")
    after = await read_stages(bot.timing_file, time.time())
    print(f"long conversations, {bot.name:<5}: {turns} turns x {LONG_USERS} users in {span(result):.0f} s",
          flush=True)
    print_first_error(result)
    return result, stage_delta(before, after)


async def measure(bots: Sequence[Bot], seconds: float, rounds: int, long_turns: int) -> Results:
    results = Results()
    for bot in bots:
        await warm_up(bot, min(5.0, seconds))
    for round_ in range(1, rounds + 1):
        for users in USERS:
            for bot in bots:
                results.phases.append(await phase(bot, round_, users, seconds))
    for bot in bots:
        results.long[bot.name], results.long_stages[bot.name] = await long_conversations(bot, long_turns)
    return results


@contextlib.contextmanager
def change_bots() -> Iterator[list[tuple[str, Bot]]]:
    """One Loket server per row of CHANGES, each with its own tracker database, started
    together; yields (row, bot) pairs."""
    with contextlib.ExitStack() as stack:
        started: list[tuple[str, Servers, Path]] = []
        for label, without in CHANGES:
            name = without or "all-on"
            database = BENCH_DIR / f"changes-{name}.db"
            for leftover in BENCH_DIR.glob(f"changes-{name}.db*"):  # WAL mode stays in the file
                leftover.unlink()
            timing = BENCH_DIR / f"timing-changes-{name}.json"
            servers = Servers(rasa_port=free_port(), actions_port=free_port(), tracker_url=f"sqlite:///{database}",
                              rasa_command=timed_command(timing, without), purging=False)
            stack.callback(servers.stop)
            servers.start()
            started.append((label, servers, timing))
        bots = []
        for label, servers, timing in started:
            try:
                servers.wait_until_ready(START_TIMEOUT)
            except (RuntimeError, TimeoutError) as error:
                raise ServerFailed(f"Loket ({label}) did not start: {error}") from error
            bots.append((label, loket_bot(label, servers, timing)))
        yield bots


async def measure_changes(bots: Sequence[tuple[str, Bot]], seconds: float, long_turns: int, results: Results) -> None:
    """Each server in turn at 20 users, then each in long conversations: side by side, so
    the machine's noise falls on all of them."""
    for _, bot in bots:
        await warm_up(bot, min(5.0, seconds))
    for label, bot in bots:
        results.changes[label] = await phase(bot, 1, max(USERS), seconds)
    for label, bot in bots:
        results.changes_long[label], _ = await long_conversations(bot, long_turns)


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- cold start -----------------------------------------------------------------

async def first_answer(url: str, headers: dict[str, str], text: str, check_alive: Callable[[], None],
                       timeout: float = START_TIMEOUT) -> None:
    """Ask until the bot answers with a message (connection refused until it is up)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        send = rest_sender(session, url, headers, timeout=30)
        while True:
            try:
                await send(f"coldstart-{uuid.uuid4().hex}", text)  # a new conversation
                return
            except (aiohttp.ClientError, OSError, ValueError, asyncio.TimeoutError, TurnFailed):
                check_alive()
                if time.monotonic() > deadline:
                    raise ServerFailed(f"{url} gave no answer within {timeout:.0f} s") from None
                await asyncio.sleep(0.2)


def cold_start_loket() -> float:
    """From starting the processes to the first answer, as `make run` starts them
    (Servers returns once both answer their health checks; then the first message)."""
    started = time.perf_counter()
    try:
        with loket_servers() as servers:
            asyncio.run(first_answer(servers.rest_url.replace("localhost", "127.0.0.1"),
                                     {"Authorization": f"Bearer {servers.rest_token}"}, "hoi",
                                     servers.raise_if_exited))
            return time.perf_counter() - started
    except (RuntimeError, TimeoutError, PortTaken) as error:
        raise ServerFailed(f"Loket did not start: {error}") from error


def cold_start_stock() -> float:
    stock = StockBot(free_port())
    started = time.perf_counter()
    try:
        stock.start()
        asyncio.run(first_answer(stock.rest_url, {}, "hello", stock.raise_if_exited))
        return time.perf_counter() - started
    finally:
        stock.stop()


# --- the report -----------------------------------------------------------------

def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines + [""]


def machine() -> str:
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores ({model})"


def summary_of(results: Results, bot: str, users: int, round_: int | None = None) -> Summary:
    return summarize(*(phase.turns for phase in results.phases
                       if phase.bot == bot and phase.users == users and round_ in (None, phase.round)))


def load_section(results: Results, rounds: int) -> list[str]:
    rows: list[list[object]] = []
    ratios: list[list[object]] = []
    for users in USERS:
        for round_ in [*range(1, rounds + 1), None]:
            label = "all" if round_ is None else str(round_)
            loket, stock = summary_of(results, "Loket", users, round_), summary_of(results, "stock", users, round_)
            for name, summary in (("Loket", loket), ("stock", stock)):
                rows.append([users, label, name, summary.turns, f"{summary.throughput:.1f}",
                             f"{summary.p50_ms:.0f}", f"{summary.p95_ms:.0f}", summary.errors])
            ratios.append([users, label, f"{loket.throughput / stock.throughput:.2f}" if stock.throughput else "-",
                           f"{loket.p95_ms / stock.p95_ms:.2f}" if stock.p95_ms else "-"])
    return (["## Throughput and latency", "",
             "Closed loop: each user sends a message, waits for the answer and sends the next at once. Every five",
             "turns a user starts a fresh conversation (a new sender id). turns/s counts answered turns over the",
             "phase's time, including the last turns still running at its end. \"all\" pools the rounds.", ""]
            + table(["users", "round", "bot", "turns", "turns/s", "p50 ms", "p95 ms", "errors"], rows)
            + ["Loket against the stock bot in the same round (throughput: higher is better for Loket;",
               "p95: lower is better for Loket):", ""]
            + table(["users", "round", "throughput Loket / stock", "p95 Loket / stock"], ratios))


def breakdown_row(bot: str, load: str, stages: Sequence[Stages]) -> list[object]:
    """ms per turn in each stage, summed over `stages` (one per phase)."""
    turns = sum(stage["turn"][1] for stage in stages) or 1
    ms = {name: 1000 * sum(stage[name][0] for stage in stages) / turns for name in (*STAGES, "turn")}
    other = ms["turn"] - sum(ms[name] for name in STAGES)
    action_calls = sum(stage["actions"][1] for stage in stages) / turns
    return [bot, load, *(f"{ms[name]:.1f}" for name in STAGES), f"{other:.1f}", f"{ms['turn']:.1f}",
            f"{action_calls:.1f}"]


def breakdown_section(results: Results, long_turns: int) -> list[str]:
    rows: list[list[object]] = []
    for users in USERS:
        for bot in ("Loket", "stock"):
            load = f"{users} user" + ("s" if users != 1 else "")
            rows.append(breakdown_row(bot, load, [phase.stages for phase in results.phases
                                                  if phase.bot == bot and phase.users == users]))
    for bot, stages in results.long_stages.items():
        rows.append(breakdown_row(bot, f"{LONG_USERS} users, {long_turns}-turn conversations", [stages]))
    return (["## Where a turn's time goes", "",
             "Milliseconds per turn inside the Rasa server, all rounds together (`benchmarks/rasa_timing.py` times",
             "Rasa's own methods). \"action server\" is the HTTP round trip to the custom actions, with the check",
             "of their answer. \"other\" is the rest of the turn: Rasa's own actions, events, the output channel.",
             "The REST channel's checks and the conversation lock come before the turn and are not in it. At 20",
             "users the turns share one event loop, so a stage that waits (the action server) also holds the time",
             "other turns ran; the 1-user rows show what a turn costs. The last rows are the long conversations",
             "below, all their turns.", ""]
            + table(["bot", "load", *(STAGE_NAMES[name] for name in STAGES), "other", "whole turn",
                     "action calls / turn"], rows))


def long_section(results: Results, long_turns: int) -> list[str]:
    rows: list[list[object]] = []
    early_end, late_start = min(10, long_turns // 2), long_turns - min(10, long_turns // 2) + 1
    for bot, turns in results.long.items():
        early, late = window_ms(turns, 1, early_end), window_ms(turns, late_start, long_turns)
        ratio = late_over_early(turns, long_turns)[2]
        rows.append([bot, f"{mean(early):.0f}", f"{percentile(early, 50):.0f}", f"{mean(late):.0f}",
                     f"{percentile(late, 50):.0f}", f"{ratio:.2f}", sum(1 for t in turns if t.error),
                     f"{span(turns):.0f}"])
    first, last = f"1–{early_end}", f"{late_start}–{long_turns}"
    return ([f"## Long conversations ({long_turns} turns)", "",
             f"{LONG_USERS} users at once, each in one conversation of {long_turns} turns (one sender id, one",
             "session). Loket's messages mix topics, follow-ups that use the kept slots (\"en op Bonaire?\") and",
             f"language switches. The ratio compares the mean of turns {long_turns - 4}–{long_turns} with turns 3–7.",
             ""]
            + table(["bot", f"mean ms, turns {first}", f"p50 ms, turns {first}", f"mean ms, turns {last}",
                     f"p50 ms, turns {last}", f"turn {long_turns} / turn 5", "errors", "seconds"], rows))


def changes_section(results: Results, long_turns: int) -> list[str]:
    if not results.changes:
        return []
    base = summarize(results.changes[CHANGES[0][0]].turns)
    rows: list[list[object]] = []
    for label, _ in CHANGES:
        summary = summarize(results.changes[label].turns)
        early, late, ratio = late_over_early(results.changes_long[label], long_turns)
        rows.append([label, f"{summary.throughput:.1f}", f"{summary.throughput / base.throughput:.2f}",
                     f"{summary.p95_ms:.0f}", f"{early:.0f}", f"{late:.0f}", f"{ratio:.2f}"])
    return (["## Each change, switched off alone", "",
             "One Loket server per row, all up at once, measured one after the other in the same run: the first",
             "with every change, each other with one change put back to Rasa's own code",
             "(`benchmarks/rasa_timing.py --without`). A row shows what Loket is like *before* that change, the",
             "first row *after* all of them. Throughput at 20 users over fresh five-turn conversations (ratio to",
             "the first row: below 1 means the change helps), and long conversations",
             f"({LONG_USERS} users, {long_turns} turns each, one session): the mean of turns",
             f"{long_turns - 4}–{long_turns} against turns 3–7.",
             "Two changes live in the domain and the model and cannot be switched off here: the language slot",
             "filled by Rasa from the message's entity instead of an action call on every turn (action calls per",
             "turn 2.8 → 0.8, see the breakdown above), and the domain sent only to the form validators.", ""]
            + table(["switched off", "20 users turns/s", "vs all on", "p95 ms", "turns 3–7 ms",
                     f"turns {long_turns - 4}–{long_turns} ms", "late / early"], rows))


def late_over_early(turns: Sequence[Turn], long_turns: int) -> tuple[float, float, float]:
    """Mean ms of turns 3–7 and of the last five, and the second over the first."""
    early, late = mean(window_ms(turns, 3, 7)), mean(window_ms(turns, long_turns - 4, long_turns))
    return early, late, late / early


def window_ms(turns: Sequence[Turn], first: int, last: int) -> list[float]:
    """Latencies (ms) of the answered turns numbered `first` to `last` in their conversations."""
    return [turn.seconds * 1000 for turn in turns if first <= turn.number <= last and turn.error is None]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def report(results: Results, args: argparse.Namespace) -> str:
    rounds = f"{args.rounds} round" + ("s" if args.rounds != 1 else "")
    today = f"{datetime.now(timezone.utc):%Y-%m-%d}"
    lines = ["# Loket and the stock Rasa bot, side by side", "",
             f"`make bench` ran `benchmarks/throughput.py` on {today}: Loket and the stock `rasa init` bot",
             f"(Rasa {version('rasa')}) side by side on one machine with {machine()}. Both servers were up the",
             f"whole time. Load phases of {args.seconds:g} s alternated between them, at 1 and at 20 users, in",
             f"{rounds}, after a warm-up. The machine is shared and its speed varies, so compare the ratios: both",
             "bots were measured in the same run, a minute apart. Loket ran as `make run` starts it (action server,",
             "SQLite tracker store), with its rate limits off; the stock bot with `rasa run` (in-memory tracker",
             "store, no action server). Both were asked over Rasa's REST channel.", ""]
    lines += load_section(results, args.rounds)
    lines += breakdown_section(results, args.long_turns)
    lines += long_section(results, args.long_turns)
    lines += changes_section(results, args.long_turns)
    lines += ["## Memory and cold start", "",
              "Peak resident memory (VmHWM) of each server process over the whole run:", ""]
    lines += table(["process", "peak RSS MB"], [[name, f"{mb:.0f}"] for name, mb in results.peak_rss_mb.items()])
    lines += ["Cold start: from starting the processes to the first answered message, one fresh start of each",
              "bot after the load phases (files already in the page cache). Loket's includes its action server.", ""]
    lines += table(["bot", "seconds"], [[name, f"{seconds:.1f}"] for name, seconds in results.cold_start.items()])
    return "\n".join(lines).rstrip() + "\n"


# --- main -----------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each load phase (default 30)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of phases (default 2)")
    parser.add_argument("--long-turns", type=int, default=100, help="turns per long conversation (default 100)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 s phases, 1 round, 20 long turns")
    parser.add_argument("--no-changes", action="store_true",
                        help="skip the before-and-after rows (one Loket server per change; ~10 minutes)")
    args = parser.parse_args(argv)
    if args.quick:
        args.seconds, args.rounds, args.long_turns = 5.0, 1, 20
    if args.long_turns < 10:
        parser.error("--long-turns must be at least 10")
    return args


def configure_environment() -> None:
    # Loket's processes inherit these; 0 turns the REST rate limits off (bot/settings.py).
    os.environ.update({"LOKET_RATE_LIMIT": "0", "LOKET_FLOOD_LIMIT": "0"})
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def run(args: argparse.Namespace) -> Results:
    ensure_stock_bot()
    with both_bots() as (loket, stock, pids):
        results = asyncio.run(measure((loket, stock), args.seconds, args.rounds, args.long_turns))
        results.peak_rss_mb = {name: peak_rss_mb(pid) for name, pid in pids.items()}
    if not args.no_changes:
        with change_bots() as bots:
            asyncio.run(measure_changes(bots, args.seconds, args.long_turns, results))
    results.cold_start = {"Loket": cold_start_loket(), "stock": cold_start_stock()}
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    configure_environment()
    try:
        results = run(args)
    except ServerFailed as error:
        print(f"benchmark stopped: {error}", file=sys.stderr)
        return 2
    REPORT.write_text(report(results, args), encoding="utf-8")
    print(f"wrote {REPORT}")
    errors = results.errors()
    if errors:
        print(f"{errors} turn(s) failed; see the errors columns", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
