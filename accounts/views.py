"""A person's own API tokens; the audit trail for coordinators."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm, AuditFilterForm
from .models import ApiToken
from .roles import can_read_audit
from .selectors import api_token_list, audit_event_list, audit_object_types
from .services import AccountError, api_token_create, api_token_revoke


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    # The raw value is rendered in the answer to the POST itself, never stored, so it is shown
    # once; never_cache keeps it out of the browser's cache.
    form = ApiTokenForm(request.POST or None)
    new_token = raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw_token = api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": api_token_list(user=request.user),
        "new_token": new_token,
        "raw_token": raw_token,
    }
    return render(request, "accounts/tokens.html", context, status=201 if new_token else 200)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
        )
    return redirect("accounts:tokens")


AUDIT_PAGE_SIZE = 50


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_event_list(
        actor=filters.get("actor") or None,
        action=filters.get("action") or None,
        object_type=filters.get("object_type") or None,
        object_id=filters.get("object_id") or None,
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """django-axes' lock-out page, saying in words how long to wait (429 Too Many Requests)."""
    cool_off = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": max(1, int(cool_off.total_seconds() // 60)),
        },
        status=429,
    )
