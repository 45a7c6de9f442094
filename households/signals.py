"""What the households app tells the apps above it.

``safety_sheet_saved`` (``sheet``, ``participant``): a new version of a participant's safety sheet
was written, inside the saving transaction; the enrolment app recomputes which enrolments still
wait for a sheet.
"""

from django.dispatch import Signal

safety_sheet_saved = Signal()
