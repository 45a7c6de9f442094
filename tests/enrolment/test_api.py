"""The enrolment API: each role's access, cross-household attempts, rules as 4xx, query counts."""

import datetime

import pytest

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import Household
from programmes.models import Audience, EnrolmentMode
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MediatorFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english(english, client):
    """Assertions read the English messages; pages answer in the browser's language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


API = "/api/v1"
LIST_QUERIES = 8  # session, user, roles, count, page, guardians, participants, audit event
WAITLIST_QUERIES = 6  # session, user, roles, programme, waitlist with participants, audit


@pytest.fixture
def family(client):
    user = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=user)
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    client.force_login(user)
    return {"client": client, "user": user, "household": guardian.household, "child": child}


@pytest.fixture
def cycle():
    programme = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=1)
    SessionFactory(programme=programme)
    return programme


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_family_enrols_its_child_then_the_next_is_waitlisted(family, cycle):
    response = post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": family["child"].pk, "programme_id": cycle.pk},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["position"], body["source"]) == (
        "confirmed",
        None,
        "family_online",
    )
    sibling = ParticipantFactory(household=family["household"])
    body = post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": sibling.pk, "programme_id": cycle.pk},
    ).json()
    assert (body["status"], body["position"]) == ("waitlisted", 1)


def test_rules_answer_4xx_naming_the_field(family, cycle):
    post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": family["child"].pk, "programme_id": cycle.pk},
    )
    again = post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": family["child"].pk, "programme_id": cycle.pk},
    )
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "participant"
    adults = ProgrammeFactory(audience=Audience.ADULTS, min_age=18, max_age=None)
    session = SessionFactory(programme=adults)
    refused = post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": family["child"].pk, "programme_id": adults.pk, "session_id": session.pk},
    )
    assert refused.status_code == 409  # the age as stored: a conflict with its state
    assert "will be" in refused.json()["detail"]
    # Neither a participant nor a guardian who takes part: the rule "exactly one of them".
    missing_field = post(family["client"], f"{API}/enrolments", {"programme_id": cycle.pk})
    assert missing_field.status_code == 400
    assert missing_field.json()["errors"][0]["field"] == "participant_id"
    assert Enrolment.objects.count() == 1


def test_full_without_waitlist_is_409(family):
    programme = ProgrammeFactory(
        enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=1, waitlist_enabled=False
    )
    SessionFactory(programme=programme)
    EnrolmentFactory(programme=programme)
    response = post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": family["child"].pk, "programme_id": programme.pk},
    )
    assert response.status_code == 409
    assert response.json()["errors"] == [
        {"field": "programme", "message": "This programme is full."}
    ]


def test_other_households_ids_answer_404_and_change_nothing(family, cycle):
    stranger = ParticipantFactory(first_name="Secret")
    theirs = EnrolmentFactory(participant=stranger)
    client = family["client"]
    attempts = [
        client.get(f"{API}/households/{stranger.household_id}"),
        client.get(f"{API}/participants/{stranger.pk}"),
        client.get(f"{API}/enrolments/{theirs.pk}"),
        post(client, f"{API}/enrolments/{theirs.pk}/cancel", {}),
        post(
            client, f"{API}/enrolments", {"participant_id": stranger.pk, "programme_id": cycle.pk}
        ),
        post(
            client,
            f"{API}/participants",
            {
                "household_id": stranger.household_id,
                "first_name": "A",
                "last_name": "B",
                "birth_date": "2018-01-01",
            },
        ),
        post(
            client,
            f"{API}/households/{stranger.household_id}/guardians",
            {"first_name": "A", "last_name": "B", "phone": "0600000000"},
        ),
    ]
    for response in attempts:
        assert response.status_code == 404, response.request
        assert "Secret" not in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == EnrolmentStatus.CONFIRMED
    assert not Enrolment.objects.filter(participant=stranger, programme=cycle).exists()
    lists = [
        client.get(f"{API}/households").json(),
        client.get(f"{API}/participants").json(),
        client.get(f"{API}/enrolments").json(),
    ]
    assert [body["count"] for body in lists] == [1, 1, 0]


def test_family_cancels_its_enrolment_and_the_waitlist_moves(family, cycle):
    mine = post(
        family["client"],
        f"{API}/enrolments",
        {"participant_id": family["child"].pk, "programme_id": cycle.pk},
    ).json()
    waiting = EnrolmentFactory(
        programme=cycle, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
    )
    response = post(family["client"], f"{API}/enrolments/{mine['id']}/cancel", {})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED


def test_family_registers_its_household_once(client):
    user = user_with_role(Role.FAMILY)
    client.force_login(user)
    body = {
        "first_name": "Nadia",
        "last_name": "Durand",
        "phone": "0612345678",
        "neighbourhood": "Les Martinets",
        "in_qpv": True,
    }
    response = post(client, f"{API}/households", body)
    assert response.status_code == 201
    assert response.json()["guardians"][0]["has_account"] is True
    assert post(client, f"{API}/households", body).status_code == 409


def test_mediator_enrols_on_behalf_of_a_household_they_created(client, cycle):
    mediator = MediatorFactory()
    cycle.mediators.add(mediator)  # mediators enrol in their programmes only
    client.force_login(mediator.user)
    household = post(
        client,
        f"{API}/households",
        {"first_name": "Awa", "last_name": "Traoré", "phone": "0611111111"},
    ).json()
    assert household["guardians"][0]["has_account"] is False
    child = post(
        client,
        f"{API}/participants",
        {
            "household_id": household["id"],
            "first_name": "Issa",
            "last_name": "Traoré",
            "birth_date": "2017-03-01",
        },
    ).json()
    enrolment = post(
        client, f"{API}/enrolments", {"participant_id": child["id"], "programme_id": cycle.pk}
    ).json()
    assert (enrolment["status"], enrolment["source"]) == ("confirmed", "mediator")


def test_waitlist_is_for_the_programmes_staff(client, family, cycle):
    EnrolmentFactory(programme=cycle)
    for position in (1, 2):
        EnrolmentFactory(
            programme=cycle, status=EnrolmentStatus.WAITLISTED, waitlist_position=position
        )
    url = f"{API}/programmes/{cycle.pk}/waitlist"
    assert family["client"].get(url).status_code == 403
    mediator = MediatorFactory()
    client.force_login(mediator.user)
    assert client.get(url).status_code == 403
    cycle.mediators.add(mediator)
    body = client.get(url).json()
    assert [entry["position"] for entry in body] == [1, 2]


def test_partner_refers_a_new_family_who_accepts(client, cycle):
    partner = PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    partner.members.add(partner_user)
    client.force_login(partner_user)
    response = post(
        client,
        f"{API}/referrals",
        {
            "programme_id": cycle.pk,
            "note": "Orientée par l'assistante sociale",
            "participant": {
                "first_name": "Inès",
                "last_name": "Martin",
                "birth_date": "2016-05-05",
            },
            "guardian": {"first_name": "Sarah", "last_name": "Martin", "phone": "0622222222"},
        },
    )
    assert response.status_code == 201, response.content
    referral = response.json()
    assert (referral["status"], referral["referred_by"]) == ("proposed", partner.name)
    # The partner only refers: it cannot enrol directly nor accept.
    assert (
        post(
            client,
            f"{API}/enrolments",
            {"participant_id": referral["participant"]["id"], "programme_id": cycle.pk},
        ).status_code
        == 403
    )
    assert post(client, f"{API}/referrals/{referral['id']}/accept", {}).status_code == 403
    assert client.get(f"{API}/referrals").json()["count"] == 1

    family_user = user_with_role(Role.FAMILY)
    household = Household.objects.get(pk=referral["participant"]["household_id"])
    guardian = household.guardians.get()
    guardian.user = family_user
    guardian.save()
    client.force_login(family_user)
    accepted = post(client, f"{API}/referrals/{referral['id']}/accept", {})
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "confirmed"


def test_a_partner_sees_only_its_own_referrals(client, cycle):
    ours, theirs = PartnerFactory(), PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    ours.members.add(partner_user)
    EnrolmentFactory(
        programme=cycle,
        status=EnrolmentStatus.PROPOSED,
        referred_by_partner=ours,
        source=EnrolmentSource.PARTNER_REFERRAL,
    )
    other = EnrolmentFactory(
        programme=cycle,
        status=EnrolmentStatus.PROPOSED,
        referred_by_partner=theirs,
        source=EnrolmentSource.PARTNER_REFERRAL,
    )
    client.force_login(partner_user)
    assert client.get(f"{API}/referrals").json()["count"] == 1
    assert client.get(f"{API}/enrolments/{other.pk}").status_code == 404
    assert client.get(f"{API}/households/{other.participant.household_id}").status_code == 404


def test_anonymous_gets_401(client):
    assert client.get(f"{API}/enrolments").status_code == 401
    assert client.get(f"{API}/households").status_code == 401


def test_lists_make_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    coordinator = user_with_role(Role.COORDINATOR)
    client.force_login(coordinator)
    programme = ProgrammeFactory()
    start = programme.created_at + datetime.timedelta(days=3)
    for index in range(30):
        participant = ParticipantFactory()
        GuardianFactory.create_batch(2, household=participant.household, is_primary=False)
        session = SessionFactory(
            programme=programme,
            starts_at=start + datetime.timedelta(days=index),
            ends_at=start + datetime.timedelta(days=index, hours=2),
        )
        EnrolmentFactory(participant=participant, programme=programme, session=session)
    for url in ("households", "participants", "enrolments", "referrals"):
        with django_assert_max_num_queries(LIST_QUERIES):
            response = client.get(f"{API}/{url}", {"limit": 100})
        assert response.status_code == 200
    assert response.json()["count"] == 0
    for position in range(1, 31):
        EnrolmentFactory(
            programme=programme,
            session=session,
            status=EnrolmentStatus.WAITLISTED,
            waitlist_position=position,
        )
    with django_assert_max_num_queries(WAITLIST_QUERIES):
        response = client.get(f"{API}/programmes/{programme.pk}/waitlist")
    assert [entry["position"] for entry in response.json()] == list(range(1, 31))
