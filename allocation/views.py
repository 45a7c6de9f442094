"""Pages of allocation rounds: the rules (everyone), wishes and results (families, mediators,
partners for the children they may act for), the coordinator's round page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from core.errors import form_error
from core.ids import parse_id
from core.reads import personal_read
from enrolment.access import partner_of
from households.eligibility import long_datetime

from . import selectors, services
from .errors import AllocationError
from .forms import RoundForm, RulesForm, WishForm
from .models import RoundStatus


def _coordinator_only(user) -> None:
    if not selectors.can_manage_rounds(user):
        raise PermissionDenied


def _household_id(request: HttpRequest) -> int | None:
    return parse_id(request.GET.get("household") or request.POST.get("household"))


def programme_panel(request: HttpRequest, programme) -> str:
    """On a programme page: the round that gives its places, with its rules."""
    rounds = selectors.open_rounds_for_programme(programme=programme)
    if not rounds:
        return ""
    return render_to_string(
        "allocation/_programme_panel.html",
        {
            "rounds": [(round_, selectors.rules_with_weights(round_)) for round_ in rounds],
            "now": timezone.now(),
        },
        request=request,
    )


def round_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "allocation/round_list.html",
        {"rounds": selectors.round_list(), "can_manage": selectors.can_manage_rounds(request.user)},
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(pk=pk)
    return render(
        request,
        "allocation/round_detail.html",
        {
            "round": round_,
            "rules": selectors.rules_with_weights(round_),
            "activities": selectors.round_activities(round_=round_),
            "is_open": round_.is_open_at(timezone.now()),
            "can_manage": selectors.can_manage_rounds(request.user),
        },
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _coordinator_only(request.user)
    initial = {"max_per_child": 2} | {
        f"weight_{rule}": value
        for rule, value in {
            "qpv": 3,
            "first_time": 2,
            "referred": 2,
            "sibling_group": 1,
            "granted_before": 1,
        }.items()
    }
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                title=data["title"],
                wishes_open_at=data["wishes_open_at"],
                wishes_close_at=data["wishes_close_at"],
                results_on=data["results_on"],
                programmes=list(data["programmes"]),
                max_per_child=data["max_per_child"],
                max_per_household=data["max_per_household"],
                weights=form.weights(),
                created_by=request.user,
            )
        except AllocationError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Round opened."))
            return redirect("allocation:manage", pk=round_.pk)
    return render(request, "allocation/round_form.html", {"form": form})


@login_required
def round_manage(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator_only(request.user)
    round_ = selectors.round_get(pk=pk)
    initial = {
        "max_per_child": round_.max_per_child,
        "max_per_household": round_.max_per_household,
    } | {f"weight_{rule}": weight for rule, weight in round_.weights.items()}
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update_rules(
                round_=round_,
                weights=form.weights(),
                max_per_child=form.cleaned_data["max_per_child"],
                max_per_household=form.cleaned_data["max_per_household"],
                changed_by=request.user,
            )
        except AllocationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, _("Rules saved. Compute the allocation again to see their effect.")
            )
            return redirect("allocation:manage", pk=pk)
    preview = selectors.round_preview(round_=round_) if round_.computed_at else None
    return render(
        request,
        "allocation/round_manage.html",
        {
            "round": round_,
            "form": form,
            "preview": preview,
            "rules": selectors.rules_with_weights(round_),
        },
    )


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _coordinator_only(request.user)
    round_ = selectors.round_get(pk=pk)
    try:
        if action == "close":
            services.round_close(round_=round_, closed_by=request.user)
            messages.success(request, _("Wishes are closed; the seed of the draw is drawn."))
            return redirect("allocation:manage", pk=pk)
        if action == "compute":
            job = services.computation_start(round_=round_, started_by=request.user)
        elif action == "publish":
            job = services.publication_start(round_=round_, started_by=request.user)
        else:
            raise PermissionDenied
    except AllocationError as error:
        messages.error(request, error.message)
        return redirect("allocation:manage", pk=pk)
    return redirect(job.get_absolute_url())


@login_required
def wishes(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(pk=pk)
    household = selectors.household_for(
        user=request.user, round_=round_, household_id=_household_id(request)
    )
    children = selectors.household_children(user=request.user, round_=round_, household=household)
    activities = selectors.round_activities(round_=round_)
    offered, not_offered = selectors.children_who_fit(children=children, activities=activities)
    form = WishForm(
        request.POST or None, children=offered, activities=activities, not_offered=not_offered
    )
    if request.method == "POST" and form.is_valid():
        chosen = [child for child in children if child.pk in form.cleaned_data["participants"]]
        try:
            services.wishes_set(
                round_=round_,
                participants=chosen,
                activities=selectors.activities_by_id(
                    round_=round_, ids=form.ranked_activity_ids()
                ),
                grouped=form.cleaned_data["grouped"],
                created_by=request.user,
                partner=partner_of(request.user),
            )
        except AllocationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                _("Wishes saved. You can change them until %(date)s.")
                % {"date": long_datetime(round_.wishes_close_at)},
            )
            url = reverse("allocation:wishes", args=[pk])
            if _household_id(request):
                url += f"?household={household.pk}"
            return redirect(url)
    personal_read(request, children, summary=gettext_noop("allocation wishes"))
    return render(
        request,
        "allocation/wishes.html",
        {
            "round": round_,
            "household": household,
            "form": form,
            "rows": selectors.wishes_of(round_=round_, participants=children),
            "is_open": round_.is_open_at(timezone.now()),
            "rules": selectors.rules_with_weights(round_),
        },
    )


@login_required
def results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = selectors.round_get(pk=pk)
    household = selectors.household_for(
        user=request.user, round_=round_, household_id=_household_id(request)
    )
    children = selectors.household_children(user=request.user, round_=round_, household=household)
    # Coordinators read the explanation of the preview too, before publishing.
    published = round_.status == RoundStatus.PUBLISHED or (
        round_.computed_at is not None and selectors.can_manage_rounds(request.user)
    )
    personal_read(request, children, summary=gettext_noop("allocation results"))
    return render(
        request,
        "allocation/results.html",
        {
            "round": round_,
            "household": household,
            "published": published,
            "rows": selectors.wishes_of(round_=round_, participants=children) if published else [],
            "rules": selectors.rules_with_weights(round_),
            "children_count": len(children),
        },
    )
