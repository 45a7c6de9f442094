"""The household's private feed, and what enrolments change in the partner feed."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.urls import reverse

from accounts.roles import Role
from enrolment.models import EnrolmentStatus, HouseholdFeedToken
from privacy.services import household_erase
from programmes.models import EnrolmentMode
from sessions.feeds import event_cache
from sessions.services import feed_token_issue
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    HouseholdFactory,
    ParticipantFactory,
    PartnerFactory,
    ProgrammeFactory,
    SessionFactory,
    feed_token_for,
    user_with_role,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2027, 3, 10, 9, 0, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def _frozen():
    event_cache().clear()
    with time_machine.travel(NOW, tick=False):
        yield
    event_cache().clear()


def sessions_of(programme, count):
    start = datetime.datetime(2027, 3, 24, 14, 0, tzinfo=PARIS)
    return [
        SessionFactory(
            programme=programme,
            starts_at=start + datetime.timedelta(weeks=i),
            ends_at=start + datetime.timedelta(weeks=i, hours=2),
        )
        for i in range(count)
    ]


def uids(response) -> dict[str, icalendar.Event]:
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    return {str(event["UID"]).split("@")[0]: event for event in events}


@pytest.fixture
def family():
    household = HouseholdFactory()
    zoe = ParticipantFactory(household=household, first_name="Zoé")
    malik = ParticipantFactory(household=household, first_name="Malik")
    partner = PartnerFactory()
    per_session = ProgrammeFactory()
    per_session.partners.add(partner)
    cycle = ProgrammeFactory(enrolment_mode=EnrolmentMode.WHOLE_CYCLE)
    chosen, waitlisted, other = sessions_of(per_session, 3)
    cycle_sessions = sessions_of(cycle, 2)
    EnrolmentFactory(participant=zoe, programme=per_session, session=chosen)
    EnrolmentFactory(participant=malik, programme=per_session, session=chosen)
    EnrolmentFactory(
        participant=zoe,
        programme=per_session,
        session=waitlisted,
        status=EnrolmentStatus.WAITLISTED,
        waitlist_position=1,
    )
    EnrolmentFactory(participant=malik, programme=cycle)
    EnrolmentFactory(programme=per_session, session=other)  # another household
    token, raw = feed_token_issue(token=HouseholdFeedToken(household=household))
    return {
        "household": household,
        "raw": raw,
        "chosen": chosen,
        "other": other,
        "cycle": cycle_sessions,
        "partner": partner,
        "per_session": per_session,
    }


def household_path(raw):
    return reverse("household_calendars:household", kwargs={"token": raw})


def test_household_feed_has_confirmed_sessions_with_first_names(client, family):
    response = client.get(household_path(family["raw"]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")
    assert "noindex" in response["X-Robots-Tag"]
    events = uids(response)
    expected = [family["chosen"], *family["cycle"]]
    assert set(events) == {f"session-{s.pk}" for s in expected}
    assert str(events[f"session-{family['chosen'].pk}"]["SUMMARY"]).endswith("Malik, Zoé")
    assert all(str(events[f"session-{s.pk}"]["SUMMARY"]).endswith("Malik") for s in family["cycle"])


def test_partner_feed_never_names_participants_but_counts_them(client, family):
    _token, raw = feed_token_for(partner=family["partner"])
    response = client.get(reverse("calendars:partner", kwargs={"token": raw}))
    body = response.content.decode()
    assert "Zoé" not in body and "Malik" not in body
    events = uids(response)
    chosen = str(events[f"session-{family['chosen'].pk}"]["DESCRIPTION"])
    assert "2" in chosen.split("\n")[-2], chosen  # places taken: 2 of 10


def test_a_new_enrolment_changes_household_and_partner_etags(
    client, family, django_assert_max_num_queries
):
    _token, partner_raw = feed_token_for(partner=family["partner"])
    partner_path = reverse("calendars:partner", kwargs={"token": partner_raw})
    household_etag = client.get(household_path(family["raw"]))["ETag"]
    partner_etag = client.get(partner_path)["ETag"]
    with django_assert_max_num_queries(2):
        assert (
            client.get(household_path(family["raw"]), HTTP_IF_NONE_MATCH=household_etag).status_code
            == 304
        )
    with django_assert_max_num_queries(2):
        assert client.get(partner_path, HTTP_IF_NONE_MATCH=partner_etag).status_code == 304
    lina = ParticipantFactory(household=family["household"], first_name="Lina")
    EnrolmentFactory(participant=lina, programme=family["per_session"], session=family["other"])
    again = client.get(household_path(family["raw"]), HTTP_IF_NONE_MATCH=household_etag)
    assert again.status_code == 200
    assert "Lina" in str(uids(again)[f"session-{family['other'].pk}"]["SUMMARY"])
    assert client.get(partner_path, HTTP_IF_NONE_MATCH=partner_etag).status_code == 200


def test_family_gets_its_link_on_my_calendars(client, family):
    user = user_with_role(Role.FAMILY)
    GuardianFactory(household=family["household"], user=user, is_primary=False)
    client.force_login(user)
    key = f"household-{family['household'].pk}"
    assert key in client.get(reverse("calendars:mine")).content.decode()
    html = client.post(
        reverse("calendars:mine"), {"feed": key, "action": "issue"}, follow=True
    ).content.decode()
    start = html.index("http://127.0.0.1:8000/calendars/households/")
    path = html[start : html.index('"', start)].removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200
    assert client.get(household_path(family["raw"])).status_code == 410, "renewed: old is gone"


def test_erasure_revokes_the_household_link(client, family):
    household_erase(household=family["household"], erased_by=None)
    assert client.get(household_path(family["raw"])).status_code == 410


def test_admin_issues_a_household_link(client, family):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    other = HouseholdFactory()
    response = client.post(
        reverse("admin:enrolment_householdfeedtoken_add"),
        {"household": other.pk, "language": "en"},
        follow=True,
    )
    assert "http://127.0.0.1:8000/calendars/households/" in response.content.decode()
    assert HouseholdFeedToken.objects.get(household=other).language == "en"
    changelist = reverse("admin:enrolment_householdfeedtoken_changelist")
    assert client.get(changelist, {"q": other.reference}).status_code == 200


def test_a_cancelled_session_stays_in_the_household_feed_as_cancelled(client, family):
    from sessions.services import session_cancel

    session_cancel(session=family["chosen"], reason="Salle fermée")
    event = uids(client.get(household_path(family["raw"])))[f"session-{family['chosen'].pk}"]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    assert "Zoé" in str(event["SUMMARY"])


def test_swapping_who_is_enrolled_changes_the_household_etag(client, family):
    """Cancel Lina, enrol Noé in the same session: same count, another name."""
    from enrolment.services import enrolment_cancel, enrolment_create

    lina = ParticipantFactory(household=family["household"], first_name="Lina")
    noe = ParticipantFactory(household=family["household"], first_name="Noé")
    enrolment = enrolment_create(
        participant=lina, programme=family["per_session"], session=family["other"]
    )
    first = client.get(household_path(family["raw"]))
    assert "Lina" in str(uids(first)[f"session-{family['other'].pk}"]["SUMMARY"])
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        enrolment_cancel(enrolment=enrolment, cancelled_by=None)
        enrolment_create(participant=noe, programme=family["per_session"], session=family["other"])
        by_etag = client.get(household_path(family["raw"]), HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(
            household_path(family["raw"]), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )
    assert by_etag.status_code == 200 and by_date.status_code == 200
    summary = str(uids(by_etag)[f"session-{family['other'].pk}"]["SUMMARY"])
    assert "Noé" in summary and "Lina" not in summary


def test_leaving_the_only_session_changes_the_household_last_modified(client, family):
    from enrolment.services import enrolment_cancel

    lina = ParticipantFactory(household=family["household"], first_name="Lina")
    enrolment = EnrolmentFactory(
        participant=lina, programme=family["per_session"], session=family["other"], confirmed_at=NOW
    )
    first = client.get(household_path(family["raw"]))
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        enrolment_cancel(enrolment=enrolment, cancelled_by=None)
        again = client.get(
            household_path(family["raw"]), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )
    assert again.status_code == 200
    assert f"session-{family['other'].pk}" not in uids(again)


def test_a_first_name_edit_changes_the_household_feed(client, family):
    from households.services import participant_update

    first = client.get(household_path(family["raw"]))
    zoe = family["household"].participants.get(first_name="Zoé")
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        participant_update(
            participant=zoe,
            first_name="Zoë",
            last_name=zoe.last_name,
            birth_date=zoe.birth_date,
            sex=zoe.sex,
        )
        by_etag = client.get(household_path(family["raw"]), HTTP_IF_NONE_MATCH=first["ETag"])
        by_date = client.get(
            household_path(family["raw"]), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
        )
    assert by_etag.status_code == 200 and by_date.status_code == 200
    assert str(uids(by_etag)[f"session-{family['chosen'].pk}"]["SUMMARY"]).endswith("Malik, Zoë")


def test_places_taken_move_the_partner_feeds_last_modified(client, family):
    """ "Places taken: 2 of 10" becoming 3 must not answer 304 to If-Modified-Since."""
    _token, raw = feed_token_for(partner=family["partner"])
    path = reverse("calendars:partner", kwargs={"token": raw})
    first = client.get(path)
    with time_machine.travel(NOW + datetime.timedelta(minutes=2), tick=False):
        EnrolmentFactory(
            programme=family["per_session"],
            session=family["chosen"],
            confirmed_at=NOW + datetime.timedelta(minutes=2),
        )
        again = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200
    chosen = str(uids(again)[f"session-{family['chosen'].pk}"]["DESCRIPTION"])
    assert "3 sur 10" in chosen, chosen  # the token's language: French
