"""Changes to a household's personal data reach the audit trail, from any path."""

import pytest
from django.test import RequestFactory

from accounts.audit import current_request
from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from households.services import consent_give, consent_withdraw, participant_update
from tests.factories import (
    GuardianFactory,
    HouseholdFactory,
    ParticipantFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def test_consent_given_and_withdrawn_are_recorded_with_who():
    household = HouseholdFactory()
    guardian = GuardianFactory(household=household)
    mediator = user_with_role(Role.MEDIATOR)
    consent = consent_give(
        household=household,
        kind="image_rights",
        version="2026-01",
        given_by=guardian,
        recorded_by=mediator,
    )
    consent_give(
        household=household,
        kind="image_rights",
        version="2026-02",
        given_by=guardian,
        recorded_by=mediator,
    )
    current = household.consents.get(superseded_at__isnull=True)
    consent_withdraw(consent=current, withdrawn_by=mediator)

    events = list(AuditEvent.objects.filter(action=AuditAction.CONSENT).order_by("pk"))
    assert [e.summary.split(";")[0] for e in events] == [
        "image_rights given",
        "image_rights superseded",
        "image_rights given",
        "image_rights withdrawn",
    ]
    assert {e.actor for e in events} == {mediator}
    assert events[0].object_id == str(consent.pk)
    assert events[0].summary.endswith(f"household {household.pk}")


def test_a_change_during_a_request_names_its_user_address_and_path():
    participant = ParticipantFactory()
    coordinator = user_with_role(Role.COORDINATOR)
    request = RequestFactory().post("/households/1/children/2/", REMOTE_ADDR="203.0.113.9")
    request.user = coordinator
    token = current_request.set(request)
    try:
        participant_update(
            participant=participant,
            first_name="Inès",
            last_name="Moreau",
            birth_date=participant.birth_date,
            sex=participant.sex,
        )
    finally:
        current_request.reset(token)
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="households.participant")
    assert (event.actor, event.ip_address, event.path) == (
        coordinator,
        "203.0.113.9",
        "/households/1/children/2/",
    )


def test_bookkeeping_saves_are_not_changes():
    household = HouseholdFactory()
    before = AuditEvent.objects.count()
    household.save(update_fields=["last_activity_at"])
    assert AuditEvent.objects.count() == before


def test_admin_changes_are_recorded(client):
    administrator = user_with_role(Role.ADMINISTRATOR, is_staff=True, is_superuser=True)
    guardian = GuardianFactory()
    client.force_login(administrator)
    client.post(f"/admin/households/guardian/{guardian.pk}/delete/", {"post": "yes"})
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="households.guardian")
    assert event.actor == administrator
    assert event.path == f"/admin/households/guardian/{guardian.pk}/delete/"


def test_admin_reads_of_personal_data_are_recorded(client):
    coordinator = user_with_role(Role.COORDINATOR, is_staff=True, is_superuser=True)
    household = HouseholdFactory()
    client.force_login(coordinator)
    assert client.get(f"/admin/households/household/{household.pk}/change/").status_code == 200
    assert client.get("/admin/households/guardian/", {"q": "Durand"}).status_code == 200
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=coordinator)
    assert views.filter(object_type="households.household", object_id=str(household.pk)).exists()
    assert views.get(object_type="households.guardian").summary == "admin list; searched"


def test_staff_reads_of_a_household_are_recorded_and_family_reads_are_not():
    from households.selectors import household_detail

    household = HouseholdFactory()
    family = user_with_role(Role.FAMILY)
    GuardianFactory(household=household, user=family)
    mediator = user_with_role(Role.MEDIATOR)
    household.created_by = mediator
    household.save()
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()

    household_detail(user=family, pk=household.pk)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before
    household_detail(user=mediator, pk=household.pk)
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).latest("pk")
    assert (event.actor, event.object_id) == (mediator, str(household.pk))


def test_api_reads_by_staff_are_recorded(client):
    from accounts.models import ApiToken

    household = HouseholdFactory()
    family = user_with_role(Role.FAMILY)
    GuardianFactory(household=household, user=family)
    child = ParticipantFactory(household=household)
    coordinator = user_with_role(Role.COORDINATOR)
    _, staff_token = ApiToken.generate(user=coordinator, name="t")
    _, family_token = ApiToken.generate(user=family, name="t")
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()

    for url in (f"/api/v1/households/{household.pk}", f"/api/v1/participants/{child.pk}"):
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {family_token}").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before

    for url in (
        f"/api/v1/households/{household.pk}",
        f"/api/v1/participants/{child.pk}",
        "/api/v1/households",
    ):
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {staff_token}").status_code == 200
    events = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=coordinator)
    assert set(events.values_list("object_type", "object_id", "path")) == {
        ("households.household", str(household.pk), f"/api/v1/households/{household.pk}"),
        ("households.participant", str(child.pk), f"/api/v1/participants/{child.pk}"),
        ("households.household", str(household.pk), "/api/v1/households"),
    }
    listed = events.get(path="/api/v1/households")
    assert listed.object_ids == [household.pk]


def test_list_reads_by_staff_and_partners_are_one_event_naming_what_was_shown(client):
    """A list read is one event per request with the ids of every object on the page; a
    partner's reads are recorded like staff's; a family's own reads are not."""
    from accounts.models import ApiToken
    from enrolment.models import EnrolmentSource
    from tests.factories import EnrolmentFactory, MediatorFactory, PartnerFactory

    mediator = MediatorFactory()
    partner = PartnerFactory()
    partner_user = user_with_role(Role.PARTNER)
    partner.members.add(partner_user)
    children = ParticipantFactory.create_batch(3)
    enrolments = []
    for child in children:
        enrolment = EnrolmentFactory(
            participant=child, referred_by_partner=partner, source=EnrolmentSource.PARTNER_REFERRAL
        )
        enrolment.programme.mediators.add(mediator)
        enrolments.append(enrolment)
    for user, url, kind, expected in (
        (
            mediator.user,
            "/api/v1/enrolments",
            "enrolment.enrolment",
            {enrolment.pk for enrolment in enrolments},
        ),
        (
            mediator.user,
            "/api/v1/participants",
            "households.participant",
            {child.pk for child in children},
        ),
        (
            partner_user,
            "/api/v1/referrals",
            "enrolment.enrolment",
            {enrolment.pk for enrolment in enrolments},
        ),
        (
            partner_user,
            "/api/v1/participants",
            "households.participant",
            {child.pk for child in children},
        ),
    ):
        _, token = ApiToken.generate(user=user, name="t")
        before = AuditEvent.objects.count()
        assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        assert AuditEvent.objects.count() == before + 1, url
        event = AuditEvent.objects.order_by("-pk").first()
        assert (event.actor, event.action, event.object_type) == (user, AuditAction.VIEW, kind)
        assert set(event.object_ids) == expected, url
    client.force_login(partner_user)
    before = AuditEvent.objects.count()
    assert client.get("/my/partner/").status_code == 200
    assert AuditEvent.objects.count() == before + 1
    assert set(AuditEvent.objects.order_by("-pk").first().object_ids) == {
        enrolment.pk for enrolment in enrolments
    }
