"""Keep secrets out of logs: a logging filter that blanks them in every record.

The Bot API puts the bot's token in every request URL, and HTTP clients log URLs
(httpx at INFO, others at DEBUG). Rather than trusting each library's log level,
every handler of the process gets this filter, at any level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

MASK = "[SECRET]"


class SecretsFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self._secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, MASK)
            record.msg, record.args = message, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for secret in self._secrets:
                record.exc_text = record.exc_text.replace(secret, MASK)
        return True


def keep_out_of_logs(*secrets: str | None) -> None:
    """Add the filter to every handler of the root logger (call after logging is set up)."""
    secrets_filter = SecretsFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(secrets_filter)
