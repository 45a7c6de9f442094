from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from accounts.access import require_staff
from accounts.auth import session_or_token
from core.pagination import BoundedLimitOffsetPagination
from core.schema_types import DbId

from .schemas import MessageFilters, MessageOut
from .selectors import message_list, messages_visible_to
from .services import message_retry

router = Router(auth=session_or_token)


@router.get("", response=list[MessageOut], summary="Messages sent or to send (staff)")
@paginate(BoundedLimitOffsetPagination)
def list_messages(request: HttpRequest, filters: Query[MessageFilters]):
    require_staff(request.auth)
    return message_list(
        user=request.auth,
        session_id=filters.session,
        household_id=filters.household,
        state=filters.state,
        channel=filters.channel,
        kind=filters.kind,
        since=filters.since,
        until=filters.until,
    )


@router.post(
    "/{int:message_id}/retry", response=MessageOut, summary="Send a failed message again (staff)"
)
def retry_message(request: HttpRequest, message_id: DbId):
    require_staff(request.auth)
    message = get_object_or_404(messages_visible_to(request.auth), pk=message_id)
    return message_retry(message=message, retried_by=request.auth)
