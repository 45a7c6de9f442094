"""Family, mediator and partner pages: journeys, access to other households, query counts."""

import datetime

import pytest
from django.urls import reverse

from accounts.roles import Role
from enrolment.models import Enrolment, EnrolmentSource, EnrolmentStatus
from households.models import Consent, Household
from programmes.models import EnrolmentMode
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


FAMILY_PAGE_QUERIES = 14
PEOPLE_PAGE_QUERIES = 12


@pytest.fixture
def family(client):
    user = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=user, first_name="Nadia")
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    client.force_login(user)
    return {"client": client, "user": user, "household": guardian.household, "child": child}


@pytest.fixture
def cycle():
    programme = ProgrammeFactory(
        title="Parcours", enrolment_mode=EnrolmentMode.WHOLE_CYCLE, capacity=1
    )
    SessionFactory(programme=programme)
    return programme


@pytest.mark.parametrize(
    ("role", "space"),
    [
        (Role.FAMILY, "/my/family/"),
        (Role.MEDIATOR, "/my/mediation/"),
        (Role.PARTNER, "/my/partner/"),
    ],
)
def test_each_roles_home_after_login_links_to_its_space(client, role, space):
    user = user_with_role(role)
    if role == Role.PARTNER:
        PartnerFactory().members.add(user)
    if role == Role.FAMILY:
        GuardianFactory(user=user)
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "correct-horse-battery"},
        follow=True,
    )
    assert f'href="{space}"' in response.content.decode()
    assert client.get(space).status_code == 200


def test_programme_page_offers_to_enrol(client, cycle):
    body = client.get(cycle.get_absolute_url()).content.decode()
    assert reverse("enrolment:enrol", args=[cycle.slug]) in body


def test_family_enrols_then_the_next_child_is_waitlisted(family, cycle):
    client = family["client"]
    url = reverse("enrolment:enrol", args=[cycle.slug])
    response = client.post(url, {"participant": f"p-{family['child'].pk}"}, follow=True)
    assert "Lina is enrolled" in response.content.decode()
    sibling = ParticipantFactory(household=family["household"], first_name="Adam")
    response = client.post(url, {"participant": f"p-{sibling.pk}"}, follow=True)
    body = response.content.decode()
    assert "number 1 on the waiting list" in body
    assert "Waiting list: number 1" in body


def test_per_session_enrolment_needs_a_session_and_says_what_is_wrong(family):
    programme = ProgrammeFactory(min_age=14, max_age=17)
    session = SessionFactory(programme=programme)
    url = reverse("enrolment:enrol", args=[programme.slug])
    response = family["client"].post(url, {"participant": f"p-{family['child'].pk}"})
    assert response.status_code == 200
    assert not Enrolment.objects.exists()
    response = family["client"].post(
        url, {"participant": f"p-{family['child'].pk}", "sessions": [session.pk]}
    )
    body = response.content.decode()
    # Too young: not offered, the reason written beside the name.
    assert "this programme is for ages 14 to 17" in body
    child_pk = family["child"].pk
    assert f'value="p-{child_pk}"' not in body
    assert "No one in the household fits this programme yet." in body


def test_family_cannot_enrol_or_cancel_for_another_household(family, cycle):
    stranger = ParticipantFactory()
    theirs = EnrolmentFactory(participant=stranger)
    client = family["client"]
    url = reverse("enrolment:enrol", args=[cycle.slug])
    response = client.post(url, {"participant": f"p-{stranger.pk}"})
    assert (
        response.status_code == 200
        and not Enrolment.objects.filter(participant=stranger, programme=cycle).exists()
    )
    assert client.post(reverse("enrolment:cancel", args=[theirs.pk])).status_code == 404
    assert (
        client.get(reverse("households:household", args=[stranger.household_id])).status_code == 403
    )
    for name in ("child-add", "guardian-add", "consents"):
        assert (
            client.get(reverse(f"households:{name}", args=[stranger.household_id])).status_code
            == 404
        )
    theirs.refresh_from_db()
    assert theirs.status == EnrolmentStatus.CONFIRMED


def test_family_cancels_and_the_waitlist_moves(family, cycle):
    mine = EnrolmentFactory(participant=family["child"], programme=cycle)
    waiting = EnrolmentFactory(
        programme=cycle, status=EnrolmentStatus.WAITLISTED, waitlist_position=1
    )
    client = family["client"]
    assert (
        "Cancel this enrolment?"
        in client.get(reverse("enrolment:cancel", args=[mine.pk])).content.decode()
    )
    client.post(reverse("enrolment:cancel", args=[mine.pk]))
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.CONFIRMED


