import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from accounts.roles import Role
from households.models import Guardian
from notifications.models import MessageState
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    MediatorFactory,
    MessageFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
API = "/api/v1/notifications"


def _household_messages(count, *, state=MessageState.SENT):
    guardian = GuardianFactory()
    programme = ProgrammeFactory()
    session = SessionFactory(programme=programme)
    return (
        guardian,
        session,
        [
            MessageFactory(
                household=guardian.household,
                session=session,
                programme=programme,
                state=state,
                sent_at=None if state != MessageState.SENT else session.starts_at,
            )
            for _index in range(count)
        ],
    )


def test_api_lists_for_staff_filtered_in_bounded_queries(client, django_assert_max_num_queries):
    coordinator = user_with_role(Role.COORDINATOR)
    client.force_login(coordinator)
    _guardian, session, _sent = _household_messages(30)
    _household_messages(5, state=MessageState.FAILED)
    with django_assert_max_num_queries(8):
        body = client.get(API, {"state": "failed", "limit": 100}).json()
    assert body["count"] == 5 and {item["state"] for item in body["items"]} == {"failed"}
    body = client.get(API, {"session": session.pk}).json()
    assert body["count"] == 30
    assert client.get(API, {"state": "nonsense"}).status_code == 422


def test_api_refuses_families_and_shows_mediators_only_their_households(client):
    family_user = user_with_role(Role.FAMILY)
    client.force_login(family_user)
    assert client.get(API).status_code == 403
    mediator = MediatorFactory()
    guardian, _session, mine = _household_messages(2)
    programme = ProgrammeFactory()
    programme.mediators.add(mediator)
    EnrolmentFactory(
        participant=ParticipantFactory(household=guardian.household), programme=programme
    )
    _household_messages(3)  # another household
    client.force_login(mediator.user)
    body = client.get(API).json()
    assert {item["id"] for item in body["items"]} == {message.pk for message in mine}


# An SMS retried during quiet hours (21:00–08:00) waits for the morning: retry at midday.
@time_machine.travel(datetime.datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Europe/Paris")))
def test_api_retry(client, celery_eager, sms_outbox, django_capture_on_commit_callbacks):
    client.force_login(user_with_role(Role.COORDINATOR))
    _guardian, _session, (failed,) = _household_messages(1, state=MessageState.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/{failed.pk}/retry")
    assert response.status_code == 200 and response.json()["state"] in {"pending", "sent"}
    failed.refresh_from_db()
    assert failed.state == MessageState.SENT and len(sms_outbox) == 1
    again = client.post(f"{API}/{failed.pk}/retry")
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "state"
    assert client.post(f"{API}/999999/retry").status_code == 404


def test_staff_page_per_session_and_retry_button(client, django_assert_max_num_queries):
    client.force_login(user_with_role(Role.COORDINATOR))
    _guardian, session, _sent = _household_messages(3)
    _household_messages(2, state=MessageState.FAILED)
    with django_assert_max_num_queries(12):
        page = client.get("/notifications/", {"session": session.pk})
    assert page.status_code == 200
    assert page.content.decode().count("badge-ok") == 3
    failed_page = client.get("/notifications/", {"state": "failed"}).content.decode()
    assert failed_page.count('action="/notifications/') == 2


def test_staff_page_is_refused_to_families(client):
    client.force_login(user_with_role(Role.FAMILY))
    assert client.get("/notifications/").status_code == 403


def test_family_changes_channel_language_and_opt_outs(client, celery_eager):
    user = user_with_role(Role.FAMILY)
    guardian = GuardianFactory(user=user, preferred_channel="sms", language="fr")
    client.force_login(user)
    page = client.get("/notifications/preferences/")
    assert page.status_code == 200
    response = client.post(
        "/notifications/preferences/",
        {"preferred_channel": "email", "language": "en", "opt_out_sms": "on"},
    )
    assert response.status_code == 302
    guardian = Guardian.objects.get(pk=guardian.pk)
    assert (
        guardian.preferred_channel,
        guardian.language,
        guardian.opt_out_sms,
        guardian.opt_out_email,
    ) == ("email", "en", True, False)
    assert mail.outbox == []


def test_family_without_phone_cannot_choose_sms(client):
    user = user_with_role(Role.FAMILY)
    GuardianFactory(user=user, preferred_channel="email", phone="")
    client.force_login(user)
    response = client.post(
        "/notifications/preferences/", {"preferred_channel": "sms", "language": "fr"}
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
