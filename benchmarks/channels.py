"""What each channel adds to a turn, measured side by side in one run.

Starts the real assistant (as `make run` does, on free ports), the Telegram adapter
against the fake Bot API of the tests, and asks the same questions in turn over
Rasa's REST channel, the widget's webhook and Telegram (webhook update -> sendMessage
at the fake API). The machine is noisy, so the three channels are interleaved and
compared as ratios to REST within the same run.

    .venv/bin/python benchmarks/channels.py [--turns 30]   -> reports/channels_benchmark.md
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_DIR / "tests" / "e2e"))

from fake_bot_api import FakeBotApi  # noqa: E402 - the tests' fake, on purpose

from bot.tooling.servers import Servers, free_port  # noqa: E402

QUESTIONS = ["Wat is huurtoeslag?", "Kiko ta e Warmtefonds?", "What is a Regiodeal?", "Hoe vraag ik DigiD aan?",
             "Unda mi por haña yudansa ku DigiD?", "What changes in rent benefit?"]
SECRET = "benchmark-secret"


def post(url: str, body: dict, headers: dict[str, str] | None = None) -> bytes:
    request = urllib.request.Request(url, data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - localhost
        return response.read()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=30)
    args = parser.parse_args()
    timings: dict[str, list[float]] = {"REST": [], "widget": [], "Telegram": []}
    port = free_port()
    with FakeBotApi() as fake:
        # The adapter as `make run` starts it, pointed at the fake Bot API.
        os.environ.update({"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
                           "TELEGRAM_WEBHOOK_URL": "https://loket.example/telegram",
                           "TELEGRAM_WEBHOOK_SECRET": SECRET, "LOKET_TELEGRAM_PORT": str(port)})
        with Servers(rasa_port=free_port(), actions_port=free_port(), telegram=True,
                     tracker_url=f"sqlite:///{PROJECT_DIR / 'var' / 'bench-tracker.db'}") as servers:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)  # noqa: S310
                    break
                except OSError:
                    servers.raise_if_exited()
                    time.sleep(0.3)
            for turn in range(args.turns + 3):  # the first three warm up
                question = QUESTIONS[turn % len(QUESTIONS)]
                measured = turn >= 3

                started = time.perf_counter()
                post(servers.rest_url, {"sender": uuid.uuid4().hex, "message": question})
                rest = time.perf_counter() - started

                started = time.perf_counter()
                post(f"{servers.url}/chat/webhook", {"conversation_id": str(uuid.uuid4()),
                                                      "message_id": str(uuid.uuid4()), "text": question})
                widget = time.perf_counter() - started

                chat = 10**8 + turn
                update = {"update_id": turn + 1, "message": {
                    "message_id": turn + 1, "date": int(time.time()), "text": question,
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": chat, "is_bot": False, "first_name": "B"}}}
                started = time.perf_counter()
                post(f"http://127.0.0.1:{port}/telegram", update, {"X-Telegram-Bot-Api-Secret-Token": SECRET})
                while not fake.of("sendMessage", chat):
                    time.sleep(0.002)
                telegram = time.perf_counter() - started

                if measured:
                    for name, value in (("REST", rest), ("widget", widget), ("Telegram", telegram)):
                        timings[name].append(value * 1000)

    rest_median = statistics.median(timings["REST"])
    lines = ["# Channels: time per turn, side by side", "",
             f"{args.turns} turns per channel, interleaved, in one run on this machine (2 cores), after 3 warm-up",
             "turns; the same questions in nl, pap and en. Telegram is measured from posting the update to the",
             "adapter's webhook until the fake Bot API has the sendMessage. `benchmarks/channels.py` made this.", "",
             "| channel | median ms | p95 ms | median / REST |", "| --- | --- | --- | --- |"]
    for name, values in timings.items():
        p95 = statistics.quantiles(values, n=20)[-1]
        lines.append(f"| {name} | {statistics.median(values):.0f} | {p95:.0f} | "
                     f"{statistics.median(values) / rest_median:.2f} |")
    report = "\n".join(lines) + "\n"
    (PROJECT_DIR / "reports" / "channels_benchmark.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
