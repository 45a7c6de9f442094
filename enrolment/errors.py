"""The domain error of the enrolment app."""

from core.errors import DomainError


class EnrolmentError(DomainError):
    """A rule on households, consents, enrolments or referrals was broken."""


class TargetConflict(EnrolmentError):
    """The programme, session or person as stored now takes no such enrolment (closed, ended,
    cancelled, another mode, another age): a conflict with their state, not bad input."""

    default_status = 409
