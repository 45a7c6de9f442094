"""Staff pages for data-protection requests: export, erasure, retention."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from accounts.roles import can_handle_data_requests
from core.links import Link
from households.access import households_visible_to
from households.models import Household

from .forms import ErasureConfirmForm
from .pdf import export_pdf
from .readable import export_in_words
from .selectors import erasure_for_household, recent_erasures, upcoming_anonymisations
from .services import PrivacyError, household_erase, household_export


def _household_for(request: HttpRequest, pk: int) -> Household:
    if not can_handle_data_requests(request.user):
        raise PermissionDenied
    try:
        return households_visible_to(request.user).get(pk=pk)
    except Household.DoesNotExist as exc:
        raise Http404 from exc


def household_export_links(request: HttpRequest, household: Household) -> list[Link]:
    """On the household's page, for those who handle data-protection requests."""
    if not can_handle_data_requests(request.user):
        return []
    return [
        Link(
            _("What the service holds about this household (export)"),
            reverse("privacy:export", args=[household.pk]),
        )
    ]


def _export_in_words(request: HttpRequest, pk: int) -> tuple[Household, dict]:
    household = _household_for(request, pk)
    data = household_export(household=household, exported_by=request.user, request=request)
    return household, export_in_words(data)


def _file_name(household: Household, extension: str) -> str:
    # "foyer-F-ABC123-20260901.pdf": the reference and the day, in the service's language.
    return _("household-%(reference)s-%(day)s.%(extension)s") % {
        "reference": household.reference,
        "day": f"{timezone.localdate():%Y%m%d}",
        "extension": extension,
    }


@never_cache
@login_required
def export_page(request: HttpRequest, pk: int) -> HttpResponse:
    household, words = _export_in_words(request, pk)
    return render(request, "privacy/export.html", {"household": household, "words": words})


@never_cache
@login_required
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    household, words = _export_in_words(request, pk)
    response = HttpResponse(
        json.dumps(words, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_file_name(household, "json")}"'
    return response


@never_cache
@login_required
def export_pdf_download(request: HttpRequest, pk: int) -> HttpResponse:
    household, words = _export_in_words(request, pk)
    html = render_to_string(
        "privacy/export_document.html", {"household": household, "words": words}, request
    )
    title = _("Data held about household %(reference)s") % {"reference": household.reference}
    response = HttpResponse(export_pdf(html, title=title), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(household, "pdf")}"'
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
