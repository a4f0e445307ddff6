"""The action server as Loket runs it: rasa_sdk's own app, on 127.0.0.1 by default,
answering only a caller with the token (the Rasa server, through endpoints.yml).

    python -m bot.rasa_adapters.action_server --port 5055

rasa_sdk's own command listens on every interface and asks nobody for a token.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
from collections.abc import Sequence

from rasa_sdk.endpoint import create_app
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import MAX_BODY_BYTES, SettingsError, settings

OPEN_PATHS = frozenset({"/health"})


def token_matches(request: Request, token: str) -> bool:
    given = request.headers.get("Authorization", "").removeprefix("Bearer ")
    return hmac.compare_digest(given.encode(), token.encode())


def app(token: str):  # noqa: ANN201 - a Sanic app
    actions = create_app("actions", cors_origins=None)
    actions.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    @actions.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or token_matches(request, token):
            return None
        return response.json({"error": "a valid token is required"}, status=401)

    return actions


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int)
    args = parser.parse_args(argv)
    try:
        config = settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 1
    if not config.actions_token:
        print("LOKET_ACTIONS_TOKEN is not set; `loket serve` sets it for the action server", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app(config.actions_token).run(config.actions_host, args.port or config.actions_port, workers=1,
                                  access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
