"""A database migrated before attendance, then households, left the enrolment app keeps every
row after it.

Each test goes back to the schema as it was (enrolment 0003 and no attendance app; enrolment 0008
and no households app), writes rows with the models of that time, migrates forward to today, and
reads the rows back through today's models. They run on SQLite in the first CI pass and on
PostgreSQL in the second.
"""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Programmes as they were then too: its later columns (safety sheet parts) did not exist yet.
BEFORE = [
    ("attendance", None),
    ("enrolment", "0003_attendance"),
    ("programmes", "0001_initial"),
    ("workshop_sessions", "0002_feed_tokens"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def _leaves():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_attendance_rows_survive_the_move_to_their_own_app():
    old = _migrate(BEFORE)
    assert not old.is_installed("attendance")
    venue = old.get_model("programmes", "Venue").objects.create(
        name="Centre social", address="1 rue de la Paix"
    )
    programme = old.get_model("programmes", "Programme").objects.create(
        title="Parcours famille",
        slug="parcours-famille",
        venue=venue,
        capacity=10,
        kind="family_course",
        field="socio_educational",
        audience="families",
    )
    now = datetime.datetime(2026, 11, 4, 13, 0, tzinfo=datetime.UTC)
    session = old.get_model("workshop_sessions", "Session").objects.create(
        programme=programme, venue=venue, starts_at=now, ends_at=now + datetime.timedelta(hours=2)
    )
    household = old.get_model("enrolment", "Household").objects.create(reference="F-MIGRATE")
    participant = old.get_model("enrolment", "Participant").objects.create(
        household=household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2015, 3, 1),
    )
    mark = old.get_model("enrolment", "Attendance").objects.create(
        session=session, participant=participant, status="late", note="bus en retard"
    )
    old.get_model("enrolment", "AttendanceCorrection").objects.create(
        attendance=mark, old_status="absent", new_status="late", reason="arrivée à 14 h 20"
    )
    follow_up = old.get_model("enrolment", "FollowUp").objects.create(
        participant=participant, programme=programme
    )
    follow_up.sessions.add(session)
    old.get_model("enrolment", "AnonymousHeadcount").objects.create(
        session=session, age_band="6-11", count=4
    )
    old_content_type = ContentType.objects.get_or_create(app_label="enrolment", model="attendance")[
        0
    ]

    _migrate(_leaves())

    from attendance.models import AnonymousHeadcount, Attendance, AttendanceCorrection, FollowUp

    moved = Attendance.objects.select_related("participant", "session").get()
    assert (moved.pk, moved.participant.first_name, moved.note) == (
        mark.pk,
        "Lina",
        "bus en retard",
    )
    assert AttendanceCorrection.objects.get().attendance_id == mark.pk
    assert list(FollowUp.objects.get().sessions.values_list("pk", flat=True)) == [session.pk]
    assert AnonymousHeadcount.objects.get().count == 4
    # Permissions and admin history follow the model: same content type, new label.
    old_content_type.refresh_from_db()
    assert old_content_type.app_label == "attendance"
    assert ContentType.objects.get_for_model(Attendance).pk == old_content_type.pk


# Just before the households app: every app that points at a household or a participant as it
# was then, so that their foreign keys still name the enrolment app's models.
BEFORE_HOUSEHOLDS = [
    ("households", None),
    ("enrolment", "0008_search_trigram_indexes"),
    ("attendance", "0008_walk_in_registration_id"),
    ("notifications", "0006_family_left_kind"),
    ("allocation", "0001_initial"),
    ("privacy", "0001_initial"),
    ("programmes", "0003_headcount_version"),
    ("workshop_sessions", "0004_headcount_version"),
]


@pytest.mark.django_db(transaction=True)
def test_household_rows_survive_the_move_to_their_own_app():
    old = _migrate(BEFORE_HOUSEHOLDS)
    assert not old.is_installed("households")
    venue = old.get_model("programmes", "Venue").objects.create(
        name="Centre social", address="1 rue de la Paix"
    )
    programme = old.get_model("programmes", "Programme").objects.create(
        title="Parcours famille",
        slug="parcours-famille",
        venue=venue,
        capacity=10,
        kind="family_course",
        field="socio_educational",
        audience="families",
    )
    now = datetime.datetime(2026, 11, 4, 13, 0, tzinfo=datetime.UTC)
    session = old.get_model("workshop_sessions", "Session").objects.create(
        programme=programme, venue=venue, starts_at=now, ends_at=now + datetime.timedelta(hours=2)
    )
    household = old.get_model("enrolment", "Household").objects.create(
        reference="F-MOVE42", neighbourhood="Les Tilleuls"
    )
    guardian = old.get_model("enrolment", "Guardian").objects.create(
        household=household, first_name="Sonia", last_name="Durand", phone="+33612345678"
    )
    child = old.get_model("enrolment", "Participant").objects.create(
        household=household,
        first_name="Lina",
        last_name="Durand",
        birth_date=datetime.date(2015, 3, 1),
    )
    old.get_model("enrolment", "Consent").objects.create(
        household=household, kind="image_rights", version="2026-01", given_by=guardian
    )
    old.get_model("enrolment", "EmergencyContact").objects.create(
        household=household, name="Mamie", relationship="grand-mère", phone="+33611111111"
    )
    old.get_model("enrolment", "SafetySheet").objects.create(
        participant=child,
        version=1,
        health={"allergies": "arachides"},
        contacts={"emergency_contacts": [], "authorised_people": []},
        filled_parts=["health"],
        filled_as="guardian",
        filled_at=now,
    )
    enrolment = old.get_model("enrolment", "Enrolment").objects.create(
        participant=child, programme=programme, status="confirmed"
    )
    mark = old.get_model("attendance", "Attendance").objects.create(
        session=session, participant=child, status="present"
    )
    old_content_type = ContentType.objects.get_or_create(
        app_label="enrolment", model="participant"
    )[0]

    _migrate(_leaves())

    from attendance.models import Attendance
    from enrolment.models import Enrolment
    from households.models import Consent, EmergencyContact, Household, Participant, SafetySheet

    moved = Household.objects.prefetch_related("guardians", "participants").get()
    assert (moved.pk, moved.reference, moved.neighbourhood) == (
        household.pk,
        "F-MOVE42",
        "Les Tilleuls",
    )
    assert [g.first_name for g in moved.guardians.all()] == ["Sonia"]
    assert [p.pk for p in moved.participants.all()] == [child.pk]
    assert Consent.objects.get().given_by_id == guardian.pk
    assert EmergencyContact.objects.get().name == "Mamie"
    assert SafetySheet.objects.get().health == {"allergies": "arachides"}
    # Foreign keys from the apps above follow: same rows, today's models.
    assert Enrolment.objects.select_related("participant").get(pk=enrolment.pk).participant == (
        Participant.objects.get(pk=child.pk)
    )
    assert Attendance.objects.get(pk=mark.pk).participant.first_name == "Lina"
    old_content_type.refresh_from_db()
    assert old_content_type.app_label == "households"
    assert ContentType.objects.get_for_model(Participant).pk == old_content_type.pk
