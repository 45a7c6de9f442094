"""API of enrolments, referrals and waiting lists: every lookup goes through the visibility
rules (enrolment.access, households.access), so another household's id answers 404."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.audit import audit_staff_read
from accounts.auth import session_or_token
from core.ids import DbId
from core.reads import personal_read
from households import selectors as household_selectors
from households.access import can_write_households, enrolment_write_check
from households.api import require_household_writer
from households.models import Household
from programmes.selectors import programme_list_published
from sessions.selectors import session_list

from . import selectors, services
from .access import can_manage_programme, enrolments_visible_to, partner_of
from .errors import EnrolmentError
from .models import EnrolmentSource, EnrolmentStatus
from .schemas import (
    DatesIn,
    DatesOut,
    EnrolmentFilters,
    EnrolmentIn,
    EnrolmentOut,
    MemberOut,
    ReferralIn,
    WaitlistEntryOut,
)
from .selectors.spaces import enrolment_members

enrolments = Router(auth=session_or_token)
referrals = Router(auth=session_or_token)
programme_waitlists = Router(auth=session_or_token)


def _session_or_none(session_id: int | None):
    if session_id is None:
        return None
    return get_object_or_404(session_list(), pk=session_id)


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
    summary="Enrol a participant, or a guardian who takes part: confirmed, or waitlisted",
)
def create_enrolment(request: HttpRequest, payload: EnrolmentIn):
    """A guardian who is not a participant yet becomes one with ``birth_date``, kept only if
    the enrolment is made; a refusal answers 4xx naming the field, and keeps nothing."""
    require_household_writer(request.auth)
    household, key = household_selectors.member_to_book(
        user=request.auth, participant_id=payload.participant_id, guardian_id=payload.guardian_id
    )
    programme = get_object_or_404(programme_list_published(), pk=payload.programme_id)
    enrolment_write_check(request.auth, household=household, programme=programme)
    booking = services.member_book(
        household=household,
        key=key,
        birth_date=payload.birth_date,
        programme=programme,
        session=_session_or_none(payload.session_id),
        source=services.enrolment_source_for(request.auth),
        created_by=request.auth,
        note=payload.note,
    )
    return Status(201, booking.answers[0].enrolment)


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
    require_household_writer(request.auth)
    programme = get_object_or_404(programme_list_published(), pk=payload.programme_id)
    sessions = selectors.programme_sessions_chosen(
        programme=programme, session_ids=payload.session_ids
    )
    household, key = household_selectors.member_to_book(
        user=request.auth, participant_id=payload.participant_id, guardian_id=payload.guardian_id
    )
    enrolment_write_check(request.auth, household=household, programme=programme)
    answers = services.member_book(
        household=household,
        key=key,
        birth_date=payload.birth_date,
        programme=programme,
        sessions=sessions,
        source=services.enrolment_source_for(request.auth),
        created_by=request.auth,
        note=payload.note,
    ).answers
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


@programme_waitlists.get(
    "/{int:programme_id}/members",
    response=list[MemberOut],
    summary="Who in a household may take part, and why not",
)
def programme_members(request: HttpRequest, programme_id: DbId, household: DbId | None = None):
    programme = get_object_or_404(programme_list_published(), pk=programme_id)
    if household is None:
        own = household_selectors.household_of_user(user=request.auth)
        if own is None:
            # No household of one's own to look at: nothing found (as the schema documents).
            raise EnrolmentError(_("Give the household."), field="household", status=404)
        household = own.pk
    try:
        found = household_selectors.household_detail(user=request.auth, pk=household)
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
    openapi_extra={
        "responses": {
            409: {
                "description": "Already referred; or the new family's details match a family "
                "the service knows: the error names the detail that matched (`phone` or `email` "
                "of the guardian, or `birth_date`: the child's, with the guardian's last name) "
                "and nothing of that family. Send the request again with `known_family`: `use` "
                "to refer the child to that family, `new` if it is another family.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        }
    },
)
def create_referral(request: HttpRequest, payload: ReferralIn):
    partner = partner_of(request.auth)
    if partner is None:
        raise HttpError(403, _("Only partner organisations refer participants."))
    programme = get_object_or_404(programme_list_published(), pk=payload.programme_id)
    session = _session_or_none(payload.session_id)
    if payload.participant_id is not None:
        participant = get_object_or_404(
            household_selectors.participant_list(user=request.auth), pk=payload.participant_id
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
        # A family the service knows answers 409 (households.services.FamilyAlreadyKnown):
        # the detail that matched, never the candidates the page masks.
        referral = services.referral_register(
            partner=partner,
            created_by=request.auth,
            programme=programme,
            session=session,
            guardian=payload.guardian.dict(),
            child=payload.participant.dict(),
            note=payload.note,
            known_family=payload.known_family or "",
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
    require_household_writer(request.auth)
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
