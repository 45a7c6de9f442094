"""Extension points for higher apps (enrolment, notifications), which sessions never imports.

A higher app registers, in its AppConfig.ready(), a function that tells which sessions hold data
of its own (enrolments, attendance); regenerating a schedule never deletes or moves those.
"""

from collections.abc import Callable, Iterable

from django.db.models import QuerySet

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


SeatsTakenInProvider = Callable[[QuerySet], dict[int, int]]

_seats_taken_in_provider: SeatsTakenInProvider | None = None


def register_seats_taken_in_provider(provider: SeatsTakenInProvider) -> None:
    """The enrolment app tells how many places each session of a queryset has taken, for every
    session of it (0 included), in grouped queries that load no model: feeds of thousands."""
    global _seats_taken_in_provider
    _seats_taken_in_provider = provider


def seats_taken_in(sessions: QuerySet) -> dict[int, int]:
    if _seats_taken_in_provider is None:
        return dict.fromkeys(sessions.values_list("pk", flat=True), 0)
    return _seats_taken_in_provider(sessions)


HeadcountVersion = Callable[[QuerySet], dict]

_headcount_version: HeadcountVersion | None = None


def register_headcount_version(provider: HeadcountVersion) -> None:
    """The enrolment app gives aggregates over a queryset of sessions (name -> expression) that
    change whenever one of their places taken changes; feeds that show headcounts put them in
    their ETag. They are computed in the feed's one version query."""
    global _headcount_version
    _headcount_version = provider


def headcount_version(sessions: QuerySet) -> dict:
    return _headcount_version(sessions) if _headcount_version is not None else {}


FeedOffersProvider = Callable[[object], list]

_feed_offers_providers: list[FeedOffersProvider] = []


def register_feed_offers(provider: FeedOffersProvider) -> None:
    """A higher app offers private feeds of its own (a household's) on "My calendars": the
    provider takes a user and returns ``sessions.selectors.FeedOffer`` items."""
    if provider not in _feed_offers_providers:
        _feed_offers_providers.append(provider)


def feed_offers_from_other_apps(user) -> list:
    return [offer for provider in _feed_offers_providers for offer in provider(user)]


ProgrammePanel = Callable[[object, object], str]

_programme_panels: list[ProgrammePanel] = []


def register_programme_panel(panel: ProgrammePanel) -> None:
    """A higher app adds a block of HTML to the programme page: ``panel(request, programme)``
    returns it rendered (empty for people who may not see it), e.g. attendance for staff."""
    if panel not in _programme_panels:
        _programme_panels.append(panel)


def programme_panels(request, programme) -> list[str]:
    return [html for panel in _programme_panels if (html := panel(request, programme))]
