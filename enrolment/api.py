"""API of households, participants, enrolments, referrals and waiting lists.

Every lookup goes through enrolment.access, so another household's id answers 404, never data.
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.audit import audit_staff_read
from accounts.auth import session_or_token
from accounts.roles import is_staff_member
from core.reads import personal_read
from core.text import SearchText
from programmes.selectors import programme_list_published
from sessions.selectors import session_list

from . import selectors, services
from .access import can_manage_programme, can_write_households, enrolments_visible_to, partner_of
from .errors import EnrolmentError
from .models import EnrolmentSource, EnrolmentStatus, FilledAs, Household, Participant
from .schemas import (
    DatesIn,
    DatesOut,
    DbId,
    EnrolmentFilters,
    EnrolmentIn,
    EnrolmentOut,
    GuardianIn,
    GuardianOut,
    GuardianPatchIn,
    GuardianUpdateIn,
    HouseholdIn,
    HouseholdOut,
    MemberOut,
    ParticipantIn,
    ParticipantOut,
    ReferralIn,
    SafetySheetIn,
    SafetySheetOut,
    WaitlistEntryOut,
    safety_sheet_out,
)
from .selectors.spaces import enrolment_members

households = Router(auth=session_or_token)
participants = Router(auth=session_or_token)
enrolments = Router(auth=session_or_token)
referrals = Router(auth=session_or_token)
programme_waitlists = Router(auth=session_or_token)


def _require_household_writer(user) -> None:
    if not can_write_households(user):
        raise HttpError(403, _("Your account cannot change households."))


def _session_or_none(session_id: int | None):
    if session_id is None:
        return None
    return get_object_or_404(session_list(), pk=session_id)


# --- Households -------------------------------------------------------------------------------


@households.get("", response=list[HouseholdOut], summary="Households you may see")
@paginate
def list_households(request: HttpRequest, search: SearchText = ""):
    return selectors.household_list(user=request.auth, search=search)


@households.post("", response={201: HouseholdOut}, summary="Register a household")
def create_household(request: HttpRequest, payload: HouseholdIn):
    _require_household_writer(request.auth)
    household = services.household_register(
        created_by=request.auth,
        link_account=not is_staff_member(request.auth),
        **payload.dict(),
    )
    return Status(201, selectors.household_detail(user=request.auth, pk=household.pk))


@households.get("/{int:household_id}", response=HouseholdOut, summary="One household")
def get_household(request: HttpRequest, household_id: DbId):
    household = get_object_or_404(selectors.household_list(user=request.auth), pk=household_id)
    audit_staff_read(request, target=household, summary="API")
    return household


@households.post(
    "/{int:household_id}/guardians", response={201: GuardianOut}, summary="Add a guardian"
)
def add_guardian(request: HttpRequest, household_id: DbId, payload: GuardianIn):
    _require_household_writer(request.auth)
    household = get_object_or_404(selectors.household_list(user=request.auth), pk=household_id)
    return Status(201, services.guardian_create(household=household, **payload.dict()))


@households.put(
    "/{int:household_id}/guardians/{int:guardian_id}",
    response=GuardianOut,
    summary="Change a guardian",
)
def update_guardian(
    request: HttpRequest, household_id: DbId, guardian_id: DbId, payload: GuardianUpdateIn
):
    _require_household_writer(request.auth)
    guardian = get_object_or_404(
        selectors.guardian_list(user=request.auth, household_id=household_id), pk=guardian_id
    )
    return services.guardian_update(guardian=guardian, **payload.dict())


@households.patch(
    "/{int:household_id}/guardians/{int:guardian_id}",
    response=GuardianOut,
    summary="Change some fields of a guardian (the others are kept)",
)
def patch_guardian(
    request: HttpRequest, household_id: DbId, guardian_id: DbId, payload: GuardianPatchIn
):
    _require_household_writer(request.auth)
    guardian = get_object_or_404(
        selectors.guardian_list(user=request.auth, household_id=household_id), pk=guardian_id
    )
    return services.guardian_change(guardian=guardian, changes=payload.dict(exclude_unset=True))


# --- Participants -----------------------------------------------------------------------------


@participants.get("", response=list[ParticipantOut], summary="Participants you may see")
@paginate
def list_participants(request: HttpRequest, household: DbId | None = None):
    return selectors.participant_list(user=request.auth, household_id=household)


@participants.post("", response={201: ParticipantOut}, summary="Add a participant")
def create_participant(request: HttpRequest, payload: ParticipantIn):
    _require_household_writer(request.auth)
    fields = payload.dict()
    household = get_object_or_404(
        selectors.household_list(user=request.auth), pk=fields.pop("household_id")
    )
    return Status(201, services.participant_create(household=household, **fields))


@participants.get("/{int:participant_id}", response=ParticipantOut, summary="One participant")
def get_participant(request: HttpRequest, participant_id: DbId):
    participant = get_object_or_404(
        selectors.participant_list(user=request.auth), pk=participant_id
    )
    audit_staff_read(request, target=participant, summary="API")
    return participant


# --- Safety sheets ---------------------------------------------------------------------------


def _sheet_participant(request: HttpRequest, participant_id: int):
    try:
        return selectors.safety_sheet_participant(user=request.auth, participant_id=participant_id)
    except Participant.DoesNotExist:
        raise Http404 from None


@participants.get(
    "/{int:participant_id}/safety-sheet",
    response=SafetySheetOut,
    summary="The current safety sheet (the family, the child's mediators and "
    "facilitators, coordinators)",
)
def get_safety_sheet(request: HttpRequest, participant_id: DbId):
    participant = _sheet_participant(request, participant_id)
    sheet = services.current_sheet(participant)
    if sheet is None:
        raise HttpError(404, _("No safety sheet has been filled for this participant yet."))
    audit_staff_read(request, target=sheet, summary="API safety sheet")
    return safety_sheet_out(sheet)


@participants.put(
    "/{int:participant_id}/safety-sheet",
    response=SafetySheetOut,
    summary="Fill the safety sheet again (a new version)",
)
def put_safety_sheet(request: HttpRequest, participant_id: DbId, payload: SafetySheetIn):
    participant = _sheet_participant(request, participant_id)
    rights = payload.image_rights
    sheet = services.safety_sheet_save(
        participant=participant,
        filled_by=request.auth,
        filled_as=FilledAs.MEDIATOR if is_staff_member(request.auth) else FilledAs.GUARDIAN,
        sheet=services.SheetInput(
            health=services.HealthInput(**payload.health.dict()) if payload.health else None,
            emergency_contacts=[services.Person(**p.dict()) for p in payload.emergency_contacts],
            authorised_people=[services.Person(**p.dict()) for p in payload.authorised_people],
            may_leave_alone=payload.may_leave_alone,
            leave_alone_signed_on=payload.leave_alone_signed_on,
            image_rights=services.ImageRights(**rights.dict()) if rights else None,
        ),
    )
    return safety_sheet_out(sheet)


# --- Enrolments -------------------------------------------------------------------------------


@enrolments.get("", response=list[EnrolmentOut], summary="Enrolments you may see")
@paginate
def list_enrolments(request: HttpRequest, filters: Query[EnrolmentFilters]):
    return selectors.enrolment_list(
        user=request.auth,
        status=filters.status,
        programme_id=filters.programme,
        household_id=filters.household,
    )


@enrolments.post(
    "",
    response={201: EnrolmentOut},
    summary="Enrol a participant: confirmed, or waitlisted with a position",
)
def create_enrolment(request: HttpRequest, payload: EnrolmentIn):
    _require_household_writer(request.auth)
    participant = get_object_or_404(
        selectors.participant_list(user=request.auth), pk=payload.participant_id
    )
    programme = get_object_or_404(programme_list_published(), pk=payload.programme_id)
    enrolment = services.enrolment_create(
        participant=participant,
        programme=programme,
        session=_session_or_none(payload.session_id),
        source=services.enrolment_source_for(request.auth),
        created_by=request.auth,
        note=payload.note,
    )
    return Status(201, enrolment)


@enrolments.get("/{int:enrolment_id}", response=EnrolmentOut, summary="One enrolment")
def get_enrolment(request: HttpRequest, enrolment_id: DbId):
    enrolment = get_object_or_404(selectors.enrolment_list(user=request.auth), pk=enrolment_id)
    audit_staff_read(request, target=enrolment, summary="API")
    return enrolment


@enrolments.post(
    "/{int:enrolment_id}/cancel",
    response=EnrolmentOut,
    summary="Cancel: the first on the waiting list takes the place",
)
def cancel_enrolment(request: HttpRequest, enrolment_id: DbId):
    enrolment = get_object_or_404(enrolments_visible_to(request.auth), pk=enrolment_id)
    if not can_write_households(request.auth) and enrolment.status != EnrolmentStatus.PROPOSED:
        raise HttpError(403, _("A partner can only withdraw a referral not yet accepted."))
    services.enrolment_cancel(enrolment=enrolment, cancelled_by=request.auth)
    return selectors.enrolment_list(user=request.auth).get(pk=enrolment.pk)


@enrolments.post(
    "/dates", response=DatesOut, summary="Book several dates at once: an answer per date"
)
def book_dates(request: HttpRequest, payload: DatesIn):
    """Each date is all or nothing on its own: ``confirmed``, ``waitlisted`` with its
    ``position``, or ``refused`` with the ``reason``; one refused date does not undo the others.
    A request the whole of which is wrong (unknown person, programme or date) answers 4xx and
    books nothing."""
    _require_household_writer(request.auth)
    programme = get_object_or_404(programme_list_published(), pk=payload.programme_id)
    sessions = selectors.programme_sessions_chosen(
        programme=programme, session_ids=payload.session_ids
    )
    participant = _participant_or_guardian(
        request,
        participant_id=payload.participant_id,
        guardian_id=payload.guardian_id,
        birth_date=payload.birth_date,
    )
    answers = services.enrolment_create_many(
        participant=participant,
        programme=programme,
        sessions=sessions,
        source=services.enrolment_source_for(request.auth),
        created_by=request.auth,
        note=payload.note,
    )
    return {
        "answers": [
            {
                "session_id": answer.session.pk,
                "status": answer.enrolment.status if answer.enrolment else "refused",
                "position": answer.enrolment.waitlist_position if answer.enrolment else None,
                "reason": answer.refusal,
                "enrolment_id": answer.enrolment.pk if answer.enrolment else None,
            }
            for answer in answers
        ]
    }


def _participant_or_guardian(
    request: HttpRequest, *, participant_id: int | None, guardian_id: int | None, birth_date
):
    if (participant_id is None) == (guardian_id is None):
        raise EnrolmentError(
            _("Give either participant_id or guardian_id."), field="participant_id"
        )
    if participant_id is not None:
        return get_object_or_404(selectors.participant_list(user=request.auth), pk=participant_id)
    guardian = get_object_or_404(selectors.guardians_visible(user=request.auth), pk=guardian_id)
    return services.member_participant(
        household=guardian.household, key=f"g-{guardian.pk}", birth_date=birth_date
    )


@programme_waitlists.get(
    "/{int:programme_id}/members",
    response=list[MemberOut],
    summary="Who in a household may take part, and why not",
)
def programme_members(request: HttpRequest, programme_id: DbId, household: DbId | None = None):
    programme = get_object_or_404(programme_list_published(), pk=programme_id)
    if household is None:
        own = selectors.household_of_user(user=request.auth)
        if own is None:
            # No household of one's own to look at: nothing found (as the schema documents).
            raise EnrolmentError(_("Give the household."), field="household", status=404)
        household = own.pk
    try:
        found = selectors.household_detail(user=request.auth, pk=household)
    except Household.DoesNotExist as exc:
        raise HttpError(404, _("Not found.")) from exc
    return enrolment_members(
        household=found,
        programme=programme,
        day=services.eligibility_date(programme=programme, session=None),
    )


# --- Referrals --------------------------------------------------------------------------------


@referrals.get("", response=list[EnrolmentOut], summary="Referrals you may see")
@paginate
def list_referrals(request: HttpRequest, status: EnrolmentStatus | None = None):
    return selectors.enrolment_list(
        user=request.auth, status=status, source=EnrolmentSource.PARTNER_REFERRAL
    )


@referrals.post(
    "",
    response={201: EnrolmentOut},
    summary="A partner refers a participant (known, or a new family)",
)
def create_referral(request: HttpRequest, payload: ReferralIn):
    partner = partner_of(request.auth)
    if partner is None:
        raise HttpError(403, _("Only partner organisations refer participants."))
    programme = get_object_or_404(programme_list_published(), pk=payload.programme_id)
    session = _session_or_none(payload.session_id)
    if payload.participant_id is not None:
        participant = get_object_or_404(
            selectors.participant_list(user=request.auth), pk=payload.participant_id
        )
        referral = services.referral_create(
            participant=participant,
            programme=programme,
            session=session,
            partner=partner,
            created_by=request.auth,
            note=payload.note,
        )
    elif payload.participant is not None and payload.guardian is not None:
        referral = services.referral_register(
            partner=partner,
            created_by=request.auth,
            programme=programme,
            session=session,
            guardian=payload.guardian.dict(),
            child=payload.participant.dict(),
            note=payload.note,
        )
    else:
        raise services.EnrolmentError(
            _("Give a known participant, or the new participant and their guardian."),
            field="participant_id",
        )
    return Status(201, selectors.enrolment_list(user=request.auth).get(pk=referral.pk))


@referrals.post(
    "/{int:enrolment_id}/accept",
    response=EnrolmentOut,
    summary="Accept a referral (the family, or a mediator on its behalf)",
)
def accept_referral(request: HttpRequest, enrolment_id: DbId):
    _require_household_writer(request.auth)
    referral = get_object_or_404(
        selectors.enrolment_list(user=request.auth, source=EnrolmentSource.PARTNER_REFERRAL),
        pk=enrolment_id,
    )
    services.referral_accept(enrolment=referral, accepted_by=request.auth)
    return selectors.enrolment_list(user=request.auth).get(pk=referral.pk)


# --- Waiting lists ----------------------------------------------------------------------------


@programme_waitlists.get(
    "/{int:programme_id}/waitlist",
    response=list[WaitlistEntryOut],
    summary="A programme's waiting list, in order (staff)",
)
def programme_waitlist(request: HttpRequest, programme_id: DbId, session: DbId | None = None):
    programme = get_object_or_404(programme_list_published(), pk=programme_id)
    if not can_manage_programme(request.auth, programme):
        raise HttpError(
            403, _("Only the programme's mediators and coordinators see its waiting list.")
        )
    waiting = list(selectors.programme_waitlist(programme=programme, session_id=session))
    personal_read(request, waiting, summary="API waiting list")
    return waiting
