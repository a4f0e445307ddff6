"""One real assistant (action server + Rasa server) for every end-to-end test, started
the way `make run` starts it, on free ports, with its own knowledge and tracker databases."""

from __future__ import annotations

import pytest

from bot.tooling.servers import Servers, free_port


@pytest.fixture(scope="session")
def embed_origin() -> str:
    """The origin of a site that embeds the widget; the assistant allows it (CORS)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture(scope="session")
def desk_database_url(tmp_path_factory) -> str:
    """The desk's own database (handovers, staff, feedback) for the assistant under test."""
    return f"sqlite:///{tmp_path_factory.mktemp('desk') / 'desk.db'}"


@pytest.fixture(scope="session")
def assistant(database_url, desk_database_url, tmp_path_factory, embed_origin):
    tracker = f"sqlite:///{tmp_path_factory.mktemp('tracker') / 'tracker.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", database_url)
        patch.setenv("LOKET_DESK_DATABASE_URL", desk_database_url)
        with Servers(rasa_port=free_port(), actions_port=free_port(), tracker_url=tracker,
                     allowed_origins=(embed_origin,)) as servers:
            yield servers
