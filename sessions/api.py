from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from accounts.auth import session_or_token
from accounts.roles import Role, has_role
from core.pagination import BoundedLimitOffsetPagination
from core.schema_types import DbId

from .schemas import SessionCancelIn, SessionFilters, SessionOut
from .selectors import session_list, with_places_left
from .services import session_cancel

router = Router()


class SessionPagination(BoundedLimitOffsetPagination):
    """Limit/offset pagination that fills in places left for the page in one query."""

    def paginate_queryset(self, queryset, pagination, **params):
        page = super().paginate_queryset(queryset, pagination, **params)
        page["items"] = with_places_left(list(page["items"]))
        return page


@router.get("", response=list[SessionOut], summary="Sessions of published programmes")
@paginate(SessionPagination)
def list_sessions(request: HttpRequest, filters: Query[SessionFilters]):
    """Sessions from `start` to `end` (both days included). `end` must not be before `start`
    (a rule between two parameters, which the schema cannot state): 422 naming `end`."""
    return session_list(
        programme_id=filters.programme,
        start=filters.start,
        end=filters.end,
        kind=filters.kind,
        venue_id=filters.venue,
    )


@router.get("/{int:session_id}", response=SessionOut, summary="One session")
def get_session(request: HttpRequest, session_id: DbId):
    session = get_object_or_404(session_list(), pk=session_id)
    return with_places_left([session])[0]


@router.post(
    "/{int:session_id}/cancel",
    response=SessionOut,
    auth=session_or_token,
    summary="Cancel a session (coordinators)",
)
def cancel_session(request: HttpRequest, session_id: DbId, payload: SessionCancelIn):
    if not has_role(request.auth, Role.COORDINATOR, Role.ADMINISTRATOR):
        raise HttpError(403, _("Only coordinators can cancel sessions."))
    session = get_object_or_404(session_list(published_only=False), pk=session_id)
    session = session_cancel(
        session=session,
        reason=payload.reason,
        reason_code=payload.reason_code or "",
        changed_by=request.auth,
    )
    return with_places_left([session])[0]
