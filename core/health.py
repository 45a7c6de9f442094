"""The operators' health check: database, broker and a Celery worker."""

import logging

from celery import current_app as celery_app
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            # One quick retry: a load balancer should hear "down" in well under a second.
            conn.ensure_connection(max_retries=1, interval_start=0.2, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def _worker_alive() -> bool:
    try:
        # One answer is enough: without a limit the ping always waits for its whole timeout.
        replies = celery_app.control.ping(timeout=1.5, limit=1)
    except Exception:
        logger.exception("Health check: worker ping failed")
        return False
    return bool(replies)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database, broker and a Celery worker answer."""
    database = _database_ok()
    broker = _broker_ok()
    worker = _worker_alive() if broker else False
    checks = {
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "worker": "ok" if worker else "down",
    }
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "down", "checks": checks, "down": down}
    return JsonResponse(body, status=200 if not down else 503)

