"""Who sees which figures: each role on the dashboard, the annual report and the API."""

import pytest

from accounts.models import ApiToken

from .conftest import PERIOD

pytestmark = pytest.mark.django_db

QUERY = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


def titles(response) -> list[str]:
    return [row.title for row in response.context["summary"].by_programme]


def test_coordinator_sees_every_programme_unmasked(client, known_data):
    client.force_login(known_data.coordinator)
    response = client.get("/reports/", QUERY)
    assert response.status_code == 200
    assert titles(response) == ["Cuisine", "Parcours"]
    summary = response.context["summary"]
    assert not summary.masked and summary.participants == 4
    assert "<dd>4</dd>" in response.content.decode()


def test_mediator_sees_their_own_programmes(client, known_data):
    client.force_login(known_data.mediator_parcours)
    response = client.get("/reports/", QUERY)
    assert titles(response) == ["Parcours"]
    assert response.context["summary"].participants == 1
    # Another mediator's programme is not a choice of the filter.
    response = client.get("/reports/", {**QUERY, "programme": known_data.cuisine.pk})
    assert "programme" in response.context["form"].errors
    assert titles(response) == ["Parcours"]


def test_partner_sees_masked_figures_of_the_programmes_it_co_runs(client, known_data):
    client.force_login(known_data.partner_member)
    response = client.get("/reports/", QUERY)
    assert titles(response) == ["Cuisine"]
    summary = response.context["summary"]
    assert summary.masked and summary.participants is None
    page = response.content.decode()
    assert "&lt;&nbsp;5" in page
    # No list downloads for partners.
    assert "/reports/export/enrolments" not in page
    assert client.get("/reports/export/enrolments.csv", QUERY).status_code == 403


@pytest.mark.parametrize("who", ["family", None])
def test_others_get_nothing(client, known_data, who):
    if who:
        client.force_login(getattr(known_data, who))
    response = client.get("/reports/", QUERY)
    assert response.status_code == (403 if who else 302)
    assert client.get("/reports/annual/").status_code == (403 if who else 302)
    assert client.get("/reports/export/summary.csv").status_code == (403 if who else 302)
    assert client.get("/api/v1/reports/summary").status_code == (403 if who else 401)


def test_api_summary_follows_the_same_rules(client, known_data):
    _token, raw = ApiToken.generate(user=known_data.partner_member, name="script")
    response = client.get("/api/v1/reports/summary", QUERY, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    body = response.json()
    assert body["masked"] is True and body["mask_threshold"] == 5
    assert body["participants"] is None and body["sessions_held"] == 1
    assert [row["title"] for row in body["by_programme"]] == ["Cuisine"]

    client.force_login(known_data.coordinator)
    body = client.get("/api/v1/reports/summary", QUERY).json()
    assert body["masked"] is False
    assert body["period"] == {"start": "2026-09-01", "end": "2026-12-31"}
    assert (
        body["participants"],
        body["households"],
        body["new_households"],
        body["returning_households"],
    ) == (4, 3, 2, 1)
    assert {row["key"]: row["participants"] for row in body["by_age_band"]}["65+"] == 1
    assert (body["attendances"], body["expected"], body["attended"], body["attendance_rate"]) == (
        5,
        5,
        4,
        80.0,
    )
    assert body["anonymous_headcount"] == 5 and body["follow_up_participants"] == 2
    assert {row["key"]: row["count"] for row in body["follow_up_outcomes"]}["reached"] == 1
    assert [row["attendance_rate"] for row in body["by_programme"]] == [100.0, 50.0]
    assert body["over_time"][1] == {
        "month": "2026-10-01",
        "sessions_held": 1,
        "attendances": 4,
        "expected": 3,
        "attended": 3,
        "attendance_rate": 100.0,
    }
    assert body["age_reference"] == "period_start"
    anonymous = client.get("/api/v1/reports/summary", {**QUERY, "anonymous": "true"}).json()
    assert anonymous["masked"] is True and anonymous["participants"] is None


def test_api_rejects_bad_filters_naming_the_field(client, known_data):
    client.force_login(known_data.coordinator)
    response = client.get("/api/v1/reports/summary", {"start": "2026-12-01", "end": "2026-11-01"})
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["end"]
    response = client.get("/api/v1/reports/summary", {"kind": "yoga"})
    assert [error["field"] for error in response.json()["errors"]] == ["kind"]


def test_annual_report_gathers_the_school_year(client, known_data):
    client.force_login(known_data.coordinator)
    response = client.get("/reports/annual/2026/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.filters.start.isoformat(), summary.filters.end.isoformat()) == (
        "2026-09-01",
        "2027-08-31",
    )
    # T3 in January 2027 belongs to the 2026–27 year; S0 in June 2026 does not.
    assert summary.sessions_planned == 6
    assert client.get("/reports/annual/").context["year"] == 2026
    response = client.get("/api/v1/reports/summary", {"programme": str(2**70)})
    assert [error["field"] for error in response.json()["errors"]] == ["programme"]
    response = client.get("/api/v1/reports/summary", {"start": "0001-01-01"})
    assert [error["field"] for error in response.json()["errors"]] == ["start"]
    page = client.get("/reports/", {"start": "1066-10-14"})
    assert page.status_code == 200 and "start" in page.context["form"].errors
