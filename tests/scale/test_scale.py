"""`make test-scale`: Rasa's production stack (PostgreSQL, Redis lock store, 2 Rasa
servers with their action servers, nginx) under load and under faults, on 127.0.0.1.

The tests run in file order on one stack, the faults last: a killed replica stays
killed. Every run writes reports/scale.md (turns/s with 1 and 2 replicas, CPU seconds
per turn of each process, the capacity model).
"""

from __future__ import annotations

import asyncio
import os
import time
import urllib.request
import uuid

import aiohttp
import pytest

from bot.channels.messages import NO_REPLY
from bot.i18n import gettext
from bot.tooling.scale import Stack, postgres_down
from bot.tooling.servers import free_port
from tests.scale.load import Conversation, cpu_seconds, pids_of, run_conversations, stored_turns
from tests.scale.report import Measurement, write_report

pytestmark = pytest.mark.scale

LOAD_SECONDS = float(os.environ.get("LOKET_SCALE_SECONDS", "60"))
MEASURED: dict[str, Measurement] = {}


@pytest.fixture(scope="module")
def stack(reports_dir):
    environment = {"LOKET_RATE_LIMIT": "0", "LOKET_FLOOD_LIMIT": "0",  # the load comes from one address
                   "TICKET_LOCK_LIFETIME": "5", "LOKET_HANDOVER_DAYS": "1"}
    with Stack(replicas=2, port=free_port(), database=f"loket_scale_{uuid.uuid4().hex[:8]}",
               drop_database_on_stop=True, environment=environment) as running:
        yield running
    if MEASURED:
        write_report(reports_dir / "scale.md", MEASURED)


def conversations(count: int) -> list[Conversation]:
    """Half over REST, half over the widget."""
    return [Conversation("rest" if index % 2 == 0 else "widget") for index in range(count)]


def assert_stored_exactly_once_in_order(stack: Stack, talked: list[Conversation]) -> None:
    """Each acknowledged message is in the tracker once, in the order sent, with a reply;
    a message that was never acknowledged (REST, mid-fault) is there at most once."""
    for conversation in talked:
        stored = stored_turns(stack.database_url, conversation.sender)
        texts = [text for text, _ in stored]
        assert all(replies >= 1 for _, replies in stored), (conversation.sender, stored)
        if not conversation.failed:
            assert texts == conversation.acknowledged, conversation.sender
            continue
        # REST turns that failed may or may not have been handled; none twice, the rest in order
        remaining = iter(texts)
        assert all(any(text == sent for text in remaining) for sent in conversation.acknowledged), \
            conversation.sender
        assert len(texts) <= len(conversation.acknowledged) + len(conversation.failed), conversation.sender


def stack_processes(stack: Stack) -> dict[str, list[int]]:
    return {
        "Rasa servers": [server.pid("rasa") for server in stack.servers],
        "action servers": [server.pid("actions") for server in stack.servers],
        "PostgreSQL": pids_of("postgres"),
        "Redis": pids_of("redis-server"),
        "nginx": pids_of("nginx"),
    }


def measure(stack: Stack, name: str, users: int, seconds: float) -> Measurement:
    processes = stack_processes(stack)
    before = {part: cpu_seconds(pids) for part, pids in processes.items()}
    talked = conversations(users)
    throughput = asyncio.run(run_conversations(stack.url, talked, seconds))
    turns = sum(len(conversation.acknowledged) for conversation in talked)
    cpu = {part: (cpu_seconds(pids_of_part) - before[part]) / max(turns, 1)
           for part, pids_of_part in stack_processes(stack).items()}
    latencies = sorted(latency for conversation in talked for latency in conversation.latencies)
    result = Measurement(name, users, seconds, turns, throughput, latencies,
                         sum(len(c.failed) for c in talked), cpu)
    MEASURED[name] = result
    assert turns > 0
    return result


def test_one_address_serves_the_widget_rest_and_the_desk(stack):
    for path in ("/chat/", "/webhooks/rest/", "/desk/login", "/nginx-health"):
        with urllib.request.urlopen(f"{stack.url}{path}", timeout=10) as response:  # noqa: S310 - 127.0.0.1
            assert response.status == 200, path


