"""Rate limits per conversation and the flood guard per address (bot.channels.rate_limits)."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections.abc import Sequence

import pytest

from bot.channels import rate_limits
from bot.channels.rate_limits import (
    RATE_LIMITED,
    Decision,
    MemoryStore,
    RateLimits,
    Rule,
    WindowStore,
    open_store,
    register_store,
)
from bot.i18n import gettext

CONVERSATION = "widget-4f1c2a9e-0000-4000-8000-000000000001"
OTHER = "telegram-123456789"


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def limits(clock: Clock, **options: object) -> RateLimits:
    return RateLimits(clock=clock, **options)  # type: ignore[arg-type]


def test_defaults_are_20_a_conversation_and_600_an_address_a_minute_in_memory():
    limiter = RateLimits()
    assert (limiter.per_conversation, limiter.per_address, limiter.window) == (20, 600, 60.0)
    assert isinstance(limiter.store, MemoryStore)


def test_the_21st_message_in_a_minute_is_refused_while_another_conversation_goes_on():
    clock = Clock()
    limiter = limits(clock)
    for second in range(20):
        clock.now = 1000.0 + second
        assert limiter.allow(CONVERSATION, "203.0.113.7").allowed
    refused = limiter.allow(CONVERSATION, "203.0.113.7")
    assert refused == Decision(False, refused.retry_after, "conversation")
    assert limiter.allow(OTHER, "203.0.113.7").allowed
    assert limiter.allow(OTHER).allowed


def test_after_the_window_the_conversation_may_send_again():
    clock = Clock()
    limiter = limits(clock)
    for _ in range(20):
        assert limiter.allow(CONVERSATION).allowed
    clock.now += 59.999
    assert not limiter.allow(CONVERSATION).allowed
    clock.now += 0.001
    assert [limiter.allow(CONVERSATION).allowed for _ in range(21)] == [True] * 20 + [False]


def test_the_window_slides_rather_than_restarting_each_minute():
    clock = Clock()
    limiter = limits(clock)
    for _ in range(10):
        assert limiter.allow(CONVERSATION).allowed
    clock.now += 30
    for _ in range(10):
        assert limiter.allow(CONVERSATION).allowed
    clock.now += 30  # the first ten have left the window, the last ten have not
    assert [limiter.allow(CONVERSATION).allowed for _ in range(11)] == [True] * 10 + [False]


def test_a_refused_message_is_not_counted_so_it_passes_when_resent_after_retry_after():
    clock = Clock()
    limiter = limits(clock)
    for _ in range(20):
        limiter.allow(CONVERSATION)
    start = clock.now
    for _ in range(100):  # a widget resending from its outbox, too early
        clock.now += 0.5
        decision = limiter.allow(CONVERSATION)
        assert not decision.allowed
        assert decision.retry_after == pytest.approx(start + 60 - clock.now)
    clock.now = start + 60
    assert [limiter.allow(CONVERSATION).allowed for _ in range(21)] == [True] * 20 + [False]


def test_retry_after_is_the_time_until_the_oldest_message_leaves_the_window():
    clock = Clock()
    limiter = limits(clock)
    for _ in range(20):
        limiter.allow(CONVERSATION)
        clock.now += 1  # one message a second, from 1000 to 1019
    clock.now = 1030.0
    decision = limiter.allow(CONVERSATION)
    assert (decision.allowed, decision.reason) == (False, "conversation")
    assert decision.retry_after == pytest.approx(30.0)
    assert decision.retry_after_header == "30"
    clock.now = 1059.75
    assert limiter.allow(CONVERSATION).retry_after == pytest.approx(0.25)
    assert limiter.allow(CONVERSATION).retry_after_header == "1"
    clock.now = 1060.0
    allowed = limiter.allow(CONVERSATION)
    assert allowed == Decision(True, 0.0, None)
    assert limiter.allow(CONVERSATION).retry_after == pytest.approx(1.0)  # the message of 1001 leaves next


def test_zero_turns_a_limit_off():
    clock = Clock()
    no_conversation_limit = limits(clock, per_conversation_per_minute=0, flood_per_address_per_minute=0)
    assert all(no_conversation_limit.allow(CONVERSATION, "203.0.113.7").allowed for _ in range(5000))
    assert len(no_conversation_limit.store) == 0  # nothing is even counted

    no_flood_guard = limits(clock, per_conversation_per_minute=20, flood_per_address_per_minute=0)
    assert all(no_flood_guard.allow(f"widget-{n}", "203.0.113.7").allowed for n in range(2000))
    assert [no_flood_guard.allow("widget-1", "203.0.113.7").allowed for _ in range(20)] == [True] * 19 + [False]

    only_flood_guard = limits(clock, per_conversation_per_minute=0, flood_per_address_per_minute=30)
    assert [only_flood_guard.allow(CONVERSATION, "203.0.113.7").allowed for _ in range(31)] == [True] * 30 + [False]


@pytest.mark.parametrize("value", [-1, 1.5, True, "20"])
def test_a_limit_must_be_a_whole_number_of_at_least_zero(value):
    with pytest.raises(ValueError, match="whole number"):
        RateLimits(per_conversation_per_minute=value)
    with pytest.raises(ValueError, match="whole number"):
        RateLimits(flood_per_address_per_minute=value)


def test_many_conversations_from_one_address_pass_until_the_flood_guard():
    clock = Clock()
    limiter = limits(clock)
    island = "190.112.0.1"  # one mobile network's address for many residents
    for n in range(600):
        assert limiter.allow(f"widget-{n}", island).allowed
    refused = limiter.allow("widget-600", island)
    assert (refused.allowed, refused.reason) == (False, "address")
    assert refused.retry_after == pytest.approx(60.0)
    assert limiter.allow("widget-600", "190.112.0.2").allowed  # another address goes on
    assert limiter.allow("widget-601").allowed  # a conversation without an address (Telegram) goes on


def test_a_message_refused_by_one_limit_is_not_counted_by_the_other():
    clock = Clock()
    limiter = limits(clock, flood_per_address_per_minute=25)
    for n in range(25):
        limiter.allow(f"widget-{n}", "198.51.100.1")
    for _ in range(50):  # refused by the flood guard: not counted for the conversation
        assert limiter.allow(CONVERSATION, "198.51.100.1").reason == "address"
    assert [limiter.allow(CONVERSATION, "198.51.100.2").allowed for _ in range(21)] == [True] * 20 + [False]
    clock.now += 60  # refused by the conversation limit: not counted for the new address
    limiter.allow("widget-busy", "198.51.100.3")
    for _ in range(20):
        limiter.allow(CONVERSATION, "198.51.100.9")
    for _ in range(50):
        assert limiter.allow(CONVERSATION, "198.51.100.3").reason == "conversation"
    assert [limiter.allow(f"widget-x{n}", "198.51.100.3").allowed for n in range(25)] == [True] * 24 + [False]


def test_when_both_limits_are_full_retry_after_waits_for_both_and_names_the_longer():
    clock = Clock()
    limiter = limits(clock, per_conversation_per_minute=2, flood_per_address_per_minute=3)
    limiter.allow("widget-a", "198.51.100.1")
    limiter.allow("widget-b", "198.51.100.1")
    clock.now = 1010.0
    limiter.allow(CONVERSATION, "198.51.100.2")
    clock.now = 1020.0
    limiter.allow(CONVERSATION, "198.51.100.1")  # the address is full until 1060, the conversation until 1070
    assert limiter.allow(CONVERSATION, "198.51.100.1") == Decision(False, 50.0, "conversation")
    clock.now = 1065.0
    assert limiter.allow(CONVERSATION, "198.51.100.1") == Decision(False, 5.0, "conversation")

    clock = Clock()
    limiter = limits(clock, per_conversation_per_minute=2, flood_per_address_per_minute=3)
    limiter.allow(CONVERSATION, "198.51.100.2")
    limiter.allow(CONVERSATION, "198.51.100.2")  # the conversation is full until 1060
    clock.now = 1030.0
    for name in ("widget-a", "widget-b", "widget-c"):
        limiter.allow(name, "198.51.100.1")  # the address is full until 1090
    assert limiter.allow(CONVERSATION, "198.51.100.1") == Decision(False, 60.0, "address")
    clock.now = 1060.0
    assert limiter.allow(CONVERSATION, "198.51.100.1") == Decision(False, 30.0, "address")


def test_ipv6_addresses_count_per_64_block():
    clock = Clock()
    limiter = limits(clock, flood_per_address_per_minute=3)
    assert limiter.allow("widget-1", "2001:db8:1:2::1").allowed
    assert limiter.allow("widget-2", "2001:db8:1:2:aaaa::9").allowed
    assert limiter.allow("widget-3", "[2001:db8:1:2::ff]:443").allowed
    assert limiter.allow("widget-4", "2001:db8:1:2:ffff::1").reason == "address"
    assert limiter.allow("widget-5", "2001:db8:1:3::1").allowed


def test_x_forwarded_for_is_honoured_only_from_a_trusted_proxy():
    limiter = RateLimits(trusted_proxies=["10.0.0.2", "172.18.0.0/16"])
    assert limiter.client_address("203.0.113.7", "198.51.100.1") == "203.0.113.7"  # a client's own header
    assert limiter.client_address("203.0.113.7", None) == "203.0.113.7"
    assert limiter.client_address("10.0.0.2", "198.51.100.1") == "198.51.100.1"
    assert limiter.client_address("172.18.3.4", " 198.51.100.1 ") == "198.51.100.1"  # a trusted network
    assert limiter.client_address("10.0.0.3", "198.51.100.1") == "10.0.0.3"
    assert limiter.client_address("10.0.0.2", None) == "10.0.0.2"
    assert limiter.client_address("10.0.0.2", "") == "10.0.0.2"
    assert RateLimits().client_address("10.0.0.2", "198.51.100.1") == "10.0.0.2"  # no proxy trusted


def test_x_forwarded_for_is_read_from_the_right_past_trusted_proxies_only():
    limiter = RateLimits(trusted_proxies=["10.0.0.2", "10.0.0.3"])
    # A proxy that appends: the client's own first entry is not believed.
    assert limiter.client_address("10.0.0.2", "192.0.2.66, 198.51.100.1") == "198.51.100.1"
    # Two trusted proxies in a row.
    assert limiter.client_address("10.0.0.2", "198.51.100.1, 10.0.0.3") == "198.51.100.1"
    # Only trusted proxies: the farthest one.
    assert limiter.client_address("10.0.0.2", "10.0.0.3") == "10.0.0.3"
    # A garbled entry: the proxy that passed it on is the client as far as we know.
    assert limiter.client_address("10.0.0.2", "198.51.100.1, not-an-address") == "10.0.0.2"
    assert limiter.client_address("10.0.0.2", "198.51.100.1, unknown, 10.0.0.3") == "10.0.0.3"


def test_addresses_are_read_with_ports_brackets_and_ipv4_mapped_ipv6():
    limiter = RateLimits(trusted_proxies=["10.0.0.2", "::1"])
    assert limiter.client_address("::ffff:10.0.0.2", "198.51.100.1:5555") == "198.51.100.1"
    assert limiter.client_address("::1", "[2001:db8::7]:443") == "2001:db8::7"
    assert limiter.client_address("::1", '"[2001:DB8::8]"') == "2001:db8::8"
    assert limiter.client_address("2001:0db8:0000::0001", None) == "2001:db8::1"
    assert limiter.client_address("", None) == "unknown"
    assert limiter.client_address("/run/loket.sock", "198.51.100.1") == "/run/loket.sock"


def test_idle_conversations_are_forgotten():
    clock = Clock()
    limiter = limits(clock)
    for n in range(1000):
        limiter.allow(f"widget-{n}", f"198.51.100.{n % 200}")
    assert len(limiter.store) == 1200
    clock.now += 30
    limiter.allow(CONVERSATION)
    assert len(limiter.store) == 1201
    clock.now += 30
    limiter.allow(OTHER)
    assert len(limiter.store) == 2  # CONVERSATION (30 s ago) and OTHER


class Instant(float):
    """A time that lets another thread run at each comparison, so that threads interleave
    inside the store where a missing lock would let them both count the same free place."""

    def __sub__(self, other: float) -> Instant:
        return Instant(float(self) - other)

    def __le__(self, other: float) -> bool:
        time.sleep(0)
        return float(self) <= other

    def __gt__(self, other: float) -> bool:
        time.sleep(0)
        return float(self) > other


def test_fifty_threads_on_one_conversation_admit_exactly_the_limit():
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to provoke races
    try:
        for _ in range(20):
            limiter = RateLimits(clock=lambda: Instant(1000.0))
            limiter.allow("widget-earlier", "203.0.113.7")
            start = threading.Barrier(50)
            admitted: list[bool] = []

            def send(limiter: RateLimits = limiter, start: threading.Barrier = start, admitted=admitted) -> None:
                start.wait()
                admitted.append(limiter.allow(CONVERSATION, "203.0.113.7").allowed)

            threads = [threading.Thread(target=send) for _ in range(50)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert (admitted.count(True), admitted.count(False)) == (20, 30)
    finally:
        sys.setswitchinterval(interval)


def test_fifty_concurrent_tasks_on_one_conversation_admit_exactly_the_limit():
    async def main() -> list[Decision]:
        limiter = RateLimits()
        return await asyncio.gather(*(limiter.allow_async(CONVERSATION, "203.0.113.7") for _ in range(50)))

    decisions = asyncio.run(main())
    assert [decision.allowed for decision in decisions].count(True) == 20
    assert {decision.reason for decision in decisions if not decision.allowed} == {"conversation"}


def test_the_real_clock_with_a_short_window():
    limiter = RateLimits(per_conversation_per_minute=2, window=0.2)
    assert [limiter.allow(CONVERSATION).allowed for _ in range(3)] == [True, True, False]
    time.sleep(0.25)
    assert limiter.allow(CONVERSATION).allowed


def test_a_conversation_key_is_required():
    with pytest.raises(ValueError, match="conversation"):
        RateLimits().allow("")


def test_the_store_is_chosen_by_uri():
    assert isinstance(open_store("memory://"), MemoryStore)
    assert isinstance(open_store("MEMORY://"), MemoryStore)
    with pytest.raises(ValueError, match="memory://"):
        open_store("redis://localhost:6379")
    with pytest.raises(ValueError, match="not available"):
        RateLimits(storage_uri="memcached://localhost:11211")


def test_a_shared_store_plugs_in_by_its_scheme_and_is_awaited(monkeypatch):
    class SharedStore(WindowStore):
        """Stands in for a Redis store: it sees the namespaced keys and is awaited."""

        def __init__(self, uri: str) -> None:
            self.uri = uri
            self.calls: list[tuple[tuple[Rule, ...], float]] = []

        def acquire(self, rules: Sequence[Rule], window: float) -> tuple[float, ...]:
            raise AssertionError("a network store is never called without await")

        async def acquire_async(self, rules: Sequence[Rule], window: float) -> tuple[float, ...]:
            await asyncio.sleep(0)
            self.calls.append((tuple(rules), window))
            return (0.0, 12.5)

    monkeypatch.setattr(rate_limits, "_STORES", dict(rate_limits._STORES))
    register_store("Redis", lambda uri, clock: SharedStore(uri))
    limiter = RateLimits(storage_uri="redis://redis:6379/0", trusted_proxies=["10.0.0.2"])
    decision = asyncio.run(limiter.allow_async(CONVERSATION, limiter.client_address("10.0.0.2", "198.51.100.1")))
    assert decision == Decision(False, 12.5, "address")
    assert limiter.store.uri == "redis://redis:6379/0"
    assert limiter.store.calls == [(((f"conversation:{CONVERSATION}", 20), ("address:198.51.100.1", 600)), 60.0)]


def test_the_refusal_is_a_message_for_the_catalogues():
    assert RATE_LIMITED == "You are sending messages very fast. Please wait a minute and try again."
    assert gettext("en", RATE_LIMITED) == RATE_LIMITED
