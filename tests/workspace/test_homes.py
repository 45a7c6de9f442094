"""After logging in, each role lands on its own home, built in a bounded number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from enrolment.models import EnrolmentSource, EnrolmentStatus
from programmes.models import EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

# Measured and recorded in docs/performance.md; each includes the session and user lookups.
FAMILY_HOME_QUERIES = 6  # + roles; enrolments; coming sessions; household
PARTNER_HOME_QUERIES = 6  # + roles; referral counts; latest referrals; programmes with figures
COORDINATOR_HOME_QUERIES = 6  # + roles; week's sessions; places taken; follow-ups per programme
# + roles; today's sessions; registers to take; follow-ups, count; children not checked out
# (ended sessions, then the children, only when there is one); safety sheets to complete.
MEDIATOR_HOME_QUERIES = 10


def test_a_visitor_lands_on_the_catalogue(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:list")


def family_with_enrolments(count: int):
    user = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=user)
    household = guardian.household
    for index in range(count):
        child = ParticipantFactory(household=household, first_name=f"Enfant{index}")
        per_session = ProgrammeFactory(what_to_bring="Une gourde")
        session = SessionFactory(programme=per_session)
        EnrolmentFactory(participant=child, programme=per_session, session=session)
        cycle = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
        SessionFactory.create_batch(2, programme=cycle)
        EnrolmentFactory(participant=child, programme=cycle)
        full = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
        EnrolmentFactory(
            participant=child,
            programme=full,
            status=EnrolmentStatus.WAITLISTED,
            waitlist_position=index + 1,
        )
    return user


@pytest.mark.parametrize("count", [1, 6])
def test_family_home(client, english, django_assert_max_num_queries, count):
    user = family_with_enrolments(count)
    client.force_login(user)
    with django_assert_max_num_queries(FAMILY_HOME_QUERIES):
        response = client.get("/")
    body = response.content.decode()
    assert response.templates[0].name == "workspace/home_family.html"
    home = response.context["home"]
    assert len(home.enrolments) == 3 * count
    assert len(home.waitlisted) == count
    assert "Waiting list: no. 1" in body
    assert "Une gourde" in body
    assert home.coming and all(item.participants for item in home.coming)
    assert reverse("calendars:mine") in body


def test_family_home_without_anything_says_where_to_start(client, english):
    client.force_login(user_with_role(Role.FAMILY))
    body = client.get("/").content.decode()
    assert "No enrolment yet." in body and reverse("catalogue:list") in body


@pytest.mark.parametrize("count", [1, 8])
def test_partner_home(client, english, django_assert_max_num_queries, count):
    user = user_with_role(Role.PARTNER)
    partner = PartnerFactory()
    partner.members.add(user)
    for _ in range(count):
        programme = ProgrammeFactory()
        programme.partners.add(partner)
        SessionFactory(programme=programme)
        EnrolmentFactory(
            programme=programme,
            source=EnrolmentSource.PARTNER_REFERRAL,
            referred_by_partner=partner,
            status=EnrolmentStatus.PROPOSED,
        )
    client.force_login(user)
    with django_assert_max_num_queries(PARTNER_HOME_QUERIES):
        response = client.get("/")
    assert response.templates[0].name == "workspace/home_partner.html"
    home = response.context["home"]
    assert len(home.referrals) == count and len(home.programmes) == count
    assert home.programmes[0].coming_sessions == 1
    assert home.referral_counts == {EnrolmentStatus.PROPOSED: count}


def test_coordinator_home_flags_full_and_under_filled(
    client, english, django_assert_max_num_queries
):
    soon = timezone.now() + datetime.timedelta(days=2)
    full = ProgrammeFactory(title="Complet", capacity=2)
    session = SessionFactory(
        programme=full, starts_at=soon, ends_at=soon + datetime.timedelta(hours=2)
    )
    EnrolmentFactory.create_batch(2, programme=full, session=session)
    empty = ProgrammeFactory(title="Vide", capacity=10)
    SessionFactory(programme=empty, starts_at=soon, ends_at=soon + datetime.timedelta(hours=2))
    for _ in range(10):
        SessionFactory(
            programme=ProgrammeFactory(capacity=1),
            starts_at=soon,
            ends_at=soon + datetime.timedelta(hours=1),
        )
    client.force_login(user_with_role(Role.COORDINATOR))
    with django_assert_max_num_queries(COORDINATOR_HOME_QUERIES):
        response = client.get("/")
    assert response.templates[0].name == "workspace/home_coordinator.html"
    attention = {programme.title: reasons for programme, reasons in response.context["attention"]}
    assert attention["Complet"] == ["Full"]
    assert attention["Vide"] == ["Few enrolments"]
    assert len(response.context["week"]) == 12


@pytest.mark.parametrize("count", [1, 6])
def test_mediator_home_links_each_register(client, english, django_assert_max_num_queries, count):
    from programmes.models import Mediator

    user = user_with_role(Role.MEDIATOR)
    mediator = Mediator.objects.create(user=user, field="socio_educational")
    start = timezone.localtime().replace(hour=0, minute=0) + datetime.timedelta(hours=23)
    sessions = []
    for _ in range(count):
        programme = ProgrammeFactory()
        programme.mediators.add(mediator)
        sessions.append(
            SessionFactory(
                programme=programme, starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
            )
        )
    client.force_login(user)
    with django_assert_max_num_queries(MEDIATOR_HOME_QUERIES):
        response = client.get("/")
    assert response.templates[0].name == "workspace/home_mediator.html"
    body = response.content.decode()
    for session in sessions:
        assert reverse("attendance:register", args=[session.pk]) in body
    assert "No open follow-up" in body
