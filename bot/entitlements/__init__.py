"""Entitlement checks (huurtoeslag, Warmtefonds): plain Python rules over sourced,
per-year parameters in knowledge/rules/, used by the chat forms and `loket check`."""
