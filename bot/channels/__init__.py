"""The ways residents reach Loket: the web widget (a Rasa input channel) and the
Telegram adapter (a process of its own). Both speak to the same Rasa server."""
