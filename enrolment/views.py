"""Pages of the family, mediator and partner spaces (each role's home at / links to its own).

Every object is looked up through enrolment.access: another household's id answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role, is_staff_member
from core.errors import DomainError
from core.ids import parse_id
from core.menu import entry_url
from core.reads import personal_read
from households import selectors as household_selectors
from households.access import enrolment_refusal
from households.eligibility import long_datetime
from households.forms import show_error
from households.services import FamilyAlreadyKnown
from households.views import (
    CHILD_FIELDS,
    household_page,
    pick,
    visible_household,
)
from programmes.models import Programme
from programmes.selectors import programme_get_published

from . import services
from .access import can_manage_programme, enrolments_visible_to, partner_of
from .forms import EnrolForm, ProgrammeChoiceForm, ReferralForm
from .models import EnrolmentStatus
from .selectors.spaces import (
    enrolment_members,
    household_enrolments,
    open_sessions,
    programme_lists,
    published_programmes,
    session_when,
)

# --- Programme page panel -----------------------------------------------------------------


def programme_panel(request: HttpRequest, programme: Programme) -> str:
    """The enrol button on a programme page, and the lists for its staff."""
    user = request.user
    context = {
        "programme": programme,
        "can_enrol": not user.is_authenticated
        or has_role(user, Role.FAMILY)
        or is_staff_member(user),
        "can_refer": partner_of(user) is not None if user.is_authenticated else False,
        "manages": user.is_authenticated and can_manage_programme(user, programme),
    }
    return render_to_string("enrolment/_programme_panel.html", context, request=request)


def household_panel(request: HttpRequest, household) -> str | HttpResponse:
    """On the staff's household page: its enrolments, and the form to enrol in a programme
    (which sends the mediator on to the enrolment page)."""
    programmes = published_programmes()
    form = ProgrammeChoiceForm(
        request.GET if "programme" in request.GET else None, programmes=programmes
    )
    if form.is_valid():
        programme = programmes.get(pk=form.cleaned_data["programme"])
        return redirect(
            reverse("enrolment:enrol", args=[programme.slug]) + f"?household={household.pk}"
        )
    context = {
        "household": household,
        "enrolments": household_enrolments(household=household),
        "programme_form": form,
        "programme_slug": request.GET.get("enrol_in", ""),
    }
    return render_to_string("enrolment/_household_panel.html", context, request=request)


# --- Enrolling ------------------------------------------------------------------------------


def _household_for_enrolment(request: HttpRequest):
    """The household a family enrols for (its own), or the one a mediator chose."""
    if is_staff_member(request.user):
        pk = parse_id(request.GET.get("household") or request.POST.get("household"))
        if pk is None:
            return None
        return visible_household(request, pk)
    if not has_role(request.user, Role.FAMILY):
        raise PermissionDenied
    own = household_selectors.household_of_user(user=request.user)
    return household_selectors.household_detail(user=request.user, pk=own.pk) if own else None


@login_required
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        programme = programme_get_published(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    household = _household_for_enrolment(request)
    if household is None:
        if is_staff_member(request.user):
            return redirect(entry_url("families") + f"?enrol_in={programme.slug}")
        return redirect(reverse("households:family-register") + f"?next={request.path}")
    if refusal := enrolment_refusal(request.user, household=household, programme=programme):
        raise PermissionDenied(refusal)
    sessions = None if programme.is_whole_cycle else open_sessions(programme=programme)
    # Dates a family booking now could not cancel online any more, told before booking.
    too_late = {
        target.pk if target else None
        for target in (sessions if sessions is not None else [None])
        if not services.cancellable_online_if_booked(programme=programme, session=target)
    }
    day = (
        timezone.localtime(sessions[0].starts_at).date()
        if sessions
        else services.eligibility_date(programme=programme, session=None)
    )
    members = enrolment_members(household=household, programme=programme, day=day)
    form = EnrolForm(request.POST or None, members=members, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [s for s in sessions if s.pk in data["sessions"]] if sessions is not None else None
        try:
            booking = services.member_book(
                household=household,
                key=data["participant"],
                birth_date=data.get("birth_date"),
                programme=programme,
                sessions=chosen,
                source=services.enrolment_source_for(request.user),
                created_by=request.user,
            )
            participant, answers = booking.participant, booking.answers
        except DomainError as error:
            show_error(form, error)
        else:
            _tell_answers(request, participant=participant, programme=programme, answers=answers)
            return redirect(household_page(request, household))
    return render(
        request,
        "enrolment/enrol.html",
        {
            "programme": programme,
            "household": household,
            "form": form,
            "members": members,
            "sessions": sessions,
            "too_late": too_late,
            "staff": is_staff_member(request.user),
        },
    )


def _tell_answers(request: HttpRequest, *, participant, programme, answers) -> None:
    """One message per date: confirmed, waiting list n° k, or refused and why."""
    for answer in answers:
        params = {
            "name": participant.first_name,
            "programme": programme.title,
            "date": session_when(answer.session) if answer.session else "",
            "position": answer.enrolment.waitlist_position if answer.enrolment else None,
            "reason": answer.refusal,
        }
        if answer.enrolment is None:
            messages.error(request, _("%(date)s: not booked. %(reason)s") % params)
        elif answer.enrolment.status == EnrolmentStatus.CONFIRMED:
            messages.success(
                request,
                _("%(date)s: place confirmed for %(name)s.") % params
                if answer.session
                else _("%(name)s is enrolled in “%(programme)s”.") % params,
            )
        else:
            messages.warning(
                request,
                _(
                    "%(date)s: full, %(name)s is number %(position)s on the "
                    "waiting list. You will be told as soon as a place is "
                    "free."
                )
                % params
                if answer.session
                else _(
                    "“%(programme)s” is full: %(name)s is number %(position)s on "
                    "the waiting list. You will be told as soon as a place is free."
                )
                % params,
            )


def _actionable_enrolment(request: HttpRequest, pk: int):
    enrolment = get_object_or_404(
        enrolments_visible_to(request.user).select_related(
            "participant__household", "programme", "session"
        ),
        pk=pk,
    )
    writer = has_role(request.user, Role.FAMILY) or is_staff_member(request.user)
    if not writer and not (
        enrolment.status == EnrolmentStatus.PROPOSED and partner_of(request.user) is not None
    ):
        raise PermissionDenied
    return enrolment


def _back_from(request: HttpRequest, enrolment) -> str:
    if (
        has_role(request.user, Role.PARTNER)
        and not is_staff_member(request.user)
        and not has_role(request.user, Role.FAMILY)
    ):
        return entry_url("partner")
    return household_page(request, enrolment.participant.household)


@login_required
def enrolment_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _actionable_enrolment(request, pk)
    by_family = not is_staff_member(request.user)
    policy = services.cancellation_policy(enrolment, by_family=by_family)
    if request.method == "POST":
        try:
            services.enrolment_cancel(
                enrolment=enrolment,
                cancelled_by=request.user,
                reason=request.POST.get("reason", "")[:300],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            if policy.leaving_cycle:
                messages.success(
                    request,
                    _(
                        "%(name)s has left “%(programme)s”. Their mediator "
                        "sees it on the programme's page."
                    )
                    % {
                        "name": enrolment.participant.first_name,
                        "programme": enrolment.programme.title,
                    },
                )
            else:
                messages.success(
                    request,
                    _("The enrolment of %(name)s is cancelled.")
                    % {"name": enrolment.participant.first_name},
                )
        return redirect(_back_from(request, enrolment))
    return render(
        request,
        "enrolment/enrolment_cancel.html",
        {
            "enrolment": enrolment,
            "back": _back_from(request, enrolment),
            "policy": policy,
            "deadline": long_datetime(policy.deadline),
            "starts_at": long_datetime(policy.starts_at),
            "contact": settings.SERVICE_CONTACT,
            "by_family": by_family,
        },
    )


@login_required
@require_POST
def referral_accept_view(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _actionable_enrolment(request, pk)
    if not (has_role(request.user, Role.FAMILY) or is_staff_member(request.user)):
        raise PermissionDenied
    try:
        enrolment = services.referral_accept(enrolment=enrolment, accepted_by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        params = {"name": enrolment.participant.first_name, "position": enrolment.waitlist_position}
        if enrolment.status == EnrolmentStatus.CONFIRMED:
            messages.success(request, _("Referral accepted: %(name)s is enrolled.") % params)
        else:
            text = _(
                "Referral accepted: the programme is full, "
                "%(name)s is number %(position)s on the waiting list."
            )
            messages.warning(request, text % params)
    return redirect(_back_from(request, enrolment))


# --- Mediator space -----------------------------------------------------------------------


@login_required
def programme_people(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("venue"), pk=pk)
    if not can_manage_programme(request.user, programme):
        raise PermissionDenied
    lists = {name: list(people) for name, people in programme_lists(programme=programme).items()}
    people = [enrolment for group in lists.values() for enrolment in group]
    personal_read(request, people, summary=gettext_noop("programme lists"))
    return render(request, "enrolment/programme_people.html", {"programme": programme, **lists})


# --- Partner space ------------------------------------------------------------------------


def _partner(request: HttpRequest):
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied
    return partner


@login_required
def partner_refer(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    choice = ProgrammeChoiceForm(request.GET or None, programmes=published_programmes())
    if not choice.is_valid():
        return redirect(entry_url("partner"))
    programme = get_object_or_404(published_programmes(), pk=choice.cleaned_data["programme"])
    sessions = None if programme.is_whole_cycle else open_sessions(programme=programme)
    form = ReferralForm(request.POST or None, sessions=sessions)
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = (
            next(s for s in sessions if s.pk == data["session"]) if sessions is not None else None
        )
        try:
            services.referral_register(
                partner=partner,
                created_by=request.user,
                programme=programme,
                session=session,
                guardian={
                    "first_name": data["guardian_first_name"],
                    "last_name": data["guardian_last_name"],
                    "phone": data["guardian_phone"],
                },
                child=pick(data, CHILD_FIELDS),
                note=data["note"],
                known_family=request.POST.get("use_household", ""),
            )
        except FamilyAlreadyKnown as known:
            # Possibly a family the service knows: ask before creating a second household.
            duplicates = known.candidates
        except DomainError as error:
            if error.field == "phone":
                error.field = "guardian_phone"
            show_error(form, error)
        else:
            messages.success(request, _("Referral sent: the family or a mediator will confirm it."))
            return redirect(entry_url("partner"))
    return render(
        request,
        "enrolment/partner_refer.html",
        {"form": form, "programme": programme, "partner": partner, "duplicates": duplicates},
    )


# --- Safety sheet ----------------------------------------------------------------------------
