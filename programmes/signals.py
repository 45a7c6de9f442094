"""Signals for higher apps, which programmes never imports; sent inside the transaction that
makes the change."""

from django.dispatch import Signal

# The safety sheet parts a programme requires changed; sends ``programme``. The enrolment app
# recomputes which of its enrolments wait for a sheet.
safety_sheet_parts_changed = Signal()
