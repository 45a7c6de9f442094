"""Signals for higher apps (notifications, enrolment), which sessions never imports.

They are sent inside the transaction that makes the change, so that a receiver can write its own
rows (an outbox message) atomically with it; a receiver that talks to the outside world defers
that with ``transaction.on_commit``. Each sends ``session`` and ``changed_by`` (a user or None).
"""

from django.dispatch import Signal

session_cancelled = Signal()
# Also sends ``previous``: a dict with starts_at, ends_at and venue_id before the move.
session_moved = Signal()
