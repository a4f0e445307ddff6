"""Loket: a trilingual assistant for Dutch government programmes.

The domain (settings, i18n, language, knowledge, entitlements, dialogue) is plain,
typed Python without Rasa; `rasa_adapters`, `channels`, `tooling` and the top-level
`actions/` are thin layers over it. `.importlinter` enforces this (`make lint`).
"""

LANGUAGES: tuple[str, ...] = ("nl", "pap", "en")
DEFAULT_LANGUAGE = "nl"
# Each language's name in itself, as a language choice shows it.
LANGUAGE_NAMES: dict[str, str] = {"nl": "Nederlands", "pap": "Papiamentu", "en": "English"}
