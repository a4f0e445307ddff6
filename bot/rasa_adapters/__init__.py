"""Rasa adapters: the pipeline components that put the domain's language detection and
entity finding into Rasa's NLU, evaluation of a trained model, and what makes Rasa fast
(caches, the tracker store that reads only new rows, recent events to the actions). The
only package in bot/ besides the channels that may import Rasa."""

import sys


def install() -> None:
    """Loket's changes to Rasa in this process (once; calling again changes nothing)."""
    from bot.rasa_adapters import action_payload, speedups, sqlite_tuning

    speedups.install()
    action_payload.install()
    sqlite_tuning.install()


# Rasa imports this package to load the pipeline, so every Rasa server gets the caches of
# speedups.py, sends the action server only what an action reads, and keeps a SQLite
# tracker store in WAL mode. The action server imports it too (action_server.py) but runs
# rasa_sdk, not Rasa: loading Rasa's core there would cost it some 440 MB for nothing.
if "rasa.core" in sys.modules:
    install()
