"""The base of every background task: queued once the transaction has committed.

A task is defined in the service module it serves, with `@task(...)` from here, and called
with `.delay()` from anywhere in that service:

- inside a transaction it is handed to the broker when the transaction commits, so the
  worker never looks for a row that is not there yet (a `.delay()` straight after a write
  is the classic mistake; pretix's TransactionAwareTask is the model), and never when it
  rolls back. A broker that is down then only logs: every task has a sweep (beat) that
  finds what was not handed on, and the person's request does not fail for it;
- outside a transaction (a beat sweep, a command) it is handed on at once, and an
  unreachable broker is the caller's to handle.

Tasks marked `in_thread=True` (a PDF, an export: seconds of work) run in a thread of the
web process in the embedded default (`make run`: no worker, PDF_RENDER_IN_THREAD), so the
request still answers at once; every other task then runs in-process (eager).

Tasks take ids, never model instances, and are safe to run twice.
"""

import logging

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction

from kulturportal.threads import run_in_thread

logger = logging.getLogger(__name__)


class AfterCommitTask(Task):
    """Handed to the broker (or run) when the transaction commits."""

    in_thread = False

    def apply_async(self, args=None, kwargs=None, **options):  # type: ignore[override]
        if transaction.get_connection().in_atomic_block:
            # A named function, not a functools.partial: a robust hook that fails (the broker
            # down) is logged by its __qualname__, which a partial lacks, and that AttributeError
            # would fail the request the hook was meant to spare.
            def hand_on() -> None:
                self._hand_on(args, kwargs, options)

            transaction.on_commit(hand_on, robust=True)
            return None
        return self._hand_on(args, kwargs, options)

    def _hand_on(self, args, kwargs, options):
        if self.in_thread and settings.PDF_RENDER_IN_THREAD:
            name = "-".join([self.__name__, *map(str, args or ())])  # build_export-42
            run_in_thread(self.run, *(args or ()), name=name)
            return None
        return super().apply_async(args, kwargs, **options)


def task(**options):
    """`@task(acks_late=True, soft_time_limit=…)`: a shared task on AfterCommitTask."""
    return shared_task(base=AfterCommitTask, **options)
