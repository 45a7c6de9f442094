"""A round from the coordinator's opening to the families' results, through the services."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from allocation import services
from allocation.errors import AllocationError
from allocation.models import ChildResult, RoundStatus, Wish, WishOutcome
from enrolment.errors import EnrolmentError
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.services import enrolment_create
from jobs.models import BackgroundJob, JobState
from jobs.services import job_run
from notifications.models import Message, MessageState

pytestmark = pytest.mark.django_db


def _wish_everything(world):
    services.wishes_set(
        round_=world["round"],
        participants=[world["lina"], world["sami"]],
        activities=[world["football_am"], world["football_pm"]],
        grouped=True,
        created_by=world["family_user"],
    )
    services.wishes_set(
        round_=world["round"],
        participants=[world["other"]],
        activities=[world["football_am"], world["theatre_am"]],
        created_by=world["coordinator"],
    )


def test_no_place_is_given_while_the_round_holds_the_activity(world):
    football_am = world["sessions"][0]
    with pytest.raises(EnrolmentError) as refused:
        enrolment_create(
            participant=world["lina"], programme=football_am.programme, session=football_am
        )
    assert refused.value.field == "session" and refused.value.status == 409
    assert not Enrolment.objects.exists()


def test_wishes_are_checked_and_replaced_until_the_window_closes(world):
    round_ = world["round"]
    with pytest.raises(AllocationError) as one_child:
        services.wishes_set(
            round_=round_,
            participants=[world["lina"]],
            activities=[world["football_am"]],
            grouped=True,
        )
    assert one_child.value.field == "participants"
    with pytest.raises(AllocationError) as mixed:
        services.wishes_set(
            round_=round_,
            participants=[world["lina"], world["other"]],
            activities=[world["football_am"]],
        )
    assert mixed.value.field == "participants"
    with pytest.raises(AllocationError) as twice:
        services.wishes_set(
            round_=round_,
            participants=[world["lina"]],
            activities=[world["football_am"], world["football_am"]],
        )
    assert twice.value.field == "activities"
    world["lina"].birth_date = timezone.localdate() - datetime.timedelta(days=16 * 366)
    world["lina"].save()
    with pytest.raises(AllocationError) as too_old:
        services.wishes_set(
            round_=round_, participants=[world["lina"]], activities=[world["football_am"]]
        )
    assert too_old.value.field == "activities"

    services.wishes_set(
        round_=round_,
        participants=[world["sami"]],
        activities=[world["theatre_am"], world["football_pm"]],
    )
    services.wishes_set(
        round_=round_, participants=[world["sami"]], activities=[world["football_pm"]]
    )
    assert list(Wish.objects.values_list("rank", "activity")) == [(1, world["football_pm"].pk)]
    services.round_close(round_=round_)
    with pytest.raises(AllocationError) as closed:
        services.wishes_set(
            round_=round_, participants=[world["sami"]], activities=[world["theatre_am"]]
        )
    assert closed.value.status == 409


def test_close_compute_publish_in_the_background_and_reproduce(
    world, capsys, django_capture_on_commit_callbacks
):
    round_ = world["round"]
    _wish_everything(world)
    services.round_close(round_=round_, closed_by=world["coordinator"])
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED and len(round_.seed) == 32

    job = services.computation_start(round_=round_, started_by=world["coordinator"])
    assert job_run(job_id=job.pk) == JobState.SUCCEEDED
    job.refresh_from_db()
    assert job.progress == 100 and job.result_url.endswith(
        f"/allocation/rounds/{round_.pk}/manage/"
    )
    round_.refresh_from_db()

    # The grouped siblings (QPV, first time, group: 3+2+1 points) come before Jules (first time,
    # wishes entered by staff: 2+2 points).
    results = {r.participant_id: r for r in ChildResult.objects.filter(round=round_)}
    assert results[world["lina"].pk].position == results[world["sami"].pk].position == 1
    assert results[world["other"].pk].points == 4
    assert results[world["lina"].pk].points == 6
    outcome = dict(
        Wish.objects.values_list("participant_id", "activity_id")
        .filter(outcome=WishOutcome.GRANTED)
        .values_list("participant_id", "activity_id")
    )
    granted = set(
        Wish.objects.filter(outcome=WishOutcome.GRANTED).values_list(
            "participant_id", "activity_id"
        )
    )
    assert granted == {
        (world["lina"].pk, world["football_am"].pk),
        (world["sami"].pk, world["football_am"].pk),
        (world["lina"].pk, world["football_pm"].pk),
        (world["sami"].pk, world["football_pm"].pk),
        (world["other"].pk, world["theatre_am"].pk),
    }
    assert outcome
    jules_football = Wish.objects.get(participant=world["other"], activity=world["football_am"])
    assert jules_football.outcome == WishOutcome.FULL  # theatre at the same time was given

    call_command("allocation_reproduce", str(round_.pk))
    assert "Identical." in capsys.readouterr().out

    with django_capture_on_commit_callbacks(execute=False):
        job = services.publication_start(round_=round_, started_by=world["coordinator"])
    assert job_run(job_id=job.pk) == JobState.SUCCEEDED
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED
    assert Enrolment.objects.filter(status=EnrolmentStatus.CONFIRMED).count() == 5
    messages = Message.objects.filter(kind="allocation_result")
    assert messages.count() == 2
    nadia = messages.get(household=world["household"])
    assert (nadia.channel, nadia.language) == ("sms", "en")
    assert not Message.objects.filter(
        kind__startswith="enrolment_", state=MessageState.PENDING
    ).exists()

    # Places left are first come, first served once published.
    late = world["sessions"][1]
    with pytest.raises(EnrolmentError) as full:
        enrolment_create(participant=world["lina"], programme=late.programme, session=late)
    assert "same time" in full.value.message


def test_the_message_renders_in_the_familys_language_with_the_mention(world):
    from notifications.rendering import render_message

    round_ = world["round"]
    _wish_everything(world)
    services.round_close(round_=round_)
    services.round_compute(round_=round_)
    services.round_publish(round_=round_)
    message = Message.objects.get(kind="allocation_result", household=world["household"])
    _subject, body = render_message(
        kind=message.kind,
        channel=message.channel,
        language=message.language,
        context=message.context,
    )
    assert "Lina" in body and "Football" in body and "L311-3-1" in body
    jules = Message.objects.get(kind="allocation_result", household=world["other_household"])
    subject, body = render_message(
        kind=jules.kind, channel=jules.channel, language="fr", context=jules.context
    )
    assert "Résultats" in subject and "L311-3-1" in body


def test_rules_change_and_rerun_before_publication_only(world):
    round_ = world["round"]
    _wish_everything(world)
    services.round_close(round_=round_)
    services.round_compute(round_=round_)
    weights = dict.fromkeys(round_.weights, 0)
    with pytest.raises(AllocationError) as bad:
        services.round_update_rules(
            round_=round_, weights={"qpv": 101}, max_per_child=1, max_per_household=None
        )
    assert bad.value.field == "weight_qpv"
    services.round_update_rules(
        round_=round_, weights=weights, max_per_child=1, max_per_household=None
    )
    services.round_compute(round_=round_)
    assert Wish.objects.filter(outcome=WishOutcome.GRANTED).count() <= 3
    services.round_publish(round_=round_)
    with pytest.raises(AllocationError) as late:
        services.round_update_rules(
            round_=round_, weights=weights, max_per_child=2, max_per_household=None
        )
    assert late.value.status == 409
    assert BackgroundJob.objects.count() == 0


def test_a_households_wishes_are_in_its_export_and_their_notes_go_at_erasure(world):
    from allocation.personal_data import _erase_wishes, _wishes

    _wish_everything(world)
    services.round_close(round_=world["round"])
    services.round_compute(round_=world["round"])
    Wish.objects.filter(participant=world["lina"]).update(publication_note="séance annulée")
    rows = _wishes(world["household"])
    assert len(rows) == 4 and rows[0]["points"] == 6 and "qpv" in rows[0]["rules_applied"]
    assert _erase_wishes(world["household"], timezone.now()) == 4
    assert not Wish.objects.exclude(publication_note="").exists()


def test_a_place_wished_by_a_partner_stays_its_referral_after_publication(world):
    round_ = world["round"]
    services.wishes_set(
        round_=round_,
        participants=[world["other"]],
        activities=[world["theatre_am"]],
        created_by=world["partner_user"],
        partner=world["partner"],
    )
    services.round_close(round_=round_)
    services.round_compute(round_=round_)
    services.round_publish(round_=round_)
    enrolment = Enrolment.objects.get(participant=world["other"])
    assert (enrolment.status, enrolment.source, enrolment.referred_by_partner) == (
        EnrolmentStatus.CONFIRMED,
        "partner_referral",
        world["partner"],
    )
    assert ChildResult.objects.get(participant=world["other"]).criteria == [
        "first_time",
        "referred",
    ]
