"""The staff console at /desk/: server-rendered pages over `bot.desk`, served by the
Rasa server as an input channel (credentials.yml), like the widget at /chat/."""
