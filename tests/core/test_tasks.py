"""The tasks' base (kulturportal/tasks.py): handed on after the commit, and a broker that
is down never turns the commit into an error."""

import pytest
from celery.app.task import Task
from django.db import transaction

from kulturportal.emails import send_email

# serialized_rollback: each leaves the database as the migrations made it (the municipalities,
# the content types) for the transactional tests after it on the same worker.
TRANSACTIONAL = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _broker_down(*args, **kwargs):
    raise ConnectionError("Redis is down")


@TRANSACTIONAL
def test_a_task_queued_in_a_transaction_waits_for_the_commit(monkeypatch):
    handed = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: handed.append(a))
    with transaction.atomic():
        send_email.delay(1)
        assert handed == []
    assert handed == [((1,), {})]


@TRANSACTIONAL
def test_a_rolled_back_transaction_queues_nothing(monkeypatch):
    handed = []
    monkeypatch.setattr(Task, "apply_async", lambda self, *a, **k: handed.append(a))
    with pytest.raises(ValueError), transaction.atomic():
        send_email.delay(1)
        raise ValueError
    assert handed == []


@TRANSACTIONAL
def test_a_broker_that_is_down_does_not_break_the_commit(monkeypatch, caplog):
    """Defect (found in the real run of issue 19): Django logs a robust callback's failure
    by its __qualname__, which a functools.partial lacks, so the logging raised and the
    official's send page answered 500 with Redis down."""
    monkeypatch.setattr(Task, "apply_async", _broker_down)
    with transaction.atomic():
        send_email.delay(1)
    assert "Redis is down" in caplog.text


def test_outside_a_transaction_the_broker_error_is_the_callers(monkeypatch):
    monkeypatch.setattr(Task, "apply_async", _broker_down)
    with pytest.raises(ConnectionError):
        send_email.delay(1)
