"""The portal's inbox: an SMTP listener for CALENDAR_REPLY_ADDRESS (kulturportal/inbound.py).

Run behind the organisation's mail server (an MX or a forwarding rule delivers to it), as
the `inbound` service in docker-compose.yml.
"""

import signal
import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand

from kulturportal.inbound import MAX_BYTES, SMTPHandler


class Command(BaseCommand):
    help = "Receive e-mail for the portal's own address (calendar replies) over SMTP."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, host, port, **options):
        controller = Controller(
            SMTPHandler(),
            hostname=host,
            port=port,
            data_size_limit=MAX_BYTES,
            server_hostname=settings.CALENDAR_REPLY_ADDRESS.rsplit("@", 1)[-1],
        )
        controller.start()
        self.stdout.write(
            f"Taking mail for {settings.CALENDAR_REPLY_ADDRESS} on {host}:{port}; Ctrl-C stops."
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        stop.wait()
        controller.stop()
