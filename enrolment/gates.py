"""Extension point for higher apps that hold places back from first come, first served.

A higher app (allocation rounds) registers, in its AppConfig.ready(), a function called with the
programme and session of every enrolment or referral request; it raises EnrolmentError to refuse
it (places given by a draw), or returns None.
"""

from collections.abc import Callable

EnrolmentGate = Callable[..., None]

_gates: list[EnrolmentGate] = []


def register_enrolment_gate(gate: EnrolmentGate) -> None:
    if gate not in _gates:
        _gates.append(gate)


def enrolment_gates_check(*, programme, session) -> None:
    for gate in _gates:
        gate(programme=programme, session=session)
