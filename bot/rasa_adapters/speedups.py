"""Caches for Rasa 3.6's hot paths, installed into the Rasa server at start-up. The one
place where Loket changes Rasa's behaviour in time, never in result; each is tested
against the code it replaces (tests/unit/test_speedups.py, test_prior_states.py). Found
with a profile of the server under load (issue 13).

- `jsonschema.validate`: Rasa validates every action server response with it, which
  checks the schema itself and builds a validator on every call; Rasa also builds the
  schema afresh each time, so the cache is keyed on the schema's content, not its
  identity. The instance is still validated in full, with the same errors. Rasa imports
  `validate` inside the function (`from jsonschema import validate`), so it picks this
  one up. Before: about half of the server's CPU at 20 users.
- `Event.resolve_by_type`: every event read back from the tracker store looks its class
  up by walking all subclasses of Event (with `inspect.isabstract` on each), about half
  a millisecond an event, so reading a conversation of 600 events took 0.36 s. The
  cache remembers each type name's class once found; an unknown name still goes to
  Rasa's own lookup, so its errors and defaults are unchanged.
- `Domain.states_for_tracker_history`: the policies' states of the whole session, built
  on from the last call instead of replayed from the first event (prior_states.py).

The tracker store that reads back only new rows is not a patch but a store of its own
kind, named in the endpoints (session_cache.py).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jsonschema
from jsonschema import exceptions, validators
from rasa.shared.core.events import Event

from bot.rasa_adapters import prior_states

_ORIGINAL_VALIDATE = jsonschema.validate
_ORIGINAL_RESOLVE = Event.resolve_by_type
CACHED_SCHEMAS = 64


@functools.lru_cache(maxsize=CACHED_SCHEMAS)
def _validator(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # raises SchemaError once for a broken schema, as validate() does
    return cls(schema)


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate`, with the validator of a schema built once."""
    if cls is not None or args or kwargs:
        return _ORIGINAL_VALIDATE(instance, schema, cls, *args, **kwargs)
    try:
        key = json.dumps(schema, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):  # not plain JSON: nothing to key on
        return _ORIGINAL_VALIDATE(instance, schema)
    error = exceptions.best_match(_validator(key).iter_errors(instance))
    if error is not None:
        raise error
    return None


_event_classes: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """`Event.resolve_by_type`, remembering each class it found."""
    found = _event_classes.get(type_name)
    if found is not None:
        return found
    resolved = _ORIGINAL_RESOLVE(type_name, default)
    if resolved is not None and resolved is not default:
        _event_classes[type_name] = resolved
    return resolved


def install() -> None:
    jsonschema.validate = validate
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]
    prior_states.install()
