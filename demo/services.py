"""A realistic, fictional mediation service for demos and manual testing.

Every step is idempotent: loading twice creates nothing new.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from allocation.demo import load_allocation_demo
from core.time import school_year_bounds, school_year_of
from programmes.models import (
    Audience,
    EnrolmentMode,
    Field,
    Kind,
    Mediator,
    Partner,
    PartnerKind,
    Programme,
    ProgrammeStatus,
    Venue,
)
from sessions.models import Schedule, ScheduleKind, Weekday
from sessions.services import schedule_apply

from .adults import load_adults_demo
from .attendance import load_attendance_demo
from .households import load_households_demo
from .safety import load_safety_demo

DEMO_PASSWORD = "demo-mediation-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str


DEMO_ACCOUNTS = [
    DemoAccount("coordination", "Claire", "Morel", Role.COORDINATOR),
    DemoAccount("mediatrice.sante", "Amina", "Benali", Role.MEDIATOR),
    DemoAccount("mediatrice.educ", "Sophie", "Lambert", Role.MEDIATOR),
    DemoAccount("mediateur.habitat", "Karim", "Diallo", Role.MEDIATOR),
    DemoAccount("partenaire.centre", "Julie", "Martin", Role.PARTNER),
    DemoAccount("famille.durand", "Nadia", "Durand", Role.FAMILY),
]
MEDIATOR_FIELDS = {
    "mediatrice.sante": Field.HEALTH_PREVENTION,
    "mediatrice.educ": Field.SOCIO_EDUCATIONAL,
    "mediateur.habitat": Field.HOUSING,
}

PARTNERS = [
    ("Centre social Germaine Tillion", PartnerKind.SOCIAL_CENTRE),
    ("Point Information Jeunesse", PartnerKind.YOUTH_INFORMATION),
    ("Kremlin-Bicêtre Habitat", PartnerKind.SOCIAL_LANDLORD),
    ("Association Lire et Grandir", PartnerKind.ASSOCIATION),
    ("Collège Jean Perrin", PartnerKind.SCHOOL),
    ("Pôle Actions Sociales Municipales", PartnerKind.MUNICIPAL_SERVICE),
]

VENUES = [
    (
        "Centre social Germaine Tillion",
        "12 rue de la Convention, 94270 Le Kremlin-Bicêtre",
        "Schuman – Bergonié",
        True,
        "Plain-pied, accessible en fauteuil.",
    ),
    (
        "Point Information Jeunesse",
        "3 avenue Charles Gide, 94270 Le Kremlin-Bicêtre",
        "Centre-ville",
        False,
        "Ascenseur au fond du hall.",
    ),
    (
        "Salle polyvalente des Martinets",
        "45 rue Pierre Brossolette, 94270 Le Kremlin-Bicêtre",
        "Les Martinets",
        True,
        "Accès par la cour, rampe à gauche.",
    ),
    ("Collège Jean Perrin", "2 rue Pasteur, 94270 Le Kremlin-Bicêtre", "Centre-ville", False, ""),
]


def term_dates(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """When the demo's weekly programmes run: the school year's first day to the end of June,
    when classes stop (the school year itself runs to 31 August)."""
    first_day, last_day = school_year_bounds(school_year_of(today))
    return first_day, datetime.date(last_day.year, 6, 30)


@transaction.atomic
def load_demo_data(today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    users = _load_accounts()
    partners = {
        name: Partner.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in PARTNERS
    }
    partners["Centre social Germaine Tillion"].members.add(users["partenaire.centre"])
    venues = {
        name: Venue.objects.get_or_create(
            name=name,
            defaults={
                "address": address,
                "neighbourhood": neighbourhood,
                "in_qpv": in_qpv,
                "accessibility_notes": notes,
            },
        )[0]
        for name, address, neighbourhood, in_qpv, notes in VENUES
    }
    mediators = {
        username: Mediator.objects.get_or_create(user=users[username], defaults={"field": field})[0]
        for username, field in MEDIATOR_FIELDS.items()
    }
    created_sessions = 0
    for spec in _programme_specs(today):
        programme, _created = Programme.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                key: value
                for key, value in spec.items()
                if key not in {"slug", "venue", "mediators", "partners", "schedules"}
            }
            | {"venue": venues[spec["venue"]], "status": ProgrammeStatus.PUBLISHED},
        )
        programme.mediators.add(*(mediators[name] for name in spec["mediators"]))
        programme.partners.add(*(partners[name] for name in spec["partners"]))
        for schedule_fields in spec["schedules"]:
            schedule, _created = Schedule.objects.get_or_create(
                programme=programme,
                kind=schedule_fields["kind"],
                start_date=schedule_fields.get("start_date"),
                defaults=schedule_fields,
            )
            schedule.facilitators.add(*(mediators[name] for name in spec["mediators"]))
            created_sessions += len(schedule_apply(schedule=schedule).created)
    load_attendance_demo(today)
    load_households_demo(today)
    load_safety_demo(today)
    load_adults_demo(today)
    load_allocation_demo(today)
    return {"programmes": Programme.objects.count(), "sessions_created": created_sessions}


def _load_accounts() -> dict:
    User = get_user_model()
    users = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        group, _created = Group.objects.get_or_create(name=account.role)
        user.groups.add(group)
        if account.role == Role.COORDINATOR and not user.is_staff:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        users[account.username] = user
    return users


def _programme_specs(today: datetime.date) -> list[dict]:
    term_start, term_end = term_dates(today)
    _first_day, year_end = school_year_bounds(school_year_of(today))
    t = datetime.time
    return [
        {
            "slug": "parcours-famille-parents-ecole",
            "title": "Parcours famille : parents et école",
            "description": "Un cycle de rencontres pour les parents et leurs enfants : "
            "le lien avec l'école, l'autorité parentale, les écrans.",
            "what_to_bring": "Le carnet de correspondance de l'enfant.",
            "kind": Kind.FAMILY_COURSE,
            "field": Field.SOCIO_EDUCATIONAL,
            "audience": Audience.PARENT_AND_CHILD,
            "min_age": 6,
            "max_age": 14,
            "enrolment_mode": EnrolmentMode.WHOLE_CYCLE,
            "capacity": 12,
            "safety_sheet_parts": ["health", "collection"],
            "reminder_offsets": ["2d", "2h"],
            "venue": "Centre social Germaine Tillion",
            "mediators": ["mediatrice.educ"],
            "partners": ["Centre social Germaine Tillion"],
            "schedules": [
                {
                    "kind": ScheduleKind.WEEKLY,
                    "weekdays": [Weekday.WEDNESDAY],
                    "start_date": term_start,
                    "end_date": term_end,
                    "start_time": t(14),
                    "end_time": t(16),
                }
            ],
        },
        {
            "slug": "parcours-famille-ados",
            "title": "Parcours famille : vivre avec un adolescent",
            "description": "Des soirées d'échange entre parents d'adolescents, avec une "
            "psychologue de l'association.",
            "kind": Kind.FAMILY_COURSE,
            "field": Field.SOCIO_EDUCATIONAL,
            "audience": Audience.PARENTS,
            "min_age": 18,
            "max_age": None,
            "enrolment_mode": EnrolmentMode.WHOLE_CYCLE,
            "capacity": 15,
            "reminder_offsets": ["2d", "2h"],
            "venue": "Salle polyvalente des Martinets",
            "mediators": ["mediatrice.educ"],
            "partners": ["Association Lire et Grandir"],
            "schedules": [
                {
                    "kind": ScheduleKind.WEEKLY,
                    "weekdays": [Weekday.TUESDAY],
                    "start_date": term_start,
                    "end_date": term_end,
                    "start_time": t(18, 30),
                    "end_time": t(20),
                }
            ],
        },
        {
            "slug": "vacances-hiver-sport-et-culture",
            "title": "Vacances d'hiver : sport et culture",
            "description": "Chaque matin des vacances d'hiver : sortie, atelier ou sport.",
            "what_to_bring": "Une tenue de sport et une gourde.",
            "kind": Kind.HOLIDAY_ACTIVITY,
            "field": Field.SOCIO_EDUCATIONAL,
            "audience": Audience.CHILDREN,
            "min_age": 6,
            "max_age": 11,
            "enrolment_mode": EnrolmentMode.PER_SESSION,
            "capacity": 16,
            "reminder_offsets": ["1d"],
            # Outings with children: the whole safety sheet before the first morning.
            "safety_sheet_parts": ["health", "emergency_contacts", "collection", "image_rights"],
            "venue": "Centre social Germaine Tillion",
            "mediators": ["mediatrice.educ"],
            "partners": ["Centre social Germaine Tillion", "Point Information Jeunesse"],
            "schedules": [
                {
                    "kind": ScheduleKind.HOLIDAY_WEEKDAYS,
                    "start_date": datetime.date(term_start.year + 1, 2, 1),
                    "end_date": datetime.date(term_start.year + 1, 3, 15),
                    "start_time": t(10),
                    "end_time": t(12),
                }
            ],
        },
        {
            "slug": "vacances-printemps-citoyennete",
            "title": "Vacances de printemps : jeunes citoyens",
            "description": "Visites, jeux de rôle et rencontres avec les services de la ville.",
            "kind": Kind.HOLIDAY_ACTIVITY,
            "field": Field.HOUSING,
            "audience": Audience.TEENAGERS,
            "min_age": 11,
            "max_age": 15,
            "enrolment_mode": EnrolmentMode.PER_SESSION,
            "capacity": 12,
            "reminder_offsets": ["1d"],
            "venue": "Point Information Jeunesse",
            "mediators": ["mediateur.habitat"],
            "partners": ["Point Information Jeunesse", "Kremlin-Bicêtre Habitat"],
            "schedules": [
                {
                    "kind": ScheduleKind.HOLIDAY_WEEKDAYS,
                    "start_date": datetime.date(term_start.year + 1, 4, 1),
                    "end_date": datetime.date(term_start.year + 1, 5, 10),
                    "start_time": t(14),
                    "end_time": t(17),
                }
            ],
        },
        {
            "slug": "remobilisation-college",
            "title": "Remobilisation scolaire : reprendre pied",
            "description": "Pour les collégiens en décrochage, orientés par le collège ou le "
            "CDDF : méthode, projet, estime de soi.",
            "kind": Kind.REMOBILISATION,
            "field": Field.SOCIO_EDUCATIONAL,
            "audience": Audience.TEENAGERS,
            "min_age": 11,
            "max_age": 16,
            "enrolment_mode": EnrolmentMode.WHOLE_CYCLE,
            "capacity": 8,
            "waitlist_enabled": True,
            "reminder_offsets": ["1d", "2h"],
            "venue": "Collège Jean Perrin",
            "mediators": ["mediatrice.educ"],
            "partners": ["Collège Jean Perrin"],
            "schedules": [
                {
                    "kind": ScheduleKind.WEEKLY,
                    "weekdays": [Weekday.MONDAY, Weekday.THURSDAY],
                    "start_date": term_start,
                    "end_date": term_end,
                    "start_time": t(16, 30),
                    "end_time": t(18),
                }
            ],
        },
        {
            "slug": "remobilisation-lycee-pij",
            "title": "Remobilisation : projet et orientation",
            "description": "Un cycle au PIJ pour les 15–18 ans sans solution scolaire.",
            "kind": Kind.REMOBILISATION,
            "field": Field.SOCIO_EDUCATIONAL,
            "audience": Audience.TEENAGERS,
            "min_age": 15,
            "max_age": 18,
            "enrolment_mode": EnrolmentMode.WHOLE_CYCLE,
            "capacity": 10,
            "reminder_offsets": ["2d", "2h"],
            "venue": "Point Information Jeunesse",
            "mediators": ["mediatrice.educ"],
            "partners": ["Point Information Jeunesse"],
            "schedules": [
                {
                    "kind": ScheduleKind.WEEKLY,
                    "weekdays": [Weekday.FRIDAY],
                    "start_date": term_start,
                    "end_date": term_end,
                    "start_time": t(10),
                    "end_time": t(12),
                }
            ],
        },
        {
            "slug": "sante-des-femmes",
            "title": "Santé des femmes : parlons-en",
            "description": "Ateliers de prévention avec une sage-femme : dépistages, "
            "contraception, bien-être.",
            "kind": Kind.HEALTH_PREVENTION,
            "field": Field.HEALTH_PREVENTION,
            "audience": Audience.WOMEN,
            "min_age": 18,
            "max_age": None,
            "enrolment_mode": EnrolmentMode.PER_SESSION,
            "capacity": 15,
            "reminder_offsets": ["2d", "2h"],
            "venue": "Salle polyvalente des Martinets",
            "mediators": ["mediatrice.sante"],
            "partners": ["Pôle Actions Sociales Municipales"],
            "schedules": [
                {
                    "kind": ScheduleKind.WEEKLY,
                    "weekdays": [Weekday.THURSDAY],
                    "start_date": term_start,
                    "end_date": year_end,
                    "start_time": t(9, 30),
                    "end_time": t(11, 30),
                }
            ],
        },
        {
            "slug": "sante-des-jeunes-ecrans-sommeil",
            "title": "Santé des jeunes : écrans et sommeil",
            "description": "Un atelier par mois au PIJ pour les 12–17 ans.",
            "kind": Kind.HEALTH_PREVENTION,
            "field": Field.HEALTH_PREVENTION,
            "audience": Audience.TEENAGERS,
            "min_age": 12,
            "max_age": 17,
            "enrolment_mode": EnrolmentMode.PER_SESSION,
            "capacity": 20,
            "reminder_offsets": ["2d", "2h"],
            "venue": "Point Information Jeunesse",
            "mediators": ["mediatrice.sante"],
            "partners": ["Point Information Jeunesse"],
            "schedules": [
                {
                    "kind": ScheduleKind.DATE_LIST,
                    "dates": [
                        datetime.date(term_start.year, 12, 9).isoformat(),
                        datetime.date(term_start.year + 1, 1, 13).isoformat(),
                        datetime.date(term_start.year + 1, 3, 10).isoformat(),
                        datetime.date(term_start.year + 1, 5, 19).isoformat(),
                    ],
                    "skip_school_holidays": False,
                    "start_time": t(17),
                    "end_time": t(18, 30),
                }
            ],
        },
        {
            "slug": "seniors-bien-chez-soi",
            "title": "Seniors : bien chez soi",
            "description": "Prévention des chutes et des arnaques, avec le bailleur social.",
            "kind": Kind.HEALTH_PREVENTION,
            "field": Field.HOUSING,
            "audience": Audience.SENIORS,
            "min_age": 60,
            "max_age": None,
            "enrolment_mode": EnrolmentMode.PER_SESSION,
            "capacity": 15,
            "reminder_offsets": ["2d"],
            "venue": "Salle polyvalente des Martinets",
            "mediators": ["mediateur.habitat", "mediatrice.sante"],
            "partners": ["Kremlin-Bicêtre Habitat"],
            "schedules": [
                {
                    "kind": ScheduleKind.WEEKLY,
                    "weekdays": [Weekday.MONDAY],
                    "start_date": term_start,
                    "end_date": term_end,
                    "start_time": t(14, 30),
                    "end_time": t(16),
                }
            ],
        },
    ]