def test_family_without_household_registers_first(client, cycle):
    user = user_with_role(Role.FAMILY, first_name="Awa", last_name="Diop")
    client.force_login(user)
    response = client.get(reverse("enrolment:enrol", args=[cycle.slug]))
    assert response.url.startswith(reverse("households:family-register"))
    response = client.post(
        response.url,
        {
            "first_name": "Awa",
            "last_name": "Diop",
            "phone": "0612345678",
            "preferred_channel": "sms",
            "language": "fr",
        },
    )
    assert response.url == reverse("enrolment:enrol", args=[cycle.slug])
    assert Household.objects.get().guardians.get().user == user


def test_register_never_redirects_off_site(client):
    client.force_login(user_with_role(Role.FAMILY))
    response = client.post(
        reverse("households:family-register") + "?next=https://evil.example/",
        {
            "first_name": "A",
            "last_name": "B",
            "phone": "0600000000",
            "preferred_channel": "sms",
            "language": "fr",
        },
    )
    assert response.url == reverse("workspace:family")


def test_family_adds_a_child_and_edits_a_guardian(family):
    household = family["household"]
    client = family["client"]
    client.post(
        reverse("households:child-add", args=[household.pk]),
        {"first_name": "Sami", "last_name": "Durand", "birth_date": "2019-04-02", "sex": "male"},
    )
    assert household.participants.filter(first_name="Sami").exists()
    guardian = household.guardians.get()
    response = client.post(
        reverse("households:guardian-edit", args=[household.pk, guardian.pk]),
        {
            "first_name": "Nadia",
            "last_name": "Durand",
            "phone": "",
            "email": "",
            "preferred_channel": "sms",
            "language": "en",
        },
    )
    assert "Enter a phone number or an e-mail address." in response.content.decode()


