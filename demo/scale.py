"""A service ten or a hundred times the demo's size, for benchmarks: every page and list timed at
scale, every query count compared with the demo's.

Built on top of the demo (its accounts, mediators, partners and venues), through bulk inserts:
no service runs, no signal is sent, so it takes seconds, not hours. Each unit of ``factor``
adds 9 programmes (a third enrolled by whole cycle) of 30 weekly sessions spread over two
school years (the last one and the current one), 100 households of one guardian and two
children, about 600 enrolments, the attendance marks of the sessions already held and the
messages the enrolments caused. The demo accounts see the new data: the programmes are run by
the demo's mediators and co-run by its partners.
"""

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from attendance.models import Attendance, AttendanceStatus
from core.phones import phone_to_e164
from core.time import local_datetime, school_year_bounds, school_year_of
from enrolment.models import Enrolment, EnrolmentStatus
from households.models import Guardian, Household, Participant
from notifications.models import Channel, Message, MessageKind, MessageState
from programmes.models import (
    Audience,
    EnrolmentMode,
    Field,
    Kind,
    Mediator,
    Partner,
    Programme,
    ProgrammeStatus,
    Venue,
)
from sessions.models import Session

PROGRAMMES_PER_UNIT = 9
SESSIONS_PER_PROGRAMME = 30
HOUSEHOLDS_PER_UNIT = 100
BATCH = 5000
KINDS = [
    (Kind.FAMILY_COURSE, Field.SOCIO_EDUCATIONAL, EnrolmentMode.WHOLE_CYCLE),
    (Kind.HOLIDAY_ACTIVITY, Field.SOCIO_EDUCATIONAL, EnrolmentMode.PER_SESSION),
    (Kind.HEALTH_PREVENTION, Field.HEALTH_PREVENTION, EnrolmentMode.PER_SESSION),
]
NEIGHBOURHOODS = [
    ("Schuman – Bergonié", True),
    ("Les Martinets", True),
    ("Centre-ville", False),
    ("Pasteur", False),
]


def _sessions_of(programme: Programme, index: int, first_year: int) -> list[Session]:
    """30 weekly sessions from the first Wednesday of October of ``first_year``'s school year."""
    start, _end = school_year_bounds(first_year)
    first = start + datetime.timedelta(days=30 + (2 - start.weekday()) % 7)
    hour = 9 + index % 8
    return [
        Session(
            programme=programme,
            venue_id=programme.venue_id,
            starts_at=local_datetime(
                first + datetime.timedelta(weeks=week), datetime.time(hour, 0)
            ),
            ends_at=local_datetime(
                first + datetime.timedelta(weeks=week), datetime.time(hour + 2, 0)
            ),
        )
        for week in range(SESSIONS_PER_PROGRAMME)
    ]


