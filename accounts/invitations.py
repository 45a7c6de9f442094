"""What an invitation can be for. The app that owns the record (a guardian of a household)
registers how to read it and how to attach an account to it; accounts never imports that app."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import User


@dataclass(frozen=True)
class SubjectDetails:
    first_name: str
    last_name: str
    email: str
    account: User | None


@dataclass(frozen=True)
class InvitationSubject:
    label: str
    describe: Callable[[str], SubjectDetails | None]
    attach: Callable[[str, User], None]


_subjects: dict[str, InvitationSubject] = {}


def register_invitation_subject(subject: InvitationSubject) -> None:
    _subjects[subject.label] = subject


def invitation_subject(label: str) -> InvitationSubject | None:
    return _subjects.get(label)
