"""The operators' health check: database, broker and a Celery worker, and what higher apps
register (the outbox: is any channel's oldest due message waiting too long?)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import current_app as celery_app
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    """One named check: ``ok`` or not, and figures to show beside it (e.g. how many due)."""

    name: str
    ok: bool
    figures: dict = field(default_factory=dict)


HealthCheck = Callable[[], list[Check]]

_registered: list[HealthCheck] = []


def register_check(check: HealthCheck) -> None:
    """A higher app adds checks that need its own tables (this module imports no app)."""
    if check not in _registered:
        _registered.append(check)


def _registered_checks() -> list[Check]:
    found: list[Check] = []
    for check in _registered:
        try:
            found += check()
        except Exception:
            logger.exception("Health check %s raised", getattr(check, "__name__", check))
            found.append(Check(name=getattr(check, "__name__", "check"), ok=False))
    return found


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
    """For load balancers: 200 when the database, broker and a Celery worker answer and every
    registered check passes; 503 naming what is down."""
    database = _database_ok()
    broker = _broker_ok()
    worker = _worker_alive() if broker else False
    checks = {
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "worker": "ok" if worker else "down",
    }
    body: dict = {}
    for check in _registered_checks() if database else []:
        checks[check.name] = "ok" if check.ok else "down"
        if check.figures:
            body[check.name] = check.figures
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "down", "checks": checks, "down": down, **body}
    return JsonResponse(body, status=200 if not down else 503)