def test_40_conversations_for_a_minute_lose_and_repeat_nothing(stack):
    talked = conversations(40)
    started = time.monotonic()
    throughput = asyncio.run(run_conversations(stack.url, talked, LOAD_SECONDS))
    errors = [error for conversation in talked for error in conversation.errors]
    assert errors == []
    assert all(conversation.acknowledged for conversation in talked)
    assert_stored_exactly_once_in_order(stack, talked)
    latencies = sorted(latency for conversation in talked for latency in conversation.latencies)
    MEASURED["load"] = Measurement("load", 40, time.monotonic() - started,
                                   sum(len(c.acknowledged) for c in talked), throughput, latencies, 0, {})


def test_turns_per_second_with_two_replicas_and_with_one(stack):
    seconds = max(LOAD_SECONDS / 3, 10.0)
    two = measure(stack, "2 replicas", 20, seconds)
    stack.route_to(1)
    try:
        one = measure(stack, "1 replica", 20, seconds)
    finally:
        stack.route_to(2)
    assert two.failed == 0 and one.failed == 0  # on 2 cores a second replica may add nothing: no gain asserted


def test_a_postgresql_restart_loses_no_acknowledged_message(stack):
    talked = conversations(10)

    async def talk_through_a_restart() -> float:
        load = asyncio.create_task(run_conversations(stack.url, talked, 30))
        await asyncio.sleep(8)
        with postgres_down(stack):
            await asyncio.sleep(5)
        return await load

    throughput = asyncio.run(talk_through_a_restart())
    failed = sum(len(c.failed) for c in talked)
    latencies = sorted(latency for conversation in talked for latency in conversation.latencies)
    MEASURED["PostgreSQL restarted"] = Measurement("PostgreSQL restarted", 10, 30, sum(len(c.acknowledged)
                                                   for c in talked), throughput, latencies, failed, {})
    assert_stored_exactly_once_in_order(stack, talked)
    # the servers recovered on their own: every conversation was answered after the restart
    answered_after = [conversation.acknowledged[-1:] for conversation in talked]
    assert all(answered_after), "a conversation got no answer after PostgreSQL came back"
    assert all(not conversation.failed for conversation in talked if conversation.channel == "widget")


def test_a_killed_replica_costs_at_most_one_percent_of_turns(stack):
    # The turns that fail are the REST requests in flight on the killed replica (REST has
    # no message id, so nobody may send them again); 12 residents keep both replicas busy.
    talked = conversations(12)

    async def kill_one_midway() -> float:
        load = asyncio.create_task(run_conversations(stack.url, talked, LOAD_SECONDS))
        await asyncio.sleep(LOAD_SECONDS / 3)
        stack.servers[1].kill("rasa")
        return await load

    throughput = asyncio.run(kill_one_midway())
    turns = sum(len(c.acknowledged) + len(c.failed) for c in talked)
    failed = sum(len(c.failed) for c in talked)
    latencies = sorted(latency for conversation in talked for latency in conversation.latencies)
    MEASURED["replica killed"] = Measurement("replica killed", 12, LOAD_SECONDS, turns - failed, throughput, latencies,
                                             failed, {})
    assert failed <= 0.01 * turns, f"{failed} of {turns} turns failed"
    assert all(not conversation.failed for conversation in talked if conversation.channel == "widget")
    assert_stored_exactly_once_in_order(stack, talked)


@pytest.mark.parametrize("language, question", [("nl", "Wat is huurtoeslag?"), ("pap", "Kiko ta huurtoeslag?"),
                                                ("en", "What is rent benefit?")])
def test_without_the_action_server_residents_get_a_short_apology_in_their_language(stack, language, question):
    for server in stack.servers:
        if _alive(server.pid("actions")):
            server.kill("actions")
    for channel in ("rest", "widget"):
        conversation = Conversation(channel)  # type: ignore[arg-type]
        started = time.monotonic()

        async def one_turn(talker: Conversation = conversation) -> None:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
                await talker.turn(session, stack.url, question)

        asyncio.run(one_turn())
        assert time.monotonic() - started < 5.0
        assert conversation.replies == [gettext(language, NO_REPLY)], (channel, conversation.errors)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
