"""A fake Telegram Bot API on localhost, for tests without internet.

python-telegram-bot talks to it through `base_url`. It records every call
(method and parameters), answers the way the Bot API does, and can be told to
fail the next calls of a method with 429 (and a retry_after) or 500.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Loket", "username": "loket_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)


def _value(raw: str) -> Any:
    """PTB sends lists and objects as JSON strings inside the form."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parameters(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        return {part.get_param("name", header="content-disposition"): _value(part.get_content())
                for part in message.iter_parts()}
    return {key: _value(value) for key, value in parse_qsl(body.decode("utf-8"), keep_blank_values=True)}


class FakeBotApi:
    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self._failures: dict[str, deque[tuple[int, int | None]]] = {}
        self._updates: list[dict[str, Any]] = []
        self._message_ids = itertools.count(1000)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # ---- what tests tell it and ask it ----

    def fail_next(self, method: str, status: int, times: int = 1, retry_after: int | None = None) -> None:
        with self._lock:
            self._failures.setdefault(method, deque()).extend([(status, retry_after)] * times)

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append(update)

    def of(self, method: str, chat_id: int | None = None, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method
                    and (chat_id is None or int(call.params.get("chat_id", 0)) == chat_id)
                    and (call.status == 200 or not ok_only)]

    def wait_for(self, method: str, count: int, chat_id: int | None = None, timeout: float = 60.0) -> list[Call]:
        """The first `count` successful calls of `method`, waiting for them to arrive."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.of(method, chat_id)
            if len(calls) >= count:
                time.sleep(0.3)  # let any extra call arrive, so tests can see duplicates
                return self.of(method, chat_id)
            time.sleep(0.1)
        raise AssertionError(f"expected {count} {method} call(s) for chat {chat_id}, got {self.of(method, chat_id)}")

    # ---- the Bot API ----

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            failures = self._failures.get(method)
            if failures:
                status, retry_after = failures.popleft()
                description = "Too Many Requests" if status == 429 else "Internal Server Error"
                body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
                if retry_after is not None:
                    body["parameters"] = {"retry_after": retry_after}
                    body["description"] += f": retry after {retry_after}"
                return status, body
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                updates = [update for update in self._updates if update["update_id"] >= offset]
                return 200, {"ok": True, "result": updates}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in ("sendMessage", "editMessageReplyMarkup"):
            chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "Test"}
            message = {"message_id": int(params.get("message_id") or next(self._message_ids)), "date": int(time.time()),
                       "chat": chat, "from": BOT_USER, "text": params.get("text", "")}
            return 200, {"ok": True, "result": message}
        if method in ("answerCallbackQuery", "setWebhook", "deleteWebhook"):
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    self._reply(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                method = self.path[len(prefix):]
                length = int(self.headers.get("Content-Length") or 0)
                params = _parameters(self.headers.get("Content-Type", ""), self.rfile.read(length))
                status, body = fake._answer(method, params)
                with fake._lock:
                    fake.calls.append(Call(method, params, status))
                self._reply(status, body)

            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
