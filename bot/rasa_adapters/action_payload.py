"""What Rasa sends the action server: the last two user turns to the actions that read
no more, the whole session to the others.

Rasa sends every call of a custom action the whole session (`EventVerbosity.ALL`): at
turn 100 some 700 events, 160 KB of JSON to write, send and read for every answer
(issue 13). Most of Loket's actions read the slots, the latest message and the turn
before it. Like Rasa's own `enable_selective_domain`, the action endpoint names those
(`recent_events_actions`, from actions.conversation); a call of one of them carries the
events from the last `RECENT_USER_TURNS` user messages on, with the rest of the tracker's
state (slots, latest message, active loop) as Rasa sends it. Any other action, and every
action when the key is absent, gets the whole session as before. Less of a resident's
conversation travels between the servers, too.
"""

from __future__ import annotations

import copy
import itertools
from collections import deque
from collections.abc import Sequence
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import Event, UserUttered

RECENT_EVENTS_KEY = "recent_events_actions"
RECENT_USER_TURNS = 2
_ORIGINAL = RemoteAction._action_call_format


def recent_start(events: Sequence[Event]) -> int:
    """Where the last `RECENT_USER_TURNS` user messages begin; 0 when there are fewer."""
    users = 0
    for back, event in enumerate(reversed(events), start=1):
        if isinstance(event, UserUttered):
            users += 1
            if users == RECENT_USER_TURNS:
                return len(events) - back
    return 0


def _action_call_format(self: RemoteAction, tracker: Any, domain: Any) -> dict[str, Any]:
    recent_only = self.action_endpoint.kwargs.get(RECENT_EVENTS_KEY) if self.action_endpoint else None
    start = recent_start(tracker.events) if recent_only and self.name() in recent_only else 0
    if start == 0:
        return _ORIGINAL(self, tracker, domain)
    recent = copy.copy(tracker)  # read only: Rasa builds the request from it
    recent.events = deque(itertools.islice(tracker.events, start, None))
    return _ORIGINAL(self, recent, domain)


def install() -> None:
    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
