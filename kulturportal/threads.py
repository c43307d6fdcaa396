"""Background work without a worker: the embedded default (make run, PDF_RENDER_IN_THREAD)
runs what a Celery task would in a thread of the web process, so no request waits for it."""

import threading
from collections.abc import Callable
from typing import Any


def run_in_thread(function: Callable[..., Any], *args: Any, name: str) -> None:
    from django.db import close_old_connections

    def run() -> None:
        try:
            function(*args)
        finally:
            close_old_connections()  # the thread's own connection, not left open

    threading.Thread(target=run, name=name, daemon=True).start()
