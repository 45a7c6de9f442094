"""Signals sent after commit, so that receivers (notifications) see the saved state.

Each sends ``session`` (the Session) and ``changed_by`` (a user or None).
"""

from django.dispatch import Signal

session_cancelled = Signal()
# Also sends ``previous`` (dict with starts_at, ends_at, venue_id before the move).
session_moved = Signal()
