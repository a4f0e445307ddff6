"""`loket serve` as a process: it stops its children on SIGTERM, stops with an error
when one dies, and refuses a port another program holds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.settings import PROJECT_DIR
from bot.tooling.servers import free_port, port_is_free

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
LOKET = str(Path(sys.executable).parent / "loket")


def serve(database_url: str, tmp_path: Path, rasa_port: int, actions_port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(  # noqa: S603 - our own command
        [LOKET, "serve", "--port", str(rasa_port), "--actions-port", str(actions_port),
         "--tracker-url", f"sqlite:///{tmp_path / 'tracker.db'}"],
        cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until_ready(process: subprocess.Popen[str], rasa_port: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            with urllib.request.urlopen(f"http://localhost:{rasa_port}/webhooks/rest/", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.5)
    raise AssertionError("loket serve did not become ready")


def children_listening(*ports: int) -> bool:
    return not all(port_is_free(port) for port in ports)


def test_sigterm_stops_loket_serve_and_every_child(database_url, tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    process = serve(database_url, tmp_path, rasa_port, actions_port)
    try:
        wait_until_ready(process, rasa_port)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
    deadline = time.monotonic() + 10
    while children_listening(rasa_port, actions_port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not children_listening(rasa_port, actions_port), "a server outlived loket serve"


def test_when_a_child_dies_loket_serve_stops_with_an_error(database_url, tmp_path):
    rasa_port, actions_port = free_port(), free_port()
    process = serve(database_url, tmp_path, rasa_port, actions_port)
    try:
        wait_until_ready(process, rasa_port)
        action_server = [int(pid) for pid in os.listdir("/proc") if pid.isdigit()
                         and f"action_server\0--port\0{actions_port}" in _cmdline(pid)]
        assert len(action_server) == 1
        os.kill(action_server[0], signal.SIGKILL)
        assert process.wait(timeout=30) != 0
        assert "exited" in (process.stdout.read() if process.stdout else "")
    finally:
        process.kill()
    deadline = time.monotonic() + 15
    while children_listening(rasa_port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not children_listening(rasa_port)


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def test_a_port_in_use_is_refused_with_a_clear_message(database_url, tmp_path):
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        taken = other_program.getsockname()[1]
        process = serve(database_url, tmp_path, taken, free_port())
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 2
    assert f"port {taken} is already in use" in output and "LOKET_PORT" in output
    assert "Loket is ready" not in output
