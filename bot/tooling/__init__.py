"""Tooling: the `loket` command, starting the servers, generating Rasa's files from
the knowledge base, and intent evaluation reports."""
