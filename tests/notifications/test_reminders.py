"""Reminders: written by the sweep when due, once per participant, session and offset."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from enrolment.services import enrolment_create
from notifications import delivery
from notifications.models import Message, MessageKind, MessageState
from notifications.services import reminders_create_due
from notifications.tasks import sweep
from sessions.services import session_cancel, session_move
from tests.factories import (
    EnrolmentFactory,
    GuardianFactory,
    ParticipantFactory,
    ProgrammeFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


def _enrolled(start, *, offsets=None, guardian=None, whole_cycle=False, **guardian_fields):
    programme = ProgrammeFactory(
        reminder_offsets=offsets or ["2d", "2h"],
        enrolment_mode="whole_cycle" if whole_cycle else "per_session",
    )
    session = SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    guardian = guardian or GuardianFactory(**guardian_fields)
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    # As stored long before: the services' own messages are tested elsewhere.
    EnrolmentFactory(
        participant=child, programme=programme, session=None if whole_cycle else session
    )
    return session, child


def _reminders(**filters):
    return Message.objects.filter(kind=MessageKind.REMINDER, **filters)


def test_a_reminder_goes_once_when_due(sms_outbox, deliver_now):
    session, child = _enrolled(paris(2026, 12, 9, 14))
    with time_machine.travel(paris(2026, 12, 7, 13, 59), tick=False):
        assert sweep.delay().get()["reminders"] == 0
    with time_machine.travel(paris(2026, 12, 7, 14, 0), tick=False):
        with deliver_now():
            assert sweep.delay().get()["reminders"] == 1
        with deliver_now():
            assert sweep.delay().get() == {"released": 0, "reminders": 0, "dispatched": 0}
    (sms,) = sms_outbox
    assert "Rappel" in sms.body or "Reminder" in sms.body
    assert "Lina" in sms.body and "mercredi 9 décembre" in sms.body
    reminder = _reminders().get()
    assert (reminder.participant_id, reminder.session_id, reminder.reminder_offset) == (
        child.pk,
        session.pk,
        "2d",
    )
    assert reminder.state == MessageState.SENT


@pytest.mark.parametrize(
    ("start", "before", "due"),
    [
        # Saturday 28 March 2026 14:00 CET, 47 hours before Monday 14:00 CEST.
        (paris(2026, 3, 30, 14), paris(2026, 3, 28, 13, 59), paris(2026, 3, 28, 14)),
        # Saturday 24 October 2026 14:00 CEST, 49 hours before Monday 14:00 CET.
        (paris(2026, 10, 26, 14), paris(2026, 10, 24, 13, 59), paris(2026, 10, 24, 14)),
    ],
)
def test_day_offsets_follow_the_wall_clock_across_dst(start, before, due):
    _enrolled(start, offsets=["2d"])
    with time_machine.travel(before, tick=False):
        assert reminders_create_due() == 0
    with time_machine.travel(due, tick=False):
        assert reminders_create_due() == 1
    assert _reminders().get().due_at == due


def test_hour_offsets_are_elapsed_time_across_dst():
    start = paris(2026, 3, 29, 10)  # 08:00 UTC, the morning clocks went forward
    _enrolled(start, offsets=["2h"], preferred_channel="email")
    with time_machine.travel(
        datetime.datetime(2026, 3, 29, 5, 59, tzinfo=datetime.UTC), tick=False
    ):
        assert reminders_create_due() == 0
    with time_machine.travel(datetime.datetime(2026, 3, 29, 6, 0, tzinfo=datetime.UTC), tick=False):
        assert reminders_create_due() == 1


def test_sms_reminders_avoid_quiet_hours_but_emails_do_not():
    start = paris(2026, 12, 9, 7, 30)
    _enrolled(start, offsets=["2h"], email="")
    _enrolled(start, offsets=["2h"], preferred_channel="email")
    with time_machine.travel(paris(2026, 12, 8, 20, 59), tick=False):
        assert reminders_create_due() == 1
        assert _reminders().get().channel == "sms"
    with time_machine.travel(paris(2026, 12, 9, 5, 30), tick=False):
        assert reminders_create_due() == 1
    assert set(_reminders().values_list("channel", flat=True)) == {"sms", "email"}


def test_opted_out_guardians_get_no_reminder_and_are_not_looked_at_again(sms_outbox, deliver_now):
    _enrolled(paris(2026, 12, 9, 14), opt_out_sms=True, opt_out_email=True)
    with time_machine.travel(paris(2026, 12, 7, 14), tick=False):
        with deliver_now():
            sweep.delay()
        assert reminders_create_due() == 0
    assert _reminders().get().state == MessageState.CANCELLED
    assert sms_outbox == [] and mail.outbox == []


def test_whole_cycle_enrolments_are_reminded_of_each_session():
    first, child = _enrolled(paris(2026, 12, 9, 14), whole_cycle=True, offsets=["1d"])
    second = SessionFactory(
        programme=first.programme,
        starts_at=paris(2026, 12, 16, 14),
        ends_at=paris(2026, 12, 16, 16),
    )
    with time_machine.travel(paris(2026, 12, 8, 14), tick=False):
        assert reminders_create_due() == 1
    with time_machine.travel(paris(2026, 12, 15, 14), tick=False):
        assert reminders_create_due() == 1
    assert set(_reminders().values_list("session_id", flat=True)) == {first.pk, second.pk}


def test_no_reminder_for_a_cancelled_session():
    session, _child = _enrolled(paris(2026, 12, 9, 14))
    with time_machine.travel(paris(2026, 12, 1), tick=False):
        session_cancel(reason_code="venue_unavailable", session=session)
    with time_machine.travel(paris(2026, 12, 7, 14), tick=False):
        assert reminders_create_due() == 0


def test_a_moved_session_cancels_pending_reminders_and_reminds_at_the_new_time():
    session, _child = _enrolled(paris(2026, 12, 9, 14), offsets=["2d"])
    with time_machine.travel(paris(2026, 12, 7, 14), tick=False):
        assert reminders_create_due() == 1  # pending: not delivered in this test
    with time_machine.travel(paris(2026, 12, 7, 15), tick=False):
        session_move(
            reason_code="venue_unavailable",
            session=session,
            starts_at=paris(2026, 12, 16, 14),
            ends_at=paris(2026, 12, 16, 16),
        )
    old = _reminders().get()
    assert old.state == MessageState.CANCELLED
    with time_machine.travel(paris(2026, 12, 14, 14), tick=False):
        assert reminders_create_due() == 1
    new = _reminders(state=MessageState.PENDING).get()
    assert new.session_starts_at == paris(2026, 12, 16, 14)


def test_after_an_outage_only_the_latest_due_reminder_goes():
    _enrolled(paris(2026, 12, 9, 14))
    with time_machine.travel(paris(2026, 12, 9, 12, 30), tick=False):
        assert reminders_create_due() == 1
    states = dict(_reminders().values_list("reminder_offset", "state"))
    assert states == {"2d": MessageState.CANCELLED, "2h": MessageState.PENDING}


def test_enrolling_after_a_reminder_was_due_skips_it(
    celery_eager, django_capture_on_commit_callbacks
):
    programme = ProgrammeFactory(reminder_offsets=["2d", "2h"])
    session = SessionFactory(
        programme=programme, starts_at=paris(2026, 12, 9, 14), ends_at=paris(2026, 12, 9, 16)
    )
    guardian = GuardianFactory()
    child = ParticipantFactory(household=guardian.household)
    with (
        time_machine.travel(paris(2026, 12, 8, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrolment_create(participant=child, programme=programme, session=session)
        assert reminders_create_due() == 0
    assert _reminders().get().state == MessageState.CANCELLED
    with time_machine.travel(paris(2026, 12, 9, 12), tick=False):
        assert reminders_create_due() == 1


@pytest.mark.parametrize("families", [10, 60])
def test_sweep_query_count_does_not_grow_with_enrolments(families, django_assert_max_num_queries):
    programme = ProgrammeFactory(reminder_offsets=["2d"], capacity=100)
    session = SessionFactory(
        programme=programme, starts_at=paris(2026, 12, 9, 14), ends_at=paris(2026, 12, 9, 16)
    )
    for _index in range(families):
        guardian = GuardianFactory()
        EnrolmentFactory(
            participant=ParticipantFactory(household=guardian.household),
            programme=programme,
            session=session,
        )
    with time_machine.travel(paris(2026, 12, 7, 14), tick=False), django_assert_max_num_queries(14):
        assert reminders_create_due() == families


def test_two_sweeps_at_once_count_only_the_rows_each_wrote(monkeypatch):
    """Both read the same candidates; the one that writes second writes nothing and says so."""
    import copy

    from notifications import services

    _enrolled(paris(2026, 12, 9, 14))
    _enrolled(paris(2026, 12, 9, 15))
    real_queue = services.messages_queue

    def other_sweep_wins_the_race(messages):
        if messages:
            real_queue([copy.deepcopy(message) for message in messages])
        return real_queue(messages)

    monkeypatch.setattr(services, "messages_queue", other_sweep_wins_the_race)
    with time_machine.travel(paris(2026, 12, 7, 15, 0), tick=True):
        assert reminders_create_due() == 0
        assert _reminders(state=MessageState.PENDING).count() == 2


# Sessions whose reminder moment is quiet and whose quiet hours end after they start.
TOO_EARLY_FOR_SMS = [
    (paris(2026, 12, 9, 8, 0), "2h"),
    (paris(2026, 12, 9, 23, 0), "2h"),
    (paris(2026, 12, 9, 7, 30), "1h"),
    (paris(2026, 12, 9, 21, 30), "30m"),
]


def _sweep_and_deliver_until(end, since=None) -> None:
    """Sweeps as beat runs them, from ``since`` (the day before) until ``end``, delivering what
    is due.

    Every minute around the moments that matter (each evening's 21:00, each morning's 08:00,
    the reminder moments), every hour elsewhere: a sweep a minute over 30 hours is too slow for
    a test.
    """
    first = since or end - datetime.timedelta(hours=30)
    moments = {first + datetime.timedelta(hours=i) for i in range(31)}
    for day in (end.date() - datetime.timedelta(days=1), end.date()):
        for hour, minute in ((21, 0), (8, 0)):
            centre = paris(day.year, day.month, day.day, hour, minute)
            moments |= {centre + datetime.timedelta(minutes=m) for m in range(-3, 4)}
    for before in (
        datetime.timedelta(minutes=30),
        datetime.timedelta(hours=1),
        datetime.timedelta(hours=2),
    ):
        moments |= {end - before + datetime.timedelta(minutes=m) for m in range(-2, 3)}
    for moment in sorted(m for m in moments if first <= m < end):
        with time_machine.travel(moment, tick=False):
            reminders_create_due()
            for pk in Message.objects.filter(
                state=MessageState.PENDING, due_at__lte=moment
            ).values_list("pk", flat=True):
                delivery.message_deliver(message_id=pk)


@pytest.mark.parametrize(("start", "offset"), TOO_EARLY_FOR_SMS)
def test_an_sms_family_with_an_email_is_reminded_by_email_before_the_session(
    start, offset, sms_outbox
):
    _enrolled(start, offsets=[offset])
    _sweep_and_deliver_until(start)
    reminder = _reminders().get()
    assert reminder.state == MessageState.SENT and reminder.channel == "email"
    assert reminder.sent_at < start and sms_outbox == []
    (email,) = mail.outbox
    assert "Lina" in email.body


@pytest.mark.parametrize(("start", "offset"), TOO_EARLY_FOR_SMS)
def test_without_email_the_sms_goes_before_the_quiet_hours(start, offset, sms_outbox):
    _enrolled(start, offsets=[offset], email="")
    _sweep_and_deliver_until(start)
    reminder = _reminders().get()
    assert reminder.state == MessageState.SENT and reminder.channel == "sms"
    assert reminder.sent_at < start
    local = reminder.sent_at.astimezone(PARIS)
    assert local.hour == 20 and local.minute == 59
    assert len(sms_outbox) == 1


def test_enrolled_during_the_quiet_hours_without_email_the_reminder_is_dropped_with_a_reason(
    sms_outbox, caplog, celery_eager, django_capture_on_commit_callbacks
):
    """Enrolled at 23:00 for 07:30: no moment outside the quiet hours is left before it."""
    programme = ProgrammeFactory(reminder_offsets=["2h"])
    start = paris(2026, 12, 9, 7, 30)
    session = SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    guardian = GuardianFactory(email="")
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    with (
        time_machine.travel(paris(2026, 12, 8, 23, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrolment_create(participant=child, programme=programme, session=session)
    with caplog.at_level("INFO", logger="notifications"):
        _sweep_and_deliver_until(start, since=paris(2026, 12, 8, 23, 0))
    reminder = _reminders().get()
    assert reminder.state == MessageState.CANCELLED
    assert "quiet hours" in reminder.cancel_reason
    assert "dropped" in caplog.text
    assert not [sms for sms in sms_outbox if "Rappel" in sms.body or "Reminder" in sms.body]


def test_a_confirmation_held_for_the_morning_covers_no_reminder_of_an_earlier_session(
    sms_outbox, celery_eager, django_capture_on_commit_callbacks
):
    """Confirmed at 23:00 for 07:30: the SMS confirmation goes at 08:00, too late; the
    reminder still goes, by e-mail at 05:30."""
    programme = ProgrammeFactory(reminder_offsets=["2d", "2h"])
    start = paris(2026, 12, 9, 7, 30)
    session = SessionFactory(
        programme=programme, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    guardian = GuardianFactory()
    child = ParticipantFactory(household=guardian.household, first_name="Lina")
    with (
        time_machine.travel(paris(2026, 12, 8, 23, 0), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrolment_create(participant=child, programme=programme, session=session)
    _sweep_and_deliver_until(start, since=paris(2026, 12, 8, 23, 0))
    sent = _reminders(state=MessageState.SENT).get()
    assert sent.reminder_offset == "2h" and sent.channel == "email"
    assert sent.sent_at.astimezone(PARIS) == paris(2026, 12, 9, 5, 30)


def test_an_sms_reminder_held_past_the_session_start_is_dropped_not_sent(sms_outbox):
    """Written at 20:59 but picked up at 21:00 (a busy worker): 08:00 would be too late."""
    session, _child = _enrolled(paris(2026, 12, 9, 7, 30), offsets=["2h"], email="")
    with time_machine.travel(paris(2026, 12, 8, 20, 59), tick=False):
        assert reminders_create_due() == 1
    reminder = _reminders().get()
    with time_machine.travel(paris(2026, 12, 8, 21, 0, 30), tick=False):
        assert delivery.message_deliver(message_id=reminder.pk) == "too-late"
    reminder.refresh_from_db()
    assert reminder.state == MessageState.CANCELLED and reminder.cancel_reason
    assert sms_outbox == []
