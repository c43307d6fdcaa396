"""The fan-out benchmark's SMTP server, in a process of its own: it counts what it receives.

`python -m bench.smtpsink` serves on a free port of 127.0.0.1 (aiosmtpd) until its standard
input closes; its first line on standard output is {"port": N}. Then one command a line on
standard input, each answered with one line of JSON on standard output:

    stats       {"messages": n, "first": t, "last": t}, times by time.time() at receipt
    recipients  {"recipient": count, …}: envelope recipients, as many times as received
    reset       {}: count from nought again
"""

import json
import socket
import sys
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


class Counting:
    """Accepts every message and keeps only the counts: the server must not be the bottleneck."""

    def __init__(self):
        self.lock = threading.Lock()  # the server runs in the controller's thread
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.per_recipient: Counter = Counter()
            self.messages = 0
            self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        with self.lock:
            self.messages += 1
            self.per_recipient.update(address.lower() for address in envelope.rcpt_tos)
            self.first = self.first or now
            self.last = now
        return "250 Message accepted for delivery"

    def stats(self) -> dict:
        with self.lock:
            return {"messages": self.messages, "first": self.first, "last": self.last}

    def recipients(self) -> dict:
        with self.lock:
            return dict(self.per_recipient)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def main() -> None:
    handler = Counting()
    port = _free_port()
    controller = Controller(handler, hostname=HOST, port=port)
    controller.start()
    try:
        _answer({"port": port})
        commands = {"stats": handler.stats, "recipients": handler.recipients}
        for line in sys.stdin:  # ends when the benchmark closes the pipe, or dies
            command = line.strip()
            if command == "reset":
                handler.reset()
                _answer({})
            else:
                _answer(commands[command]())
    finally:
        controller.stop()


def _answer(reply: dict) -> None:
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
