"""A newcomer running `make run` sees safety sheets and check-outs at once."""

import datetime

import pytest

from attendance.models import CheckOut
from demo.services import load_demo_data
from households.models import SafetySheet

pytestmark = pytest.mark.django_db


def test_the_demo_holds_filled_sheets_and_check_outs():
    load_demo_data(today=datetime.date(2026, 11, 25))
    sheets = list(SafetySheet.objects.filter(superseded_at__isnull=True))
    assert any(sheet.has_allergy for sheet in sheets)
    assert any(sheet.has_pai for sheet in sheets)
    assert any(sheet.authorised_people for sheet in sheets)
    assert any(sheet.may_leave_alone for sheet in sheets)
    kinds = set(CheckOut.objects.values_list("collected_by", flat=True))
    assert kinds == {"authorised", "alone", "other"}
    load_demo_data(today=datetime.date(2026, 11, 25))
    assert SafetySheet.objects.count() == len(sheets)
