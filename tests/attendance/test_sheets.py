"""Signed attendance sheets: a printable PDF per session, and signatures drawn on the phone."""

import base64
import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from attendance.models import RegisterSignature
from attendance.services import AttendanceError, signature_record
from programmes.models import Programme
from reports.filters import ReportFilters
from reports.selectors import report_summary
from tests.factories import ParticipantFactory, build_register, user_with_role

pytestmark = pytest.mark.django_db

# The smallest valid PNG: a 1×1 white pixel.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763"
        "f8ffff3f0005fe02fea7d605d30000000049454e44ae426082"
    )
).decode()
SIGNATURE = "data:image/png;base64," + PNG


@pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="needs pdftotext (Debian's poppler-utils; `make browser` installs it)",
)
def test_the_printed_sheet_names_every_expected_person(client, tmp_path, english):
    session, mediator, people = build_register(participants=12)
    people[0].last_name, people[0].first_name = "Benali-Kovač", "Zoé"
    people[0].save()
    client.force_login(mediator.user)
    response = client.get(reverse("attendance:sheet", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localtime(session.starts_at).date()
    assert (
        f"emargement-{session.programme.slug}-{day:%Y-%m-%d}.pdf"
        in (response["Content-Disposition"])
    )
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Attendance sheet" in text and session.programme.title in text
    assert session.venue.name in text and str(mediator) in text
    for person in people:
        assert person.last_name.upper() in text and person.first_name in text
    # Blank lines for walk-ins follow the expected people.
    assert "17" in text

    client.force_login(user_with_role(Role.FAMILY))
    assert client.get(reverse("attendance:sheet", args=[session.pk])).status_code in (403, 404)


def test_a_signature_is_kept_with_the_register_and_counted_as_evidence(english):
    session, mediator, people = build_register(
        participants=2, starts_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(AttendanceError) as error:
        signature_record(
            session=session,
            participant=people[0],
            image="data:text/plain,hi",
            taken_by=mediator.user,
        )
    assert error.value.field == "image"
    with pytest.raises(AttendanceError) as error:
        signature_record(
            session=session,
            participant=ParticipantFactory(),
            image=SIGNATURE,
            taken_by=mediator.user,
        )
    assert error.value.field == "participant"
    with pytest.raises(AttendanceError) as error:
        signature_record(
            session=session,
            participant=people[0],
            image=SIGNATURE,
            taken_by=user_with_role(Role.MEDIATOR),
        )
    assert error.value.status == 403
    assert not RegisterSignature.objects.exists()

    signature_record(
        session=session, participant=people[0], image=SIGNATURE, taken_by=mediator.user
    )
    signature_record(
        session=session, participant=people[0], image=SIGNATURE, taken_by=mediator.user
    )  # signing again replaces it
    assert RegisterSignature.objects.get().image == SIGNATURE

    today = timezone.localdate()
    summary = report_summary(
        programmes=Programme.objects.all(),
        filters=ReportFilters(start=today - datetime.timedelta(days=1), end=today),
    )
    # A signature, without any mark, is a register taken: the session is held.
    assert (summary.sessions_held, summary.sessions_signed, summary.sessions_register_missing) == (
        1,
        1,
        0,
    )


def test_the_register_shows_the_signature(client, english):
    session, mediator, people = build_register(participants=2)
    signature_record(
        session=session, participant=people[1], image=SIGNATURE, taken_by=mediator.user
    )
    client.force_login(mediator.user)
    page = client.get(reverse("attendance:register", args=[session.pk])).content.decode()
    assert f'data-signed="{people[1].pk}"' in page and SIGNATURE in page
    assert reverse("attendance:sign", args=[session.pk, people[0].pk]) in page
    assert reverse("attendance:sheet", args=[session.pk]) in page
