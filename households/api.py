"""The households API: households, guardians, participants and their safety sheets."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.audit import audit_staff_read
from accounts.auth import session_or_token
from accounts.roles import is_staff_member
from core.ids import DbId
from core.text import SearchText

from . import selectors, services
from .access import can_write_households
from .models import FilledAs, Participant
from .schemas import (
    GuardianIn,
    GuardianOut,
    GuardianPatchIn,
    GuardianUpdateIn,
    HouseholdIn,
    HouseholdOut,
    ParticipantIn,
    ParticipantOut,
    SafetySheetIn,
    SafetySheetOut,
    safety_sheet_out,
)

households = Router(auth=session_or_token)
participants = Router(auth=session_or_token)


def require_household_writer(user) -> None:
    if not can_write_households(user):
        raise HttpError(403, _("Your account cannot change households."))


# --- Households -------------------------------------------------------------------------------


@households.get("", response=list[HouseholdOut], summary="Households you may see")
@paginate
def list_households(request: HttpRequest, search: SearchText = ""):
    return selectors.household_list(user=request.auth, search=search)


@households.post("", response={201: HouseholdOut}, summary="Register a household")
def create_household(request: HttpRequest, payload: HouseholdIn):
    require_household_writer(request.auth)
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
    require_household_writer(request.auth)
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
    require_household_writer(request.auth)
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
    require_household_writer(request.auth)
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
    require_household_writer(request.auth)
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
    """Replaces the whole sheet with a new version (the previous ones are kept, superseded):
    every part is required, `null` for a part not answered yet, so that a part left out or a
    key misplaced is a 422 naming it, never an answer erased. A signature date after today
    is a 409 (it depends on the date)."""
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
