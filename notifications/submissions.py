"""One message per submission: a family that books several dates at once gets one message
listing the answer for each date, not one message per date.

The dates of one submission are booked in one transaction (each date in a savepoint of its own,
see ``enrolment.services.member_book``). The first date's message is written as usual; each
further date of the same transaction, for the same participant and recipient, adds its answer
to that message's context instead of writing its own. Nothing is dispatched before the commit,
so the message leaves once, complete, and its key keeps the outbox's exactly-once guarantee.
If a savepoint rolled back the first message, the update finds no row and the date gets its own
message, as before.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from .models import Message, MessageState
from .rendering import to_context_value

_STATE = "_notifications_submission"


@dataclass
class _Held:
    message_id: int
    context: dict[str, Any]
    answers: list[dict[str, Any]] = field(default_factory=list)


def _marker() -> None:
    """Registered on commit: while it waits there, the transaction that held messages is the
    current one (Django drops it on commit, on rollback, and with a rolled-back savepoint)."""


def _registry(*, create: bool) -> dict[tuple, _Held] | None:
    if not connection.in_atomic_block:
        return None
    state = getattr(connection, _STATE, None)
    if state is not None:
        marker, registry = state
        if any(callback is marker for _ids, callback, *_rest in connection.run_on_commit):
            return registry
    if not create:
        return None

    def marker() -> None:
        _marker()

    registry = {}
    transaction.on_commit(marker)
    setattr(connection, _STATE, (marker, registry))
    return registry


def answer_of(enrolment) -> dict[str, Any]:
    """One date's answer as the message lists it."""
    session = enrolment.session
    return {
        "starts_at": session.starts_at if session is not None else None,
        "status": enrolment.status,
        "position": enrolment.waitlist_position,
    }


def submission_add(*, key: tuple, answer: dict[str, Any]) -> bool:
    """Add ``answer`` to the message already written for ``key`` in this transaction; False
    when there is none (the caller writes its own message, then calls ``submission_hold``)."""
    registry = _registry(create=False)
    held = registry.get(key) if registry is not None else None
    if held is None:
        return False
    answers = [*held.answers, answer]
    context = held.context | {"answers": to_context_value(answers)}
    updated = Message.objects.filter(pk=held.message_id, state=MessageState.PENDING).update(
        context=context
    )
    if not updated:
        del registry[key]
        return False
    held.answers, held.context = answers, context
    return True


def submission_hold(*, key: tuple, message: Message, answer: dict[str, Any]) -> None:
    """Remember the message just written for ``key``, for the other dates of the submission."""
    if message.pk is None or message.state != MessageState.PENDING:
        return
    registry = _registry(create=True)
    if registry is not None:
        registry[key] = _Held(message.pk, dict(message.context), [answer])
