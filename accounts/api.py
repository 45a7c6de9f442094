from django.http import HttpRequest
from ninja import Router

from .auth import session_or_token
from .schemas import MeOut

router = Router()


@router.get("", response=MeOut, auth=session_or_token, summary="The authenticated account")
def me(request: HttpRequest):
    return request.auth
