"""Every role against every page and API operation, with ids of objects it must not reach.

The pages are read from the URL configuration and the API operations from its OpenAPI schema,
so a page or endpoint added later is tried too. Every object another family owns (household,
guardian, participant, enrolment, consent, health note, emergency contact), a draft programme
and its session, another user's token and message all share one primary key, FOREIGN_ID, which
fills every integer in a URL. The answer must be a refusal (401, 403, 404, 405, or a redirect to
log in) or a page that shows none of the private values; nothing may change.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import ApiToken
from accounts.roles import Role
from enrolment.models import Enrolment
from households.models import (
    Consent,
    EmergencyContact,
    Guardian,
    HealthNote,
    Household,
    Participant,
    SafetySheet,
)
from programmes.models import ProgrammeStatus
from tests.factories import (
    ConsentFactory,
    EnrolmentFactory,
    GuardianFactory,
    HealthNoteFactory,
    HouseholdFactory,
    MediatorFactory,
    MessageFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    fill_safety_sheet,
    user_with_role,
)

pytestmark = pytest.mark.django_db

FOREIGN_ID = 9001
SECRETS = [
    "Zébulon",
    "Secretname",
    "0699999999",
    "zebulon@example.org",
    "Hiddenchild",
    "HEALTH-SECRET",
    "SHEET-ALLERGY-SECRET",
    "COLLECTOR-SECRET",
    "EMERGENCY-SECRET",
    "NOTE-SECRET",
    "draft-secret-title",
    "token-of-someone-else",
]
REFUSED = {401, 403, 404, 405}
ROLES = [None, Role.FAMILY, Role.MEDIATOR, Role.PARTNER, Role.COORDINATOR]
# Outside object access: logging in and out, the language switch, the load balancers' probe.
OUT_OF_SCOPE = {"accounts/logout/", "i18n/setlang/", "accounts/login/", "health"}


@pytest.fixture
def private_world():
    """Another family's data, a draft programme, another user's token, all at FOREIGN_ID."""
    owner = user_with_role(Role.FAMILY, username="autre.famille")
    mediator = MediatorFactory()
    draft = ProgrammeFactory(
        pk=FOREIGN_ID, title="draft-secret-title", slug="draft-secret", status=ProgrammeStatus.DRAFT
    )
    draft.mediators.add(mediator)
    session = SessionFactory(pk=FOREIGN_ID, programme=draft)
    household = HouseholdFactory(pk=FOREIGN_ID)
    guardian = GuardianFactory(
        pk=FOREIGN_ID,
        household=household,
        first_name="Zébulon",
        last_name="Secretname",
        phone="0699999999",
        email="zebulon@example.org",
        user=owner,
    )
    child = ParticipantFactory(pk=FOREIGN_ID, household=household, last_name="Hiddenchild")
    EnrolmentFactory(
        pk=FOREIGN_ID,
        participant=child,
        programme=draft,
        session=session,
        note="NOTE-SECRET",
        referred_by_partner=PartnerFactory(),
    )
    HealthNoteFactory(pk=FOREIGN_ID, participant=child, text="HEALTH-SECRET")
    sheet = fill_safety_sheet(
        child,
        allergies="SHEET-ALLERGY-SECRET",
        authorised=(("COLLECTOR-SECRET", "oncle", "0611111111"),),
    )
    SafetySheet.objects.filter(pk=sheet.pk).update(id=FOREIGN_ID)
    EmergencyContact.objects.create(
        pk=FOREIGN_ID, household=household, name="EMERGENCY-SECRET", phone="0600000001"
    )
    ConsentFactory(pk=FOREIGN_ID, household=household, given_by=guardian)
    MessageFactory(pk=FOREIGN_ID, address="0699999999", recipient_name="Zébulon Secretname")
    ApiToken.objects.create(
        pk=FOREIGN_ID, user=owner, name="token-of-someone-else", token_hash="x" * 64, prefix="xxxx"
    )
    return household


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.filter(pk=FOREIGN_ID).count()
        for model in (
            Household,
            Guardian,
            Participant,
            Enrolment,
            HealthNote,
            EmergencyContact,
            Consent,
            SafetySheet,
        )
    } | {"tokens": ApiToken.objects.filter(pk=FOREIGN_ID, revoked_at__isnull=True).count()}


def _fill(route: str) -> str:
    route = re.sub(r"<int:\w+>", str(FOREIGN_ID), route)
    route = re.sub(r"<slug:\w+>", "draft-secret", route)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "not-a-valid-token", route)


def _page_urls(patterns=None, prefix: str = "") -> list[str]:
    urls = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            # The admin and the API are tried below, each in its own way.
            if not route.startswith(("admin/", "api/v1/")):
                urls += _page_urls(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route not in OUT_OF_SCOPE:
            urls.append(_fill(route))
    return urls


def _api_operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    return [
        (
            method.upper(),
            "/api/v1" + re.sub(r"\{[^}]+\}", str(FOREIGN_ID), path)
            if not path.startswith("/api/")
            else re.sub(r"\{[^}]+\}", str(FOREIGN_ID), path),
        )
        for path, operations in schema["paths"].items()
        for method in operations
    ]


def _login(client, role):
    if role is None:
        return {}
    user = user_with_role(role, username=f"matrix-{role}")
    if role == Role.PARTNER:
        PartnerFactory().members.add(user)
    if role == Role.MEDIATOR:
        MediatorFactory(user=user)
    client.force_login(user)
    _, raw = ApiToken.generate(user=user, name="matrix")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _secrets_for(role) -> list[str]:
    # Coordinators see every household and draft; still not another user's own token.
    return ["token-of-someone-else"] if role == Role.COORDINATOR else SECRETS


def _assert_nothing_leaks(response, what: str, secrets: list[str]) -> None:
    assert response.status_code < 500, what
    if response.status_code in REFUSED or response.status_code in {301, 302}:
        return
    body = response.content.decode(errors="replace")
    leaked = [secret for secret in secrets if secret in body]
    assert not leaked, f"{what} shows {leaked}"


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_pages_never_show_another_familys_data(client, private_world, role):
    _login(client, role)
    before = _counts()
    for url in _page_urls():
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            what = f"{role or 'anonymous'} {method.upper()} {url} -> {response.status_code}"
            _assert_nothing_leaks(response, what, _secrets_for(role))
    assert _counts() == before


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "anonymous")
def test_api_never_answers_another_familys_data(client, private_world, role):
    auth = _login(client, role)
    client.logout()  # the API is tried with the Bearer token alone
    before = _counts()
    for method, url in _api_operations(client):
        response = client.generic(method, url, data="{}", content_type="application/json", **auth)
        what = f"{role or 'anonymous'} {method} {url} -> {response.status_code}"
        _assert_nothing_leaks(response, what, _secrets_for(role))
    assert _counts() == before


@pytest.mark.parametrize("role", [Role.FAMILY, Role.PARTNER, Role.MEDIATOR])
def test_admin_is_closed_to_families_partners_and_mediators_without_staff_access(
    client, private_world, role
):
    _login(client, role)
    for model in (
        "household",
        "guardian",
        "participant",
        "healthnote",
        "enrolment",
        "consent",
        "emergencycontact",
    ):
        for url in (f"/admin/enrolment/{model}/", f"/admin/enrolment/{model}/{FOREIGN_ID}/change/"):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url


def test_health_notes_in_the_admin_are_for_coordinators_only(client, private_world):
    staff_mediator = user_with_role(Role.MEDIATOR, is_staff=True)
    client.force_login(staff_mediator)
    response = client.get(f"/admin/households/healthnote/{FOREIGN_ID}/change/")
    assert response.status_code in {302, 403, 404}
    assert b"HEALTH-SECRET" not in response.content


def test_the_matrix_covers_pages_and_api(client):
    """Guards the guard: if the walk found nothing, the tests above would pass vacuously."""
    urls = _page_urls()
    assert f"/privacy/households/{FOREIGN_ID}/export/" in urls
    assert f"/sessions/{FOREIGN_ID}/" in urls
    assert f"/accounts/tokens/{FOREIGN_ID}/revoke/" in urls
    operations = _api_operations(client)
    assert ("GET", f"/api/v1/sessions/{FOREIGN_ID}") in operations
    assert ("PUT", f"/api/v1/participants/{FOREIGN_ID}/safety-sheet") in operations