def test_consents_are_given_and_withdrawn(family):
    url = reverse("households:consents", args=[family["household"].pk])
    client = family["client"]
    client.post(url, {"kind": "image_rights", "answer": "given"})
    consent = Consent.objects.get()
    assert (consent.answer, consent.given_by.user) == ("given", family["user"])
    client.post(url, {"kind": "image_rights", "action": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_a_guardian_refuses_a_consent_and_may_agree_later(family):
    url = reverse("households:consents", args=[family["household"].pk])
    client = family["client"]
    response = client.post(url, {"kind": "partner_sharing", "answer": "refused"}, follow=True)
    assert "Refusal recorded." in response.content.decode()
    refused = Consent.objects.get()
    assert (refused.answer, refused.given_by.user, refused.recorded_by) == (
        "refused",
        family["user"],
        family["user"],
    )
    page = client.get(url).content.decode()
    assert "Refused on" in page
    # A refusal is not a consent that could be withdrawn; agreeing later supersedes it.
    client.post(url, {"kind": "partner_sharing", "action": "withdraw"})
    refused.refresh_from_db()
    assert refused.withdrawn_at is None
    client.post(url, {"kind": "partner_sharing", "answer": "given"})
    refused.refresh_from_db()
    assert refused.superseded_at is not None
    assert Consent.objects.get(superseded_at__isnull=True).answer == "given"


def test_a_mediator_records_which_guardian_answered(client, family):
    household = family["household"]
    mediator = MediatorFactory(user__first_name="Sophie", user__last_name="Martin")
    household.created_by = mediator.user
    household.save()
    client.force_login(mediator.user)
    url = reverse("households:consents", args=[household.pk])
    page = client.get(url).content.decode()
    assert "Who answered" in page
    guardian = household.guardians.get()
    # Without naming who answered, nothing is recorded and the page says why.
    response = client.post(url, {"kind": "image_rights", "answer": "refused"}, follow=True)
    assert not Consent.objects.exists()
    assert "This field is required." in response.content.decode()
    client.post(url, {"kind": "image_rights", "answer": "refused", "given_by": guardian.pk})
    consent = Consent.objects.get()
    assert (consent.answer, consent.given_by, consent.recorded_by) == (
        "refused",
        guardian,
        mediator.user,
    )
    page = client.get(url).content.decode()
    assert f"Answer of {guardian.full_name}" in page and "recorded by Sophie Martin" in page
    # A guardian of another household cannot be named as the one who answered.
    stranger = GuardianFactory()
    client.post(url, {"kind": "partner_sharing", "answer": "given", "given_by": stranger.pk})
    assert Consent.objects.count() == 1


def test_family_page_queries_are_bounded(family, django_assert_max_num_queries):
    household = family["household"]
    for _ in range(15):
        child = ParticipantFactory(household=household)
        EnrolmentFactory(participant=child, session=None)
    with django_assert_max_num_queries(FAMILY_PAGE_QUERIES):
        response = family["client"].get(reverse("workspace:family"))
    assert response.status_code == 200


def test_mediator_creates_a_household_and_enrols_on_its_behalf(client, cycle):
    mediator = MediatorFactory()
    cycle.mediators.add(mediator)  # mediators enrol in their programmes only
    client.force_login(mediator.user)
    response = client.post(
        reverse("households:household-create") + f"?enrol_in={cycle.slug}",
        {
            "first_name": "Awa",
            "last_name": "Traoré",
            "phone": "0611111111",
            "preferred_channel": "sms",
            "language": "fr",
            "in_qpv": "on",
            "child_first_name": "Issa",
            "child_birth_date": "2017-03-01",
        },
    )
    household = Household.objects.get()
    assert (
        response.url
        == reverse("households:household", args=[household.pk]) + f"?enrol_in={cycle.slug}"
    )
    issa = household.participants.get()
    response = client.post(
        reverse("enrolment:enrol", args=[cycle.slug]),
        {"household": household.pk, "participant": f"p-{issa.pk}"},
    )
    enrolment = Enrolment.objects.get()
    assert (enrolment.source, enrolment.created_by) == (EnrolmentSource.MEDIATOR, mediator.user)
    found = client.get(reverse("workspace:mediation"), {"q": "0611111111"}).content.decode()
    assert household.reference in found


def test_mediator_search_finds_only_visible_households(client):
    mediator = MediatorFactory()
    GuardianFactory(last_name="Invisible")
    client.force_login(mediator.user)
    body = client.get(reverse("workspace:mediation"), {"q": "Invisible"}).content.decode()
    assert "0 households found" in body


def test_programme_people_for_its_staff_only(client, cycle, django_assert_max_num_queries):
    for index in range(12):
        EnrolmentFactory(
            programme=cycle,
            status=EnrolmentStatus.WAITLISTED,
            waitlist_position=index + 1,
            participant=GuardianFactory().household.participants.create(
                first_name=f"P{index}", last_name="X", birth_date=datetime.date(2016, 1, 1)
            ),
        )
    url = reverse("enrolment:programme-people", args=[cycle.pk])
    mediator = MediatorFactory()
    client.force_login(mediator.user)
    assert client.get(url).status_code == 403
    cycle.mediators.add(mediator)
    with django_assert_max_num_queries(PEOPLE_PAGE_QUERIES):
        response = client.get(url)
    assert "12 on the waiting list" in response.content.decode()


def test_partner_refers_and_a_mediator_accepts(client, cycle):
    partner = PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    partner.members.add(partner_user)
    client.force_login(partner_user)
    response = client.post(
        reverse("enrolment:partner-refer") + f"?programme={cycle.pk}",
        {
            "first_name": "Inès",
            "last_name": "Martin",
            "birth_date": "2016-05-05",
            "sex": "female",
            "guardian_first_name": "Sarah",
            "guardian_last_name": "Martin",
            "guardian_phone": "0622222222",
            "note": "Décrochage",
        },
    )
    assert response.url == reverse("workspace:partner")
    referral = Enrolment.objects.get()
    assert "Inès Martin" in client.get(reverse("workspace:partner")).content.decode()
    # A partner cannot accept, nor open the household page.
    assert client.post(reverse("enrolment:accept", args=[referral.pk])).status_code == 403
    mediator = MediatorFactory()
    cycle.mediators.add(mediator)
    client.force_login(mediator.user)
    assert "Inès" in client.get(reverse("workspace:mediation")).content.decode()
    client.post(reverse("enrolment:accept", args=[referral.pk]))
    referral.refresh_from_db()
    assert referral.status == EnrolmentStatus.CONFIRMED


def test_partner_sees_only_its_referrals(client, cycle):
    ours, theirs = PartnerFactory(), PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    ours.members.add(partner_user)
    other = EnrolmentFactory(
        programme=cycle,
        status=EnrolmentStatus.PROPOSED,
        referred_by_partner=theirs,
        source=EnrolmentSource.PARTNER_REFERRAL,
        participant__first_name="Ailleurs",
    )
    client.force_login(partner_user)
    assert "Ailleurs" not in client.get(reverse("workspace:partner")).content.decode()
    assert client.post(reverse("enrolment:cancel", args=[other.pk])).status_code == 404


def test_anonymous_is_sent_to_login(client, cycle):
    for url in (
        reverse("workspace:family"),
        reverse("enrolment:enrol", args=[cycle.slug]),
        reverse("workspace:mediation"),
    ):
        assert client.get(url).url.startswith(reverse("login"))
