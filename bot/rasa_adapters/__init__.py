"""Rasa adapters: the pipeline components that put the domain's language detection and
entity finding into Rasa's NLU, and evaluation of a trained model. The only package
in bot/ besides the channels that may import Rasa."""

from bot.rasa_adapters import speedups, sqlite_tuning

# Rasa imports this package to load the pipeline, so every Rasa server gets the caches of
# speedups.py and keeps a SQLite tracker store in WAL mode.
speedups.install()
sqlite_tuning.install()
