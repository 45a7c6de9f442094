"""Staff pages for data-protection requests: export, erasure, retention."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.roles import can_handle_data_requests
from households.access import households_visible_to
from households.models import Household

from .forms import ErasureConfirmForm
from .selectors import erasure_for_household, recent_erasures, upcoming_anonymisations
from .services import PrivacyError, household_erase, household_export


def _household_for(request: HttpRequest, pk: int) -> Household:
    if not can_handle_data_requests(request.user):
        raise PermissionDenied
    try:
        return households_visible_to(request.user).get(pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


@never_cache
@login_required
def export_page(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for(request, pk)
    data = household_export(household=household, exported_by=request.user, request=request)
    return render(request, "privacy/export.html", {"household": household, "data": data})


@never_cache
@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for(request, pk)
    data = household_export(household=household, exported_by=request.user, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="household-{household.reference}-{timezone.localdate():%Y%m%d}.json"'
    )
    return response


@never_cache
@login_required
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for(request, pk)
    erasure = erasure_for_household(household=household)
    form = ErasureConfirmForm(request.POST or None, expected=household.reference)
    if request.method == "POST" and erasure is None and form.is_valid():
        try:
            household_erase(household=household, erased_by=request.user, request=request)
        except PrivacyError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The household's personal data has been erased."))
            return redirect("privacy:overview")
    return render(
        request, "privacy/erase.html", {"household": household, "form": form, "erasure": erasure}
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    if not can_handle_data_requests(request.user):
        raise PermissionDenied
    now = timezone.now()
    return render(
        request,
        "privacy/overview.html",
        {
            "upcoming": upcoming_anonymisations(now=now)[:200],
            "erasures": recent_erasures(),
        },
    )
