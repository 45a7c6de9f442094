"""The admin's search boxes run the same bounded search as the API and the pages."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver

from core.text import SEARCH_MAX_WORDS, BoundedSearchAdminMixin, search_bounded
from households.admin import HouseholdAdmin
from tests.factories import GuardianFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


def test_every_admin_search_box_is_bounded():
    assert get_resolver().url_patterns  # loading them bounds every registered admin
    unbounded = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if model_admin.search_fields and not isinstance(model_admin, BoundedSearchAdminMixin)
    ]
    assert not unbounded


def test_search_bounded_keeps_the_first_words_and_drops_control_characters():
    assert search_bounded("ab " * 5000) == " ".join(["ab"] * SEARCH_MAX_WORDS)
    assert search_bounded("x" * 5000) == "x" * 100
    assert search_bounded("Dia\x00llo  Fatou") == "Dia llo Fatou"


def test_a_household_search_of_thousands_of_words_runs_a_bounded_query(admin_client_logged):
    guardian = GuardianFactory(last_name="Diallo")
    url = "/admin/households/household/"
    words = " ".join(["Diallo"] + [f"ab{n}" for n in range(3000)])
    with CaptureQueriesContext(connection) as queries:
        response = admin_client_logged.get(url, {"q": words})
    assert response.status_code == 200
    likes = max(query["sql"].upper().count("LIKE") for query in queries.captured_queries)
    assert likes <= SEARCH_MAX_WORDS * len(HouseholdAdmin.search_fields)
    # The first words still find the household.
    found = admin_client_logged.get(url, {"q": "Diallo"})
    assert guardian.household.reference in found.content.decode()


def test_a_nul_character_in_the_admin_search_is_no_error(admin_client_logged):
    response = admin_client_logged.get("/admin/households/household/", {"q": "Dia\x00llo"})
    assert response.status_code == 200
