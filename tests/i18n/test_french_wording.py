"""French wording the tester found wrong: counts through ngettext, no future tense for a past
date, no agreement that assumes a boy, colons and semicolons after a non-breaking space."""

import datetime

import pytest
import time_machine
from django.utils import translation

from households.eligibility import ineligibility_reason
from tests.factories import ProgrammeFactory
from workspace.homes import programmes_needing_attention

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


def test_one_open_follow_up_is_singular(french):
    programme = ProgrammeFactory()
    [(_programme, reasons)] = programmes_needing_attention(week=[], absences={programme.pk: 1})
    assert reasons == ["1 suivi d’absences ouvert"]
    [(_programme, reasons)] = programmes_needing_attention(week=[], absences={programme.pk: 3})
    assert reasons == ["3 suivis d’absences ouverts"]


@time_machine.travel(datetime.datetime(2026, 12, 2, 11, 0, tzinfo=datetime.UTC), tick=False)
def test_ages_agree_with_their_number_and_with_the_past(french):
    baby = ProgrammeFactory(min_age=3, max_age=6)
    reason = ineligibility_reason(
        first_name="Bébé",
        birth_date=datetime.date(2025, 5, 4),
        sex="female",
        programme=baby,
        day=datetime.date(2027, 1, 10),
    )
    assert reason.startswith(f"Bébé aura 1 an le dimanche 10 janvier 2027{NBSP}:"), reason
    seniors = ProgrammeFactory(min_age=60, max_age=None)
    reason = ineligibility_reason(
        first_name="Karima",
        birth_date=datetime.date(1985, 1, 2),
        sex="female",
        programme=seniors,
        day=datetime.date(2026, 9, 3),
    )
    assert reason.startswith(f"Karima avait 41 ans le jeudi 3 septembre 2026{NBSP}:"), reason


@pytest.mark.parametrize(
    "msgid, params",
    [
        (
            "%(name)s is not expected in this session: add them as a walk-in.",
            {"name": "Karima Haddad"},
        ),
        (
            "%(name)s is already expected at “%(programme)s” on %(date)s at %(time)s, "
            "at the same time.",
            {"name": "Lina", "programme": "Atelier A", "date": "9 février", "time": "10:00"},
        ),
        (
            'Reminder: %(participant)s is expected at "%(programme)s" on %(day)s at '
            "%(time)s, %(venue)s, %(address)s.",
            {
                "participant": "Awa",
                "programme": "P",
                "day": "lundi",
                "time": "9:00",
                "venue": "V",
                "address": "A",
            },
        ),
        (
            'This is a reminder that %(participant)s is expected at "%(programme)s".',
            {"participant": "Awa", "programme": "P"},
        ),
    ],
)
def test_messages_about_a_person_need_no_agreement(french, msgid, params):
    text = translation.gettext(msgid) % params
    assert "attendu" not in text and "ajoutez-le" not in text, text


def test_counts_and_lists_keep_their_non_breaking_spaces(french):
    followed = translation.gettext(
        "Participants followed up: %(followed)s · Follow-ups: %(follow_ups)s"
    ) % {"followed": 0, "follow_ups": 0}
    assert followed == f"Participants suivis{NBSP}: 0 · Suivis{NBSP}: 0"
    audit = translation.gettext("%(change)s; household %(household)s") % {
        "change": "création",
        "household": 12,
    }
    assert f"création{NBSP};" in audit
    assert translation.gettext("API tokens") == "Jetons d’API"
