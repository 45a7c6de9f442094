"""Bad input at the edge: a 4xx naming the field, never a server error, nothing changed.

What a careless or hostile client sends: a NUL character in a name or a search, a search as
long as a page, an id that is not a number, a feed secret on another kind of feed's path, a
``next`` pointing to another site.
"""

import pytest

from accounts.models import ApiToken
from accounts.roles import Role
from core.ids import parse_id
from core.text import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS
from households.models import Household
from notifications.models import MessageState
from tests.factories import (
    GuardianFactory,
    MediatorFactory,
    MessageFactory,
    PartnerFactory,
    ProgrammeFactory,
    build_register,
    feed_token_for,
    user_with_role,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def bearer(user) -> dict:
    _token, raw = ApiToken.generate(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("text", ["Li\x00na", "Li\x07na", "Li\x1bna", "Li\x7fna"])
def test_a_control_character_in_a_name_is_refused_naming_the_field(client, text):
    mediator = user_with_role(Role.MEDIATOR)
    response = client.post(
        "/api/v1/households",
        {"first_name": text, "last_name": "Durand"},
        content_type="application/json",
        **bearer(mediator),
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["first_name"]
    assert not Household.objects.exists()


def test_a_control_character_in_a_nested_field_names_it(client):
    partner_user = user_with_role(Role.PARTNER)
    PartnerFactory().members.add(partner_user)
    programme = ProgrammeFactory()
    response = client.post(
        "/api/v1/referrals",
        {
            "programme_id": programme.pk,
            "participant": {
                "first_name": "Lina",
                "last_name": "D\x00urand",
                "birth_date": "2015-03-01",
            },
            "guardian": {"first_name": "Nadia", "last_name": "Durand", "phone": "0612345678"},
        },
        content_type="application/json",
        **bearer(partner_user),
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["participant.last_name"]


def test_line_breaks_and_tabs_are_text(client):
    session, mediator, people = build_register(participants=1)
    response = client.put(
        f"/api/v1/sessions/{session.pk}/attendance",
        {
            "marks": [
                {
                    "client_id": "8d4b3b8e-57c4-4a39-9f4e-1b3a8f9a7b11",
                    "participant_id": people[0].pk,
                    "status": "late",
                    "note": "bus\nin\tretard",
                }
            ]
        },
        content_type="application/json",
        **bearer(mediator.user),
    )
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    ("search", "field"),
    [
        ("ab\x00", "search"),
        ("ab" * 400, "search"),
        (" ".join(["ab"] * (SEARCH_MAX_WORDS + 1)), "search"),
    ],
)
def test_household_search_is_bounded(client, search, field):
    mediator = user_with_role(Role.MEDIATOR)
    response = client.get("/api/v1/households", {"search": search}, **bearer(mediator))
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == [field]


def test_the_longest_allowed_search_answers(client, django_assert_max_num_queries):
    mediator = user_with_role(Role.MEDIATOR)
    search = " ".join(["a" * 15] * SEARCH_MAX_WORDS)[:SEARCH_MAX_LENGTH]
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/households", {"search": search}, **bearer(mediator))
    assert response.status_code == 200


@pytest.mark.parametrize("query", ["q=ab%00", "q=" + "ab" * 400])
def test_the_household_search_page_refuses_bad_searches_without_error(client, query):
    mediator = MediatorFactory()
    client.force_login(mediator.user)
    response = client.get("/my/mediation/?" + query)
    assert response.status_code == 200


def test_a_control_character_in_a_page_form_is_shown_beside_the_field(client):
    mediator = MediatorFactory()
    client.force_login(mediator.user)
    response = client.post(
        "/my/mediation/households/new/",
        {
            "first_name": "Na\x01dia",
            "last_name": "Durand",
            "phone": "0612345678",
            "preferred_channel": "sms",
            "language": "fr",
        },
    )
    assert response.status_code == 200
    assert "first_name" in response.context["form"].errors
    assert not Household.objects.exists()


@pytest.mark.parametrize("value", ["abc", "²", "-1", "0", "1.5", "١", str(2**63), "", None])
def test_only_ascii_digits_in_range_are_ids(value):
    assert parse_id(value) is None


def test_a_malformed_participant_in_the_walk_in_form_is_a_404(client):
    session, mediator, people = build_register(participants=1)
    client.force_login(mediator.user)
    for value in ("abc", "²", str(2**70)):
        response = client.post(
            f"/attendance/sessions/{session.pk}/walk-in/", {"participant": value}
        )
        assert response.status_code == 404, value


@pytest.mark.parametrize("value", ["²", "abc", str(2**70)])
def test_a_malformed_household_when_enrolling_is_not_an_error(client, value):
    programme = ProgrammeFactory()
    mediator = MediatorFactory()
    programme.mediators.add(mediator)
    client.force_login(mediator.user)
    response = client.get(f"/my/enrol/{programme.slug}/", {"household": value})
    assert response.status_code < 500


def test_regenerating_a_malformed_programme_is_a_404(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    response = client.post("/coordination/sessions/regenerate/", {"programme": "abc"})
    assert response.status_code == 404


def test_a_feed_secret_on_another_kind_of_feed_is_unknown(client):
    _token, partner_secret = feed_token_for(partner=PartnerFactory())
    _token, mediator_secret = feed_token_for(mediator=MediatorFactory())
    assert client.get(f"/calendars/mediators/{partner_secret}.ics").status_code == 404
    assert client.get(f"/calendars/partners/{mediator_secret}.ics").status_code == 404
    assert client.get(f"/calendars/households/{partner_secret}.ics").status_code == 404
    assert client.get(f"/calendars/partners/{partner_secret}.ics").status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "https:/\\evil.example"]
)
def test_retrying_a_message_never_sends_the_browser_elsewhere(client, target):
    message = MessageFactory(state=MessageState.FAILED)
    client.force_login(user_with_role(Role.COORDINATOR))
    response = client.post(f"/notifications/{message.pk}/retry/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_retrying_a_message_goes_back_to_the_filtered_log(client):
    message = MessageFactory(state=MessageState.FAILED)
    client.force_login(user_with_role(Role.COORDINATOR))
    response = client.post(
        f"/notifications/{message.pk}/retry/", {"next": "/notifications/?state=failed"}
    )
    assert response["Location"] == "/notifications/?state=failed"


def test_the_page_showing_a_new_feed_secret_is_never_cached(client):
    user = user_with_role(Role.FAMILY)
    GuardianFactory(user=user)
    client.force_login(user)
    page = client.get("/calendars/")
    response = client.post("/calendars/", {"feed": _first_feed_key(page), "action": "issue"})
    assert response.status_code == 302
    shown = client.get(response["Location"])
    assert shown.context["links"][0].url
    assert "no-store" in shown["Cache-Control"]
    assert "no-store" in page["Cache-Control"]


def _first_feed_key(page) -> str:
    return page.context["links"][0].key
