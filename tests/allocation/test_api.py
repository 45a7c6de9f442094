"""The API of rounds, wishes, results and report, with each role's rights."""

import pytest

from accounts.models import ApiToken
from allocation import services
from allocation.models import RoundStatus, Wish

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _, raw = ApiToken.generate(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anyone_reads_rounds_and_their_rules(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        listing = client.get("/api/v1/allocation/rounds").json()
    assert listing["count"] == 1
    assert listing["items"][0]["weights"] == {
        "qpv": 3,
        "first_time": 2,
        "referred": 2,
        "sibling_group": 1,
        "granted_before": 1,
    }
    assert listing["items"][0]["seed"] == ""
    detail = client.get(f"/api/v1/allocation/rounds/{world['round'].pk}").json()
    assert len(detail["activities"]) == 3
    assert client.get("/api/v1/allocation/rounds/9999").status_code == 404


def test_a_family_sets_wishes_for_its_children_only(client, world):
    auth = _auth(world["family_user"])
    url = f"/api/v1/allocation/rounds/{world['round'].pk}/wishes"
    response = client.put(
        url,
        {
            "participant_ids": [world["lina"].pk, world["sami"].pk],
            "activity_ids": [world["football_am"].pk, world["football_pm"].pk],
            "grouped": True,
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    assert [w["rank"] for w in response.json()] == [1, 2, 1, 2]
    other = client.put(
        url,
        {"participant_ids": [world["other"].pk], "activity_ids": [world["football_am"].pk]},
        content_type="application/json",
        **auth,
    )
    assert other.status_code == 404
    assert other.json()["errors"][0]["field"] == "participant_ids"
    bad = client.put(
        url,
        {"participant_ids": [world["lina"].pk], "activity_ids": [123456]},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "activity_ids"
    listing = client.get(url, **auth).json()
    assert listing["count"] == 4 and {w["outcome"] for w in listing["items"]} == {""}


def test_only_coordinators_manage_rounds(client, world):
    family = _auth(world["family_user"])
    round_id = world["round"].pk
    for path in ("close", "compute", "publish"):
        response = client.post(f"/api/v1/allocation/rounds/{round_id}/{path}", **family)
        assert response.status_code == 403
    response = client.post(
        "/api/v1/allocation/rounds", {}, content_type="application/json", **family
    )
    assert response.status_code in {403, 422}
    assert client.get(f"/api/v1/allocation/rounds/{round_id}/report", **family).status_code == 403


def test_a_coordinator_runs_a_round_through_the_api(
    client, world, django_capture_on_commit_callbacks
):
    auth = _auth(world["coordinator"])
    base = f"/api/v1/allocation/rounds/{world['round'].pk}"
    services.wishes_set(
        round_=world["round"], participants=[world["lina"]], activities=[world["theatre_am"]]
    )
    services.wishes_set(
        round_=world["round"], participants=[world["other"]], activities=[world["theatre_am"]]
    )
    too_early = client.post(f"{base}/publish", **auth)
    assert too_early.status_code == 409 and too_early.json()["errors"][0]["field"] == "status"
    closed = client.post(f"{base}/close", **auth).json()
    assert closed["status"] == RoundStatus.CLOSED and len(closed["seed"]) == 32
    bad_rules = client.put(
        f"{base}/rules",
        {"max_per_child": 0, "weights": {}},
        content_type="application/json",
        **auth,
    )
    assert bad_rules.status_code == 422 and "max_per_child" in bad_rules.json()["detail"]
    with django_capture_on_commit_callbacks(execute=False):
        job = client.post(f"{base}/compute", **auth)
    assert job.status_code == 202
    from jobs.services import job_run

    job_run(job_id=job.json()["job_id"])
    report = client.get(f"{base}/report", **auth).json()
    assert report["children"] == 2 and report["granted"] == 1 and report["unlucky"] == 1
    assert report["fill"][1]["wishes_per_place"] == 2.0
    assert {share["label"] for share in report["by_qpv"]} == {"Lives in a QPV", "Outside QPVs"}
    with django_capture_on_commit_callbacks(execute=False):
        published = client.post(f"{base}/publish", **auth)
    job_run(job_id=published.json()["job_id"])
    family = client.get(f"{base}/wishes", **_auth(world["family_user"])).json()
    assert family["count"] == 1 and family["items"][0]["outcome"] in {"granted", "waitlisted"}
    assert Wish.objects.filter(enrolment__isnull=False).count() == 2


def test_creating_a_round_names_the_fields_at_fault(client, world):
    auth = _auth(world["coordinator"])
    payload = {
        "title": "Été",
        "wishes_open_at": "2030-06-01T09:00:00+02:00",
        "wishes_close_at": "2030-05-01T09:00:00+02:00",
        "results_on": "2030-06-20",
        "programme_ids": [world["football_am"].programme_id],
    }
    response = client.post(
        "/api/v1/allocation/rounds", payload, content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "wishes_close_at"
    payload["wishes_close_at"] = "2030-06-10T09:00:00+02:00"
    busy = client.post(
        "/api/v1/allocation/rounds", payload, content_type="application/json", **auth
    )
    assert busy.status_code == 409 and busy.json()["errors"][0]["field"] == "programmes"
