import logging

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from .api import error_body
from .celery import app as celery_app

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
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: broker unreachable")
        return False


def _workers_alive() -> int:
    try:
        replies = celery_app.control.ping(timeout=1.5)
    except Exception:
        logger.exception("Health check: worker ping failed")
        return 0
    return len(replies or [])


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: 200 when the database, broker and a Celery worker answer."""
    database = _database_ok()
    broker = _broker_ok()
    workers = _workers_alive() if broker else 0
    checks = {
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "worker": "ok" if workers else "down",
    }
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "down", "checks": checks, "workers": workers,
            "down": down}
    return JsonResponse(body, status=200 if not down else 503)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Unknown API addresses answer in the API's error shape, not with an HTML page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(_("Not found.")), status=404)
    return defaults.page_not_found(request, exception)
