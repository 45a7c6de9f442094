"""API of registers and follow-ups: the same rights as the pages.

``PUT /sessions/{id}/attendance`` takes a batch of marks, as a phone sends the marks it queued
while offline: all or nothing, and idempotent by each mark's ``client_id``.
"""

from typing import Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.auth import session_or_token
from core.pagination import BoundedLimitOffsetPagination
from core.reads import personal_read
from core.schema_types import DbId
from sessions.selectors import session_list

from .schemas import (
    AttendanceBatchIn,
    FollowUpCloseIn,
    FollowUpOut,
    MarkResultOut,
    OutreachIn,
    OutreachOut,
    ProgrammeFiguresOut,
    RegisterOut,
    figures_out,
    register_out,
)
from .selectors import (
    can_take_attendance,
    follow_up_list,
    participants_named_in,
    programme_figures,
    programmes_with_figures_for,
    register_get,
)
from .services import (
    CheckOutInput,
    MarkInput,
    SheetOpening,
    WalkInInput,
    attendance_batch_apply,
    follow_up_close,
    outreach_record,
)

sessions_router = Router(auth=session_or_token)
follow_ups_router = Router(auth=session_or_token)
figures_router = Router(auth=session_or_token)
outreach_router = Router(auth=session_or_token)


def _register_session(request: HttpRequest, session_id: DbId):
    session = get_object_or_404(session_list(published_only=False), pk=session_id)
    if not can_take_attendance(request.auth, session):
        raise HttpError(
            403,
            _(
                "Only the session's facilitators, the programme's mediators and "
                "coordinators can see its register."
            ),
        )
    return session


@sessions_router.get(
    "/{int:session_id}/attendance", response=RegisterOut, summary="The register of a session"
)
def get_register(request: HttpRequest, session_id: DbId):
    session = _register_session(request, session_id)
    register = register_get(session=session, user=request.auth)
    personal_read(
        request, [row.participant for row in register.rows], summary=gettext_noop("API register")
    )
    return register_out(register)


@sessions_router.put(
    "/{int:session_id}/attendance",
    response=MarkResultOut,
    summary="Send marks and check-outs (all or nothing; idempotent by client_id)",
)
def put_register(request: HttpRequest, session_id: DbId, payload: AttendanceBatchIn):
    session = _register_session(request, session_id)
    result = attendance_batch_apply(
        session=session,
        marked_by=request.auth,
        marks=[MarkInput(**mark.dict()) for mark in payload.marks],
        check_outs=[CheckOutInput(**item.dict()) for item in payload.check_outs],
        openings=[SheetOpening(**item.dict()) for item in payload.openings],
        walk_ins=[WalkInInput(**item.dict()) for item in payload.walk_ins],
    )
    return {
        "applied": result.applied,
        "ignored": result.ignored,
        "check_outs_applied": result.check_outs_applied,
        "check_outs_ignored": result.check_outs_ignored,
        "follow_ups_opened": [follow_up.pk for follow_up in result.follow_ups],
        "walk_ins": [
            {
                "client_id": item.client_id,
                "participant_id": item.participant.pk,
                "created": item.created,
            }
            for item in result.walk_ins
        ],
        "state": register_out(register_get(session=session, user=request.auth)),
    }


@follow_ups_router.get("", response=list[FollowUpOut], summary="Follow-ups of absences")
@paginate(BoundedLimitOffsetPagination)
def list_follow_ups(request: HttpRequest, status: Literal["open", "closed", ""] = "open"):
    """``status`` empty: open and closed alike. Paginated like every list; the page shown is
    recorded as read by the pagination."""
    return follow_up_list(user=request.auth, status=status or None)


@follow_ups_router.post(
    "/{int:follow_up_id}/close",
    response=FollowUpOut,
    summary="Record the outcome and close a follow-up",
)
def close_follow_up(request: HttpRequest, follow_up_id: DbId, payload: FollowUpCloseIn):
    follow_up = get_object_or_404(follow_up_list(user=request.auth, status=None), pk=follow_up_id)
    follow_up_close(
        follow_up=follow_up, outcome=payload.outcome, note=payload.note, closed_by=request.auth
    )
    return get_object_or_404(follow_up_list(user=request.auth, status=None), pk=follow_up_id)


@figures_router.get(
    "/{int:programme_id}/attendance",
    response=ProgrammeFiguresOut,
    summary="Attendance rates of a programme, per session and participant",
)
def get_programme_figures(request: HttpRequest, programme_id: DbId):
    programme = get_object_or_404(programmes_with_figures_for(request.auth), pk=programme_id)
    figures = programme_figures(programme=programme)
    personal_read(
        request, participants_named_in(figures), summary=gettext_noop("API attendance rates")
    )
    return figures_out(figures)


@outreach_router.post("", response={201: OutreachOut}, summary="Record an outreach contact")
def post_outreach(request: HttpRequest, payload: OutreachIn):
    """Idempotent by ``client_id``: a phone sends again what it recorded offline."""
    contact = outreach_record(
        client_id=payload.client_id,
        recorded_by=request.auth,
        day=payload.day,
        place=payload.place,
        neighbourhood=payload.neighbourhood,
        in_qpv=payload.in_qpv,
        theme=payload.theme,
        referral=payload.referral,
        counts={(item.age_band, item.sex): item.count for item in payload.counts},
    )
    return Status(
        201,
        {
            "id": contact.pk,
            "client_id": contact.client_id,
            "day": contact.day,
            "people": sum(item.count for item in payload.counts),
        },
    )
