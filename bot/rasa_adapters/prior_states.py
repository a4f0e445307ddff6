"""Rasa's states of a conversation, computed once for each part of it.

At every prediction each policy asks the domain for the dialogue state before every
action of the whole session (`Domain.states_for_tracker_history`): Rasa replays every
event into a fresh tracker and builds a state at each action, and the policies then use
the last few. Several times a turn, over all ~700 events at turn 100: in a profile that
was 60% of what a late turn of a long conversation cost more than an early one.

This remembers, per conversation and per way of asking, the states built so far and the
replayed tracker at that point, and goes on from there when the conversation has only
grown since by events that Rasa's `applied_events` simply appends (not a restart, a new
session, a revert, a loop's activation or one of its actions). Anything else starts
again from Rasa's own `applied_events`. The loop below is Rasa 3.6's, step for step; the
tests compare its results with Rasa's own on real and generated conversations
(tests/unit/test_prior_states.py). Callers get their own copies of the states: Rasa's
featurizers change them in place. What is kept is bounded (bot/rasa_adapters/recent.py)
and dropped when a conversation is deleted on request.
"""

from __future__ import annotations

import itertools
import json
import operator
import weakref
from dataclasses import dataclass, field
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State, SubState
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rasa_adapters.recent import Recent

_ORIGINAL = Domain.states_for_tracker_history
# Events after which Rasa's applied events are not the earlier ones plus these.
_NOT_APPENDED = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)


@dataclass
class _Progress:
    """The states of a conversation up to some event, and what Rasa's loop carries on with."""

    events: list[Event]  # the tracker's events they were built from
    replayed: DialogueStateTracker  # a fresh tracker with the applied events replayed
    states: list[State] = field(default_factory=list)  # one per action shown, never handed out
    last_ml_action_sub_state: SubState | None = None
    turn_was_hidden: bool = False


@dataclass(frozen=True)
class _Asking:
    omit_unset_slots: bool
    ignore_rule_only_turns: bool
    rule_only_data: dict[str, Any] | None


# id(domain) -> sender -> way of asking -> progress
_remembered: dict[int, Recent[dict[tuple[object, ...], _Progress]]] = {}


def _remembered_for(domain: Domain) -> Recent[dict[tuple[object, ...], _Progress]]:
    found = _remembered.get(id(domain))
    if found is None:
        found = _remembered[id(domain)] = Recent()
        weakref.finalize(domain, _remembered.pop, id(domain), None)  # a reloaded model's domain starts afresh
    return found


def forget(sender_id: str) -> None:
    """Drop what is kept of a conversation (deleted on its user's request)."""
    for remembered in _remembered.values():
        remembered.pop(sender_id)


def states_for_tracker_history(domain: Domain, tracker: DialogueStateTracker, omit_unset_slots: bool = False,
                               ignore_rule_only_turns: bool = False,
                               rule_only_data: dict[str, Any] | None = None) -> list[State]:
    """`Domain.states_for_tracker_history`, going on from the states built before."""
    if type(tracker) is not DialogueStateTracker:  # training trackers cache their own states
        return _ORIGINAL(domain, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    asking = _Asking(omit_unset_slots, ignore_rule_only_turns, rule_only_data)
    remembered = _remembered_for(domain)
    by_asking = remembered.get(tracker.sender_id) or {}
    key = (omit_unset_slots, ignore_rule_only_turns, json.dumps(rule_only_data, sort_keys=True, default=str))
    events = list(tracker.events)
    progress = by_asking.pop(key, None)  # put back only when complete: a failure leaves nothing half-done
    if progress is not None and _goes_on_from(events, progress.events) \
            and _appended_only(events[len(progress.events):], progress.events):
        _advance(domain, progress, events[len(progress.events):], asking)
    else:
        progress = _Progress(events, tracker.init_copy())
        _advance(domain, progress, tracker.applied_events(), asking)
    progress.events = events
    final = _Progress(events, progress.replayed, list(progress.states), progress.last_ml_action_sub_state,
                      progress.turn_was_hidden)
    _step(domain, final, False, asking)  # the state after the last event, as Rasa's loop ends
    by_asking[key] = progress
    remembered.put(tracker.sender_id, by_asking)
    return [{name: dict(sub_state) for name, sub_state in state.items()} for state in final.states]


def _goes_on_from(events: list[Event], earlier: list[Event]) -> bool:
    """`events` starts with `earlier`: the same objects, or the same events read back
    from the tracker store (equal as stored)."""
    if len(events) < len(earlier):
        return False
    differ = next(itertools.compress(itertools.count(), map(operator.is_not, events, earlier)), len(earlier))
    return all(map(_same_event, events[differ:len(earlier)], earlier[differ:]))


def _same_event(one: Event, other: Event) -> bool:
    if one is other:
        return True
    if type(one) is not type(other) or one.timestamp != other.timestamp:
        return False
    one_dict, other_dict = one.as_dict(), other.as_dict()
    # as stored: the store's JSON turns tuples (a message's token offsets) into lists
    return one_dict == other_dict or _as_stored(one_dict) == _as_stored(other_dict)


def _as_stored(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, default=str)


def _appended_only(new: list[Event], earlier: list[Event]) -> bool:
    if any(isinstance(event, _NOT_APPENDED) for event in new):
        return False
    loops = {event.name for event in earlier if isinstance(event, ActiveLoop) and event.name}
    return not any(isinstance(event, ActionExecuted) and event.action_name in loops for event in new)


def _advance(domain: Domain, progress: _Progress, applied: list[Event], asking: _Asking) -> None:
    """Rasa's `generate_all_prior_trackers`: a state before each action, then the event."""
    for event in applied:
        if isinstance(event, ActionExecuted):
            _step(domain, progress, event.hide_rule_turn, asking)
        progress.replayed.update(event)


def _step(domain: Domain, progress: _Progress, hide_rule_turn: bool, asking: _Asking) -> None:
    """One pass of the loop in Rasa 3.6's `Domain.states_for_tracker_history`."""
    tracker = progress.replayed
    if asking.ignore_rule_only_turns:
        if not progress.turn_was_hidden:
            progress.last_ml_action_sub_state = domain._get_prev_action_sub_state(tracker)
        if not tracker.followup_action and not tracker.latest_action_name == tracker.active_loop_name:
            progress.turn_was_hidden = hide_rule_turn
        if progress.turn_was_hidden:
            return
    state = domain.get_active_state(tracker, omit_unset_slots=asking.omit_unset_slots)
    if asking.ignore_rule_only_turns:
        domain._remove_rule_only_features(state, asking.rule_only_data)
        if progress.states:
            domain._substitute_rule_only_user_input(state, progress.states[-1])
        if progress.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = progress.last_ml_action_sub_state
    progress.states.append(domain._clean_state(state))


def install() -> None:
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]
