"""Rate limits per conversation, and a high flood guard per client address.

A conversation (`widget-<uuid>`, `telegram-<chat id>`) may send `per_conversation_per_minute`
messages (default 20) in any 60 seconds. Client addresses are NOT limited like that:
Telegram's servers, a library's network and an island's mobile network each share one
address. There is only a flood guard of `flood_per_address_per_minute` requests (default
600) per address; IPv6 addresses count per /64, the block one subscriber gets. 0 turns
either limit off.

Each limit is an exact sliding window: a message is let through when fewer than the
limit were let through in the last 60 seconds. A refused message is not counted anywhere,
so a client that keeps its message and sends it again after `retry_after` seconds gets it
through; and a message is counted either under both of its keys or under neither.

The counts live in a store chosen by a URI: "memory://" (this process; thread-safe, a few
microseconds a message, nothing kept for a key idle longer than the window). With
replicas the counts must be shared: a store for "redis://host:port" registers itself with
`register_store("redis", factory)` and RateLimits needs no change. Channels call
`await allow_async(...)`, so a store that does network I/O never blocks the event loop.

Plain typed Python: no Rasa, Sanic or Telegram, so both channels use it.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from abc import ABC, abstractmethod
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from bot.i18n import N_
from bot.settings import settings

# What a refused user is told (the channel translates it with bot.i18n.gettext).
RATE_LIMITED = N_("You are sending messages very fast. Please wait a minute and try again.")

DEFAULT_PER_CONVERSATION_PER_MINUTE = 20
DEFAULT_FLOOD_PER_ADDRESS_PER_MINUTE = 600
DEFAULT_STORAGE_URI = "memory://"
WINDOW_SECONDS = 60.0

Reason = Literal["conversation", "address"]
Clock = Callable[[], float]
# One limit on one key: (key, how many events the window holds).
Rule = tuple[str, int]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until the message would be let through; 0.0 when allowed
    reason: Reason | None = None  # the limit that refused it (the longer wait, if both did)

    @property
    def retry_after_header(self) -> str:
        """Whole seconds, at least 1, for an HTTP Retry-After header."""
        return str(max(1, math.ceil(self.retry_after)))


class WindowStore(ABC):
    """Sliding-window counts under string keys. A store for Redis implements `acquire`
    atomically (one Lua script over sorted sets, with the server's clock) and overrides
    `acquire_async` to use redis.asyncio."""

    @abstractmethod
    def acquire(self, rules: Sequence[Rule], window: float) -> tuple[float, ...]:
        """If every key holds fewer events than its limit in the last `window` seconds,
        records one event under each key and returns zeros. Otherwise records nothing and
        returns, per rule, the seconds until its key has room (0.0 for a key with room)."""

    async def acquire_async(self, rules: Sequence[Rule], window: float) -> tuple[float, ...]:
        return self.acquire(rules, window)


class MemoryStore(WindowStore):
    """The counts of this process: per key, the times of the events in the window (at most
    the limit of them). Keys are kept in the order of their newest event, so keys idle
    longer than the window are dropped from the front as time goes on."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many keys are held (for tests and metrics)."""
        return len(self._events)

    def acquire(self, rules: Sequence[Rule], window: float) -> tuple[float, ...]:
        with self._lock:
            now = self._clock()
            horizon = now - window
            self._drop_idle_keys(horizon)
            waits = []
            for key, limit in rules:
                events = self._events.get(key)
                if events is None:
                    waits.append(0.0)
                    continue
                while events and events[0] <= horizon:
                    events.popleft()
                # Full: there is room when the oldest event leaves the window.
                waits.append(events[0] - horizon if len(events) >= limit else 0.0)
            if any(waits):
                return tuple(waits)
            for key, _ in rules:
                events = self._events.get(key)
                if events is None:
                    events = self._events[key] = deque()
                events.append(now)
                self._events.move_to_end(key)
            return tuple(waits)

    def _drop_idle_keys(self, horizon: float) -> None:
        while self._events:
            key, events = next(iter(self._events.items()))
            if events and events[-1] > horizon:
                return
            del self._events[key]


StoreFactory = Callable[[str, Clock | None], WindowStore]


def _memory_store(uri: str, clock: Clock | None) -> WindowStore:
    return MemoryStore() if clock is None else MemoryStore(clock)


_STORES: dict[str, StoreFactory] = {"memory": _memory_store}


def register_store(scheme: str, factory: StoreFactory) -> None:
    """Makes `scheme://…` URIs open stores made by `factory(uri, clock)`; a store whose clock
    is elsewhere (Redis's server time) ignores `clock`."""
    _STORES[scheme.lower()] = factory


def open_store(uri: str, clock: Clock | None = None) -> WindowStore:
    scheme = urlsplit(uri).scheme.lower()
    factory = _STORES.get(scheme)
    if factory is None:
        known = ", ".join(f"{name}://" for name in sorted(_STORES))
        raise ValueError(f"rate limit storage {uri!r} is not available; known: {known}")
    return factory(uri, clock)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as a header or a socket gives it ("1.2.3.4", "1.2.3.4:80", "[::1]:80",
    "::ffff:1.2.3.4"), or None if it is none."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _address_key(address: str) -> str:
    """The flood guard's key: an IPv4 address, or the /64 an IPv6 address is in."""
    ip = _ip(address)
    if ip is None:
        return address.strip()
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _limit(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number >= 0 (0 turns it off), not {value!r}")
    return value


class RateLimits:
    """The limits one channel process applies; see the module's docstring."""

    def __init__(
        self,
        per_conversation_per_minute: int = DEFAULT_PER_CONVERSATION_PER_MINUTE,
        flood_per_address_per_minute: int = DEFAULT_FLOOD_PER_ADDRESS_PER_MINUTE,
        trusted_proxies: Iterable[str] = (),
        storage_uri: str = DEFAULT_STORAGE_URI,
        *,
        window: float = WINDOW_SECONDS,
        clock: Clock | None = None,
    ) -> None:
        self.per_conversation = _limit("per_conversation_per_minute", per_conversation_per_minute)
        self.per_address = _limit("flood_per_address_per_minute", flood_per_address_per_minute)
        if not window > 0:
            raise ValueError(f"window must be > 0 seconds, not {window!r}")
        self.window = float(window)
        # Addresses ("10.0.0.2") or networks ("10.0.0.0/8") of the proxies in front of us.
        self.trusted_proxies = tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in trusted_proxies)
        self.store = open_store(storage_uri, clock)

    def _trusted(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in self.trusted_proxies)

    def client_address(self, peer: str, forwarded_for: str | None) -> str:
        """The client's address: the peer's, unless the peer is a trusted proxy that says in
        X-Forwarded-For for whom it forwards. That header is read from the right, skipping
        trusted proxies: with one proxy that sets the header it is its first entry, and a
        client cannot pass itself off as another by sending a header of its own."""
        current = _ip(peer or "")
        if current is None:
            return (peer or "").strip() or "unknown"
        if not forwarded_for or not self._trusted(current):
            return str(current)
        for entry in reversed(forwarded_for.split(",")):
            hop = _ip(entry)
            if hop is None:  # a garbled header: believe the last trusted proxy about itself
                return str(current)
            current = hop
            if not self._trusted(hop):
                return str(hop)
        return str(current)

    def _rules(self, conversation: str, address: str | None) -> tuple[list[Rule], list[Reason]]:
        if not conversation:
            raise ValueError("a rate limit needs the conversation's key")
        rules: list[Rule] = []
        reasons: list[Reason] = []
        if self.per_conversation:
            rules.append((f"conversation:{conversation}", self.per_conversation))
            reasons.append("conversation")
        if self.per_address and address:
            rules.append((f"address:{_address_key(address)}", self.per_address))
            reasons.append("address")
        return rules, reasons

    @staticmethod
    def _decision(waits: Sequence[float], reasons: Sequence[Reason]) -> Decision:
        refused = [(wait, reason) for wait, reason in zip(waits, reasons, strict=True) if wait > 0]
        if not refused:
            return Decision(True)
        wait, reason = max(refused, key=lambda refusal: refusal[0])  # the limit that holds it back longest
        return Decision(False, wait, reason)

    def allow(self, conversation: str, address: str | None = None) -> Decision:
        """Counts one message of `conversation` (from `address`, when the flood guard should
        see it) if both limits have room; refused, it is counted nowhere. For in-process
        stores; channels on an event loop use `allow_async`."""
        rules, reasons = self._rules(conversation, address)
        return self._decision(self.store.acquire(rules, self.window) if rules else (), reasons)

    async def allow_async(self, conversation: str, address: str | None = None) -> Decision:
        """`allow`, without blocking the event loop on a store that does network I/O."""
        rules, reasons = self._rules(conversation, address)
        return self._decision(await self.store.acquire_async(rules, self.window) if rules else (), reasons)


def channel_limits() -> RateLimits:
    """The limits as this deployment sets them (LOKET_RATE_LIMIT, LOKET_FLOOD_LIMIT, LOKET_TRUSTED_PROXIES)."""
    config = settings()
    return RateLimits(config.rate_limit, config.flood_limit, config.trusted_proxies)


def client_address(limits: RateLimits, request: Any) -> str:
    """The client's address of a Sanic request: the peer (`request.ip`, not Sanic's own proxy
    handling), or what a trusted proxy says in X-Forwarded-For."""
    forwarded = ",".join(request.headers.getall("x-forwarded-for", [])) or None
    return limits.client_address(request.ip or "", forwarded)
