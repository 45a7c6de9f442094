"""GET /health: the database, the broker and a live Celery worker, for load balancers.

A real worker is started in a thread on the broker the settings give (the filesystem transport
by default, Redis in CI's second pass); nothing is mocked but the absence of a worker.
"""

import socket
import time

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app as celery_app

URL = "/health"


def reset_broker_connections() -> None:
    # kombu.pools.reset() closes the pools; the app keeps references to them, so drop those too.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _fresh_broker_connections():
    reset_broker_connections()
    yield
    reset_broker_connections()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_ok_with_a_real_worker(client):
    with start_worker(
        celery_app,
        pool="threads",
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=10,
    ):
        deadline = time.monotonic() + 20
        response = client.get(URL)
        while response.status_code != 200 and time.monotonic() < deadline:
            response = client.get(URL)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "sms": "ok",
        "email": "ok",
    }
    assert body["down"] == []
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_503_naming_the_worker_when_none_runs(client):
    started = time.monotonic()
    response = client.get(URL)
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["down"] == ["worker"]
    assert body["checks"] == {
        "database": "ok",
        "broker": "ok",
        "worker": "down",
        "sms": "ok",
        "email": "ok",
    }
    # The ping waits 1.5 s; the margin is for a machine busy with other test runs.
    assert elapsed < 5


@pytest.mark.django_db
def test_503_naming_the_broker_when_it_is_unreachable(client):
    # The write URL, not broker_url: Celery gives the CELERY_BROKER_URL environment variable
    # (set in CI's second pass) precedence over the app's broker_url setting.
    previous_url = celery_app.conf.get("broker_write_url")
    celery_app.conf.broker_write_url = f"redis://127.0.0.1:{closed_port()}/0"
    try:
        response = client.get(URL)
    finally:
        celery_app.conf.broker_write_url = previous_url

    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"] == "down"
    assert "broker" in body["down"]
    assert body["checks"]["database"] == "ok"
