import datetime
from zoneinfo import ZoneInfo

import pytest

from sessions.feeds import event_cache
from tests.factories import MediatorFactory, ProgrammeFactory, SessionFactory, VenueFactory

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


# Around the 2027 changes: 28 March (02:00 -> 03:00) and 31 October (03:00 -> 02:00).
DST_STARTS = [
    paris(2027, 3, 27, 14, 0),
    paris(2027, 3, 28, 14, 0),
    paris(2027, 3, 29, 9, 30),
    paris(2027, 10, 30, 14, 0),
    paris(2027, 10, 31, 14, 0),
    paris(2027, 11, 1, 18, 45),
]


@pytest.fixture(autouse=True)
def _fresh_event_cache():
    event_cache().clear()
    yield
    event_cache().clear()


@pytest.fixture
def programme(db):
    venue = VenueFactory(
        name="Centre social Germaine Tillion, salle 2",
        address="12 rue de l'Église; 94270 Le Kremlin-Bicêtre",
        accessibility_notes="Ascenseur\\rampe; entrée côté cour",
    )
    programme = ProgrammeFactory(
        title="Atelier « Santé, sommeil; écrans »",
        slug="atelier-sante",
        venue=venue,
        what_to_bring="Une gourde, des baskets, un carnet; et de la bonne humeur — "
        "pensez à l'autorisation parentale signée\net au certificat médical",
    )
    for first, last, phone in (("Amina", "Benali", "01 23 45 67 89"), ("Émile", "Zola", "")):
        mediator = MediatorFactory(user__first_name=first, user__last_name=last, phone=phone)
        programme.mediators.add(mediator)
    return programme


@pytest.fixture
def dst_sessions(programme):
    return [
        SessionFactory(
            programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
        )
        for start in DST_STARTS
    ]
