import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from allocation import services
from households.models import Channel, Language
from tests.factories import (
    GuardianFactory,
    HouseholdFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)


@pytest.fixture
def world(db):
    """A holiday week: two activities on the same morning (they overlap) and one in the
    afternoon, one place each but the afternoon one (two); two families wishing."""
    now = timezone.now()
    morning = (now + datetime.timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)
    mediator = MediatorFactory()
    football = ProgrammeFactory(title="Football", capacity=2)
    theatre = ProgrammeFactory(title="Théâtre", capacity=1)
    football.mediators.add(mediator)
    theatre.mediators.add(mediator)
    football_am = SessionFactory(
        programme=football, starts_at=morning, ends_at=morning + datetime.timedelta(hours=3)
    )
    theatre_am = SessionFactory(
        programme=theatre, starts_at=morning, ends_at=morning + datetime.timedelta(hours=3)
    )
    football_pm = SessionFactory(
        programme=football, starts_at=morning.replace(hour=14), ends_at=morning.replace(hour=17)
    )
    coordinator = user_with_role(Role.COORDINATOR)
    family_user = user_with_role(Role.FAMILY)
    household = HouseholdFactory(in_qpv=True)
    guardian = GuardianFactory(
        household=household,
        user=family_user,
        first_name="Nadia",
        preferred_channel=Channel.SMS,
        language=Language.ENGLISH,
    )
    lina = ParticipantFactory(household=household, first_name="Lina")
    sami = ParticipantFactory(household=household, first_name="Sami")
    other_household = HouseholdFactory(in_qpv=False)
    GuardianFactory(household=other_household, preferred_channel=Channel.EMAIL)
    other = ParticipantFactory(household=other_household, first_name="Jules")
    partner_user = user_with_role(Role.PARTNER)
    partner = PartnerFactory()
    partner.members.add(partner_user)
    round_ = services.round_create(
        title="Vacances d'hiver",
        wishes_open_at=now - datetime.timedelta(hours=1),
        wishes_close_at=now + datetime.timedelta(days=2),
        results_on=(now + datetime.timedelta(days=3)).date(),
        programmes=[football, theatre],
        max_per_child=2,
        created_by=coordinator,
    )
    activities = {
        (a.programme.title, a.session.starts_at.hour): a
        for a in round_.activities.select_related("programme", "session")
    }
    return {
        "round": round_,
        "coordinator": coordinator,
        "family_user": family_user,
        "household": household,
        "guardian": guardian,
        "lina": lina,
        "sami": sami,
        "other": other,
        "other_household": other_household,
        "mediator": mediator,
        "partner": partner,
        "partner_user": partner_user,
        "football_am": activities[("Football", 9)],
        "theatre_am": activities[("Théâtre", 9)],
        "football_pm": activities[("Football", 14)],
        "sessions": (football_am, theatre_am, football_pm),
    }
