"""The one way to act after a transaction commits (queue a Celery task, send to a provider).

The database row (an outbox message, a background job) is written in the transaction and is the
source of truth; the action after commit only speeds things up. So the action is robust: if it
fails (the broker is down), the failure is logged, the request that committed still succeeds,
and a periodic sweep picks the row up later.
"""

from collections.abc import Callable

from django.db import transaction


def after_commit(action: Callable[[], object]) -> None:
    # A plain function, not functools.partial: Django 5.2's robust on_commit reads __qualname__.
    transaction.on_commit(action, robust=True)
