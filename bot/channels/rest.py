"""Rasa's REST channel as a client: one user turn, and the bot's messages back.

Used by `loket ask`, `loket chat` and the tests; the Telegram adapter speaks the same
contract asynchronously.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request


class AssistantUnavailable(Exception):
    pass


def send(rest_url: str, sender: str, text: str, timeout: float = 30.0,
         token: str | None = None) -> list[dict[str, object]]:
    """One user turn over the REST channel; the bot's messages. Without the REST token
    the sender lands in the `rest-` namespace (see bot.channels.rest_channel)."""
    body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(rest_url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return list(json.loads(response.read().decode("utf-8")))
    except (urllib.error.URLError, ConnectionError, OSError) as error:
        raise AssistantUnavailable(f"no answer from {rest_url}: {error}") from error
