"""A mother who joined a women's workshop herself counts in the funder's figures, in the same age
bands as everyone else."""

import datetime

import pytest

from attendance.models import Attendance, AttendanceStatus
from households.services import participant_enrol_guardian
from programmes.models import Audience, Programme
from reports.filters import ReportFilters
from reports.selectors import report_summary
from tests.factories import GuardianFactory, ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=2))


def test_an_adult_who_came_is_counted_in_her_age_band():
    programme = ProgrammeFactory(
        title="Santé des femmes", audience=Audience.WOMEN, min_age=18, max_age=None
    )
    session = SessionFactory(
        programme=programme, starts_at=datetime.datetime(2026, 9, 17, 9, 30, tzinfo=PARIS)
    )
    mother = participant_enrol_guardian(
        guardian=GuardianFactory(), birth_date=datetime.date(1988, 5, 4)
    )
    grandmother = participant_enrol_guardian(
        guardian=GuardianFactory(), birth_date=datetime.date(1950, 1, 2)
    )
    for person in (mother, grandmother):
        Attendance.objects.create(
            session=session, participant=person, status=AttendanceStatus.PRESENT
        )
    summary = report_summary(
        programmes=Programme.objects.all(),
        filters=ReportFilters(start=datetime.date(2026, 9, 1), end=datetime.date(2026, 12, 31)),
        now=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )
    bands = {row.key: row.participants for row in summary.by_age_band}
    assert bands["26-64"] == 1 and bands["65+"] == 1
    assert summary.participants == 2
