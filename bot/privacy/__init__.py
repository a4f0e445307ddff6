"""Privacy: what identifies a person is replaced before text goes anywhere.

Plain Python (no Rasa, Sanic or Telegram): the channels call `redact` on every
message before it reaches Rasa, a log, a report, the Telegram undelivered file or a
handover.
"""

from bot.privacy.redaction import PLACEHOLDERS, Kind, Redaction, find, redact, redact_text

__all__ = ["PLACEHOLDERS", "Kind", "Redaction", "find", "redact", "redact_text"]

# Added by the lead: the statement and retention, for actions and tooling.
from bot.privacy.retention import Removed, forget, purge  # noqa: E402
from bot.privacy.statement import deployed_statement, deployment  # noqa: E402

__all__ += ["Removed", "deployed_statement", "deployment", "forget", "purge"]
