"""Extension points for higher apps (enrolment, notifications), which sessions never imports.

A higher app registers, in its AppConfig.ready(), a function that tells which sessions hold data
of its own (enrolments, attendance); regenerating a schedule never deletes or moves those.
"""

from collections.abc import Callable, Iterable

SessionsInUseCheck = Callable[[Iterable[int]], set[int]]

_sessions_in_use_checks: list[SessionsInUseCheck] = []


def register_sessions_in_use_check(check: SessionsInUseCheck) -> None:
    if check not in _sessions_in_use_checks:
        _sessions_in_use_checks.append(check)


def unregister_sessions_in_use_check(check: SessionsInUseCheck) -> None:
    if check in _sessions_in_use_checks:
        _sessions_in_use_checks.remove(check)


def sessions_in_use(session_ids: Iterable[int]) -> set[int]:
    ids = list(session_ids)
    in_use: set[int] = set()
    if not ids:
        return in_use
    for check in _sessions_in_use_checks:
        in_use |= check(ids)
    return in_use


SeatsTakenProvider = Callable[[list], dict[int, int]]

_seats_taken_provider: SeatsTakenProvider | None = None


def register_seats_taken_provider(provider: SeatsTakenProvider) -> None:
    """The enrolment app tells how many places each session has taken (one query for a list)."""
    global _seats_taken_provider
    _seats_taken_provider = provider


def seats_taken(sessions: list) -> dict[int, int]:
    """Places taken per session id, for a list of Session objects (with programme loaded)."""
    if _seats_taken_provider is None or not sessions:
        return {}
    return _seats_taken_provider(sessions)
