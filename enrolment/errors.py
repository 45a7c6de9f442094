"""The domain error of the enrolment app."""

from core.errors import DomainError


class EnrolmentError(DomainError):
    """A rule on households, consents, enrolments or referrals was broken."""