@transaction.atomic
def scale_data_load(*, factor: int, today: datetime.date | None = None) -> dict[str, int]:
    """Add ``factor`` units of data (see the module); return how many rows of each kind."""
    now = timezone.now()
    today = today or timezone.localdate()
    current_year = school_year_of(today)
    venues = list(Venue.objects.order_by("pk"))
    mediators = list(Mediator.objects.order_by("pk"))
    partners = list(Partner.objects.order_by("pk"))
    if not (venues and mediators and partners):
        raise ValueError("Load the demo first (manage.py load_demo_data).")
    run = Programme.objects.filter(slug__startswith="echelle-").count() // PROGRAMMES_PER_UNIT

    programmes = Programme.objects.bulk_create(
        [
            Programme(
                title=f"Atelier à l'échelle {run + unit}-{index}",
                slug=f"echelle-{run + unit}-{index}",
                kind=kind,
                field=field,
                audience=Audience.CHILDREN,
                min_age=3,
                max_age=17,
                enrolment_mode=mode,
                capacity=12 if mode == EnrolmentMode.PER_SESSION else 15,
                venue=venues[index % len(venues)],
                status=ProgrammeStatus.PUBLISHED,
                what_to_bring="Une gourde",
            )
            for unit in range(factor)
            for index, (kind, field, mode) in enumerate(KINDS * (PROGRAMMES_PER_UNIT // len(KINDS)))
        ]
    )
    Programme.mediators.through.objects.bulk_create(
        [
            Programme.mediators.through(programme=programme, mediator=mediators[i % len(mediators)])
            for i, programme in enumerate(programmes)
        ]
    )
    Programme.partners.through.objects.bulk_create(
        [
            Programme.partners.through(programme=programme, partner=partners[i % len(partners)])
            for i, programme in enumerate(programmes)
        ]
    )
    # Half the programmes ran last school year, half run this one.
    sessions = Session.objects.bulk_create(
        list(
            itertools.chain.from_iterable(
                _sessions_of(programme, i, current_year - i % 2)
                for i, programme in enumerate(programmes)
            )
        ),
        batch_size=BATCH,
    )
    sessions_of: dict[int, list[Session]] = {}
    for session in sessions:
        sessions_of.setdefault(session.programme_id, []).append(session)

    households = Household.objects.bulk_create(
        [
            Household(
                reference=f"E-{run:03d}-{i:06d}",
                neighbourhood=NEIGHBOURHOODS[i % 4][0],
                in_qpv=NEIGHBOURHOODS[i % 4][1],
            )
            for i in range(HOUSEHOLDS_PER_UNIT * factor)
        ],
        batch_size=BATCH,
    )
    guardians = Guardian.objects.bulk_create(
        [
            Guardian(
                household=household,
                first_name="Parent",
                last_name=f"Famille {i}",
                # Stored as every number is (E.164), so that a search by number finds it.
                phone=phone_to_e164(f"060{i % 10**7:07d}"),
                email=f"famille{run}-{i}@example.org",
                preferred_channel=Channel.SMS if i % 3 else Channel.EMAIL,
                is_primary=True,
            )
            for i, household in enumerate(households)
        ],
        batch_size=BATCH,
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                household=household,
                first_name=name,
                last_name=f"Famille {i}",
                birth_date=datetime.date(today.year - 6 - (i + j * 3) % 10, 1 + i % 12, 1),
            )
            for i, household in enumerate(households)
            for j, name in enumerate(("Lina", "Yanis"))
        ],
        batch_size=BATCH,
    )

    # Each child in two programmes of their unit: the whole cycle, or three of its sessions.
    enrolments: list[Enrolment] = []
    per_unit = len(participants) // factor
    for index, participant in enumerate(participants):
        unit = index // per_unit
        for offset in (0, 1 + index % 2):
            programme = programmes[unit * PROGRAMMES_PER_UNIT + (index + offset * 4) % 9]
            if programme.enrolment_mode == EnrolmentMode.WHOLE_CYCLE:
                targets: list[Session | None] = [None]
            else:
                own = sessions_of[programme.pk]
                targets = [own[(index + k * 7) % len(own)] for k in range(3)]
            enrolments += [
                Enrolment(
                    participant=participant,
                    programme=programme,
                    session=session,
                    status=EnrolmentStatus.CONFIRMED,
                    source="mediator",
                    confirmed_at=now,
                )
                for session in targets
            ]
    enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=BATCH)

    marks: list[Attendance] = []
    for enrolment in enrolments:
        held = [enrolment.session] if enrolment.session else sessions_of[enrolment.programme_id]
        marks += [
            Attendance(
                session=session,
                participant_id=enrolment.participant_id,
                status=AttendanceStatus.ABSENT
                if (session.pk + enrolment.pk) % 7 == 0
                else AttendanceStatus.PRESENT,
                marked_at=session.ends_at,
            )
            for session in held
            if session is not None and session.ends_at < now
        ]
    Attendance.objects.bulk_create(marks, batch_size=BATCH)

    household_of = {participant.pk: participant.household_id for participant in participants}
    messages = Message.objects.bulk_create(
        [
            Message(
                key=f"scale:{enrolment.pk}:confirmed",
                kind=MessageKind.ENROLMENT_CONFIRMED,
                channel=Channel.EMAIL,
                address=f"famille{enrolment.participant_id}@example.org",
                language="fr",
                recipient_name="Parent",
                context={"participant": "Lina", "programme": "Atelier"},
                state=MessageState.SENT,
                sent_at=now,
                due_at=now,
                programme_id=enrolment.programme_id,
                session_id=enrolment.session_id,
                enrolment=enrolment,
                participant_id=enrolment.participant_id,
                household_id=household_of[enrolment.participant_id],
            )
            for enrolment in enrolments
        ],
        batch_size=BATCH,
    )
    return {
        "programmes": len(programmes),
        "sessions": len(sessions),
        "households": len(households),
        "guardians": len(guardians),
        "participants": len(participants),
        "enrolments": len(enrolments),
        "marks": len(marks),
        "messages": len(messages),
    }
