"""Signals for higher apps (notifications), which enrolment never imports.

They are sent INSIDE the transaction that makes the change, not on commit, so that a receiver can
write its own rows (an outbox message) atomically with it: if the enrolment rolls back, so does
the message. A receiver that talks to the outside world (a Celery task, a mail) defers that with
``transaction.on_commit``. A receiver that raises rolls the change back, so keep receivers to
database writes.

Each sends ``enrolment`` (the Enrolment as saved) and ``changed_by`` (a user or None), except
``enrolment_placing``.
"""

from django.dispatch import Signal

# About to decide a new enrolment's place, before the target's row is locked; sends
# ``participant``, ``programme`` and ``session`` (or None). A receiver reads here, outside the
# lock, what it will need once the place is given, and returns it (or None): the
# ``enrolment_confirmed`` / ``enrolment_waitlisted`` signal that follows hands it back in
# ``prepared``, a dict keyed by receiver.
enrolment_placing = Signal()
# A place was given at once (family, mediator, or a referral accepted).
enrolment_confirmed = Signal()
# The target was full: the enrolment joined the waiting list (see enrolment.waitlist_position).
enrolment_waitlisted = Signal()
# A freed place went to this waitlisted enrolment, now confirmed.
enrolment_promoted = Signal()
# Also sends ``previous_status``: what the enrolment was before (confirmed, waitlisted, proposed).
enrolment_cancelled = Signal()
# A partner referred a participant; the guardian (or a mediator) must accept it.
referral_proposed = Signal()
