"""Signals for higher apps (notifications), which attendance never imports; sent inside the
transaction that makes the change, as enrolment's are (see enrolment/signals.py)."""

from django.dispatch import Signal

# Repeated unexcused absences opened a follow-up; sends ``follow_up`` (a FollowUp with its
# sessions set) and ``changed_by`` (who took the mark that opened it).
follow_up_opened = Signal()
