import os
import subprocess
import sys
from pathlib import Path

import pytest

from kulturportal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_is_up_with_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # Nothing listens on port 1.
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down"}


def test_healthz_names_the_database_when_it_is_down():
    # A fresh process whose database is unreachable: nothing listens on port 1.
    code = (
        "from django.test import Client; r = Client(HTTP_HOST='localhost').get('/healthz'); "
        "print(r.status_code, r.content.decode())"
    )
    env = {**os.environ, "DATABASE_URL": "postgres://postgres@127.0.0.1:1/kulturportal"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert '503 {"database": "down", "broker": "ok"}' in result.stdout, result.stderr


def test_celery_is_configured_to_survive_a_lost_worker():
    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] >= 3600
