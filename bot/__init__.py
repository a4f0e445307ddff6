"""Loket: a trilingual assistant for Dutch government programmes.

The subpackages hold plain, typed domain logic (no Rasa imports); `actions/` and the
channel adapters are thin layers over it.
"""

LANGUAGES: tuple[str, ...] = ("nl", "pap", "en")
DEFAULT_LANGUAGE = "nl"
# Each language's name in itself, as a language choice shows it.
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "pap": "Papiamentu", "en": "English"}
