"""The pages of a round, for each person: rules for everyone, wishes and results for the
family (and those who act for it), the coordinator's page. Query counts stay bounded."""

import pytest
from django.urls import reverse

from allocation import services
from allocation.models import RoundStatus, SiblingGroup, Wish
from jobs.models import BackgroundJob
from tests.factories import GuardianFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def _many_families(world, count: int = 25):
    for _ in range(count):
        household = GuardianFactory().household
        children = ParticipantFactory.create_batch(2, household=household)
        services.wishes_set(
            round_=world["round"],
            participants=children,
            activities=[world["football_am"], world["theatre_am"], world["football_pm"]],
            grouped=True,
        )


def test_everyone_reads_the_rules_and_weights_before_wishing(
    client, world, django_assert_max_num_queries
):
    _many_families(world, 5)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("allocation:round", args=[world["round"].pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Lives in a priority neighbourhood (QPV)" in body and "L311-3-1" in body
    programme = world["football_am"].programme
    page = client.get(programme.get_absolute_url()).content.decode()
    assert reverse("allocation:round", args=[world["round"].pk]) in page
    with django_assert_max_num_queries(6):
        assert client.get(reverse("allocation:list")).status_code == 200


def test_a_family_wishes_for_two_grouped_children_and_changes_its_mind(
    client, world, django_assert_max_num_queries
):
    client.force_login(world["family_user"])
    url = reverse("allocation:wishes", args=[world["round"].pk])
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "participants": [world["lina"].pk, world["sami"].pk],
            "grouped": "on",
            "choice_1": world["football_am"].pk,
            "choice_2": world["football_pm"].pk,
        },
    )
    assert response.status_code == 302
    assert Wish.objects.filter(participant=world["lina"]).count() == 2
    assert SiblingGroup.objects.get().memberships.count() == 2
    response = client.post(
        url, {"participants": [world["lina"].pk], "choice_1": world["theatre_am"].pk}
    )
    assert response.status_code == 302
    assert not SiblingGroup.objects.exists()
    assert list(
        Wish.objects.filter(participant=world["lina"]).values_list("activity", flat=True)
    ) == [world["theatre_am"].pk]
    # Bad input names the field.
    response = client.post(
        url,
        {"participants": [world["lina"].pk], "grouped": "on", "choice_1": world["theatre_am"].pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["participants"]


def test_a_family_never_reaches_another_household(client, world):
    client.force_login(world["family_user"])
    other = world["other_household"].pk
    for name in ("wishes", "results"):
        url = reverse(f"allocation:{name}", args=[world["round"].pk]) + f"?household={other}"
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("allocation:wishes", args=[world["round"].pk]),
        {"participants": [world["other"].pk], "choice_1": world["theatre_am"].pk},
    )
    assert response.status_code == 200
    assert not Wish.objects.exists()


def test_a_mediator_of_the_programmes_wishes_on_a_familys_behalf(client, world):
    from households.models import Household

    Household.objects.filter(pk=world["household"].pk).update(created_by=world["mediator"].user)
    client.force_login(world["mediator"].user)
    url = reverse("allocation:wishes", args=[world["round"].pk])
    response = client.post(
        url + f"?household={world['household'].pk}",
        {
            "household": world["household"].pk,
            "participants": [world["sami"].pk],
            "choice_1": world["football_pm"].pk,
        },
    )
    assert response.status_code == 302
    assert Wish.objects.get().source == "mediator"
    assert client.get(url + f"?household={world['other_household'].pk}").status_code == 404


def test_a_partner_wishes_only_for_the_children_it_referred(client, world):
    from tests.factories import EnrolmentFactory

    EnrolmentFactory(
        participant=world["sami"], referred_by_partner=world["partner"], status="proposed"
    )
    client.force_login(world["partner_user"])
    url = reverse("allocation:wishes", args=[world["round"].pk])
    page = client.get(url + f"?household={world['household'].pk}")
    assert page.status_code == 200
    choices = dict(page.context["form"].fields["participants"].choices)
    assert set(choices) == {world["sami"].pk}
    client.post(
        url + f"?household={world['household'].pk}",
        {
            "household": world["household"].pk,
            "participants": [world["sami"].pk],
            "choice_1": world["football_pm"].pk,
        },
    )
    wish = Wish.objects.get()
    assert (wish.source, wish.referred_by_partner) == ("partner_referral", world["partner"])
    assert client.get(url + f"?household={world['other_household'].pk}").status_code == 404


def test_the_coordinator_closes_previews_and_publishes(
    client, world, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    _many_families(world, 20)
    round_ = world["round"]
    client.force_login(world["coordinator"])
    manage = reverse("allocation:manage", args=[round_.pk])
    assert client.post(reverse("allocation:close", args=[round_.pk])).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED and round_.seed
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("allocation:compute", args=[round_.pk]))
    job = BackgroundJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    from jobs.services import job_run

    job_run(job_id=job.pk)
    with django_assert_max_num_queries(16):
        page = client.get(manage)
    assert page.status_code == 200
    preview = page.context["preview"]
    assert preview.children == 40 and preview.unlucky
    assert sum(row.granted for row in preview.fill) == preview.granted
    # Rerun with other weights: allowed before publication.
    response = client.post(
        manage,
        {
            "max_per_child": 1,
            "max_per_household": "",
            "weight_qpv": 0,
            "weight_first_time": 0,
            "weight_referred": 0,
            "weight_sibling_group": 0,
            "weight_granted_before": 0,
        },
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.max_per_child == 1
    bad = client.post(manage, {"max_per_child": 0, "weight_qpv": 500})
    assert bad.status_code == 200 and {"max_per_child", "weight_qpv"} <= set(
        bad.context["form"].errors
    )


def test_round_pages_are_for_coordinators(client, world):
    client.force_login(world["family_user"])
    for name in ("manage", "close", "compute", "publish"):
        response = client.post(reverse(f"allocation:{name}", args=[world["round"].pk]))
        assert response.status_code == 403
    assert client.get(reverse("allocation:create")).status_code == 403


def test_the_coordinator_opens_a_round_from_the_form(client, world):
    client.force_login(world["coordinator"])
    response = client.post(
        reverse("allocation:create"),
        {
            "title": "Été",
            "wishes_open_at": "2030-06-01T09:00",
            "wishes_close_at": "2030-05-01T09:00",
            "results_on": "2030-06-20",
            "programmes": [world["football_am"].programme_id],
            "max_per_child": 2,
            **{
                f"weight_{r}": 1
                for r in ("qpv", "first_time", "referred", "sibling_group", "granted_before")
            },
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["wishes_close_at"]


def test_results_show_each_child_what_they_got_and_why(
    client, world, django_assert_max_num_queries
):
    round_ = world["round"]
    services.wishes_set(
        round_=round_,
        participants=[world["lina"], world["sami"]],
        activities=[world["football_am"], world["theatre_am"]],
        grouped=True,
    )
    services.round_close(round_=round_)
    services.round_compute(round_=round_)
    client.force_login(world["family_user"])
    url = reverse("allocation:results", args=[round_.pk])
    assert "Place confirmed" not in client.get(url).content.decode()  # not yet published
    services.round_publish(round_=round_)
    with django_assert_max_num_queries(14):
        body = client.get(url).content.decode()
    assert body.count("Place confirmed") == 2  # football for both; theatre is at the same time
    assert (
        "At the same time as an activity already given" in body
        and "Lives in a priority neighbourhood (QPV): +3" in body
    )
    assert "L311-3-1" in body
