import datetime
import zoneinfo

import pytest

from enrolment.errors import EnrolmentError
from enrolment.services import eligibility_check, eligibility_date
from households.models import Sex
from programmes.models import Audience, EnrolmentMode
from tests.factories import ParticipantFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    """Assertions read the English messages; pages answer in the browser's language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def session_on(programme, day: datetime.date, hour: int = 14):
    start = datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)
    return SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 9, 1, 10, tzinfo=PARIS))


def test_age_is_taken_on_the_first_session_of_a_cycle():
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, min_age=6, max_age=12)
    session_on(programme, datetime.date(2026, 10, 7))
    session_on(programme, datetime.date(2026, 9, 16))
    # Turns 6 on 10 September: too young today, old enough on the first session (16 September).
    child = ParticipantFactory(birth_date=datetime.date(2020, 9, 10), first_name="Lina")
    assert eligibility_date(programme=programme, session=None) == datetime.date(2026, 9, 16)
    eligibility_check(participant=child, programme=programme)
    # Turns 6 on 20 September: still 5 on the first session.
    younger = ParticipantFactory(birth_date=datetime.date(2020, 9, 20), first_name="Noé")
    with pytest.raises(EnrolmentError) as error:
        eligibility_check(participant=younger, programme=programme)
    assert error.value.field == "participant"
    assert error.value.message == (
        "Noé will be 5 on Wednesday 16 September 2026: this programme is for ages 6 to 12."
    )


def test_age_is_taken_on_the_chosen_session_per_session():
    programme = ProgrammeFactory(min_age=6, max_age=12)
    early = session_on(programme, datetime.date(2026, 9, 5))
    late = session_on(programme, datetime.date(2026, 9, 30))
    child = ParticipantFactory(birth_date=datetime.date(2014, 9, 20))  # turns 12 → 12 ok; 13 no
    eligibility_check(participant=child, programme=programme, session=early)
    eligibility_check(participant=child, programme=programme, session=late)
    older = ParticipantFactory(birth_date=datetime.date(2013, 9, 20))
    eligibility_check(participant=older, programme=programme, session=early)
    with pytest.raises(EnrolmentError, match="will be 13 on Wednesday 30 September 2026"):
        eligibility_check(participant=older, programme=programme, session=late)


def test_open_ended_ranges_say_so():
    seniors = ProgrammeFactory(audience=Audience.SENIORS, min_age=60, max_age=None)
    session = session_on(seniors, datetime.date(2026, 9, 14))
    with pytest.raises(EnrolmentError, match="aged 60 and over"):
        eligibility_check(
            participant=ParticipantFactory(birth_date=datetime.date(1970, 1, 1)),
            programme=seniors,
            session=session,
        )
    teens = ProgrammeFactory(audience=Audience.TEENAGERS, min_age=None, max_age=15)
    session = session_on(teens, datetime.date(2026, 9, 14))
    with pytest.raises(EnrolmentError, match="aged up to 15"):
        eligibility_check(
            participant=ParticipantFactory(birth_date=datetime.date(2010, 1, 1)),
            programme=teens,
            session=session,
        )


@pytest.mark.parametrize(
    ("audience", "birth_year", "sex", "fragment"),
    [
        (Audience.CHILDREN, 1990, Sex.UNSPECIFIED, "is an adult"),
        (Audience.TEENAGERS, 2007, Sex.FEMALE, "is an adult"),
        (Audience.PARENTS, 2012, Sex.UNSPECIFIED, "is a minor"),
        (Audience.ADULTS, 2010, Sex.UNSPECIFIED, "is a minor"),
        (Audience.WOMEN, 1990, Sex.MALE, "for women"),
        (Audience.WOMEN, 2012, Sex.FEMALE, "is a minor"),
    ],
)
def test_audience_must_match(audience, birth_year, sex, fragment):
    programme = ProgrammeFactory(audience=audience, min_age=None, max_age=None)
    session = session_on(programme, datetime.date(2026, 9, 14))
    participant = ParticipantFactory(birth_date=datetime.date(birth_year, 3, 1), sex=sex)
    with pytest.raises(EnrolmentError, match=fragment):
        eligibility_check(participant=participant, programme=programme, session=session)


@pytest.mark.parametrize(
    ("audience", "birth_year", "sex"),
    [
        (Audience.PARENT_AND_CHILD, 2018, Sex.UNSPECIFIED),
        (Audience.PARENT_AND_CHILD, 1985, Sex.MALE),
        (Audience.WOMEN, 1990, Sex.UNSPECIFIED),
        (Audience.WOMEN, 1990, Sex.FEMALE),
        (Audience.SENIORS, 1950, Sex.MALE),
        (Audience.TEENAGERS, 2012, Sex.MALE),
    ],
)
def test_audience_accepts(audience, birth_year, sex):
    programme = ProgrammeFactory(audience=audience, min_age=None, max_age=None)
    session = session_on(programme, datetime.date(2026, 9, 14))
    participant = ParticipantFactory(birth_date=datetime.date(birth_year, 3, 1), sex=sex)
    eligibility_check(participant=participant, programme=programme, session=session)
