"""Pages of the family, mediator and partner spaces (each role's home at / links to its own).

Every object is looked up through enrolment.access: another household's id answers 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_staff_read
from accounts.roles import Role, has_role, is_staff_member
from core.ids import parse_id
from core.reads import personal_read
from programmes.models import Programme
from programmes.selectors import programme_get_published

from . import selectors, services
from .access import (
    can_manage_programme,
    can_write_households,
    enrolments_visible_to,
    households_visible_to,
    partner_of,
)
from .eligibility import long_datetime
from .errors import EnrolmentError
from .forms import (
    ChildForm,
    ConsentForm,
    EnrolForm,
    FamilyHouseholdForm,
    GuardianEditForm,
    HouseholdSearchForm,
    ProgrammeChoiceForm,
    QuickHouseholdForm,
    ReferralForm,
    SafetySheetForm,
    show_error,
)
from .models import ConsentKind, EnrolmentSource, EnrolmentStatus, FilledAs, Participant
from .selectors.spaces import (
    enrolment_members,
    household_enrolments,
    open_sessions,
    pending_referrals,
    programme_lists,
    programmes_managed_by,
    published_programmes,
    session_when,
)

CONSENT_VERSION = "2026-01"
GUARDIAN_FIELDS = ("first_name", "last_name", "phone", "email", "preferred_channel", "language")
CHILD_FIELDS = ("first_name", "last_name", "birth_date", "sex", "school", "school_class")


def _pick(data: dict, names) -> dict:
    return {name: data[name] for name in names}


def _next_or(request: HttpRequest, default: str) -> str:
    """The ``next`` parameter when it stays on this site, else ``default``."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _staff_only(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


def _household_page(request: HttpRequest, household) -> str:
    if is_staff_member(request.user):
        return reverse("enrolment:household", args=[household.pk])
    return reverse("enrolment:family")


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


# --- Family space -------------------------------------------------------------------------


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    household = selectors.household_of_user(user=request.user)
    if household is None:
        return redirect("enrolment:family-register")
    household = selectors.household_detail(user=request.user, pk=household.pk)
    enrolments = household_enrolments(household=household)
    return render(
        request,
        "enrolment/family_home.html",
        {
            "household": household,
            "enrolments": enrolments,
            "referrals": [e for e in enrolments if e.status == EnrolmentStatus.PROPOSED],
            "consent_kinds": ConsentKind.choices,
        },
    )


@login_required
def family_register(request: HttpRequest) -> HttpResponse:
    if selectors.household_of_user(user=request.user) is not None:
        return redirect("enrolment:family")
    form = FamilyHouseholdForm(
        request.POST or None,
        initial={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            "email": request.user.email,
        },
    )
    if request.method == "POST" and form.is_valid():
        # A family the service already knows (same phone or e-mail) signs in to its household
        # with a code rather than opening a second one.
        if selectors.household_duplicates(
            phone=form.cleaned_data.get("phone", ""), email=form.cleaned_data.get("email", "")
        ):
            return render(
                request,
                "enrolment/already_known.html",
                {"contact": settings.SERVICE_CONTACT},
                status=409,
            )
        try:
            services.household_register(
                created_by=request.user,
                link_account=True,
                **_pick(form.cleaned_data, (*GUARDIAN_FIELDS, "neighbourhood")),
            )
        except EnrolmentError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your household is registered."))
            return redirect(_next_or(request, reverse("enrolment:family")))
    return render(
        request,
        "enrolment/household_form.html",
        {
            "form": form,
            "title": _("Register your household"),
        },
    )


def _visible_household(request: HttpRequest, pk: int):
    try:
        return selectors.household_detail(user=request.user, pk=pk)
    except households_visible_to(request.user).model.DoesNotExist as exc:
        raise Http404 from exc


def _writable_household(request: HttpRequest, pk: int):
    if not can_write_households(request.user):
        raise PermissionDenied
    return _visible_household(request, pk)


@login_required
def child_add(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _writable_household(request, household_pk)
    form = ChildForm(
        request.POST or None,
        initial={
            "last_name": household.guardians.all()[0].last_name
            if household.guardians.all()
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_create(
                household=household, **_pick(form.cleaned_data, CHILD_FIELDS)
            )
        except EnrolmentError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": participant.full_name})
            return redirect(_next_or(request, _household_page(request, household)))
    return render(
        request,
        "enrolment/simple_form.html",
        {
            "form": form,
            "title": _("Add a child"),
            "back": _household_page(request, household),
        },
    )


@login_required
def guardian_edit(request: HttpRequest, household_pk: int, pk: int | None = None) -> HttpResponse:
    household = _writable_household(request, household_pk)
    guardian = get_object_or_404(household.guardians.all(), pk=pk) if pk else None
    initial = (
        {
            name: getattr(guardian, name)
            for name in (*GUARDIAN_FIELDS, "opt_out_sms", "opt_out_email")
        }
        if guardian
        else {}
    )
    form = GuardianEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if guardian is None:
                services.guardian_create(
                    household=household, **_pick(form.cleaned_data, GUARDIAN_FIELDS)
                )
            else:
                services.guardian_update(guardian=guardian, **form.cleaned_data)
        except EnrolmentError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_household_page(request, household))
    title = _("Edit %(name)s") % {"name": guardian.full_name} if guardian else _("Add a guardian")
    return render(
        request,
        "enrolment/simple_form.html",
        {
            "form": form,
            "title": title,
            "back": _household_page(request, household),
        },
    )


@login_required
def consents(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = _writable_household(request, household_pk)
    current = {
        consent.kind: consent
        for consent in household.current_consents
        if consent.participant_id is None
    }
    if request.method == "POST":
        form = ConsentForm(request.POST)
        kind = request.POST.get("kind")
        if request.POST.get("action") == "withdraw" and kind in current:
            services.consent_withdraw(consent=current[kind], withdrawn_by=request.user)
            messages.success(request, _("Consent withdrawn."))
            return redirect("enrolment:consents", household_pk=household.pk)
        if form.is_valid():
            given_by = getattr(request.user, "guardian", None)
            services.consent_give(
                household=household,
                kind=form.cleaned_data["kind"],
                version=CONSENT_VERSION,
                given_by=given_by if given_by and given_by.household_id == household.pk else None,
                recorded_by=request.user,
            )
            messages.success(request, _("Consent recorded."))
            return redirect("enrolment:consents", household_pk=household.pk)
        messages.error(request, _("Tick “I agree” to give this consent."))
    kinds = [
        {
            "kind": kind,
            "label": label,
            "current": current.get(kind),
            "form": ConsentForm(initial={"kind": kind}, auto_id=f"id_{kind}_%s"),
        }
        for kind, label in ConsentKind.choices
    ]
    return render(
        request,
        "enrolment/consents.html",
        {
            "household": household,
            "kinds": kinds,
            "version": CONSENT_VERSION,
            "back": _household_page(request, household),
        },
    )


# --- Enrolling ------------------------------------------------------------------------------


def _household_for_enrolment(request: HttpRequest):
    """The household a family enrols for (its own), or the one a mediator chose."""
    if is_staff_member(request.user):
        pk = parse_id(request.GET.get("household") or request.POST.get("household"))
        if pk is None:
            return None
        return _visible_household(request, pk)
    if not has_role(request.user, Role.FAMILY):
        raise PermissionDenied
    own = selectors.household_of_user(user=request.user)
    return selectors.household_detail(user=request.user, pk=own.pk) if own else None


@login_required
def enrol(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        programme = programme_get_published(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    household = _household_for_enrolment(request)
    if household is None:
        if is_staff_member(request.user):
            return redirect(reverse("enrolment:mediation") + f"?enrol_in={programme.slug}")
        return redirect(reverse("enrolment:family-register") + f"?next={request.path}")
    sessions = None if programme.is_whole_cycle else open_sessions(programme=programme)
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
            participant = services.member_participant(
                household=household, key=data["participant"], birth_date=data.get("birth_date")
            )
            source = services.enrolment_source_for(request.user)
            if chosen is None:
                answers = [
                    services.DateAnswer(
                        session=None,
                        enrolment=services.enrolment_create(
                            participant=participant,
                            programme=programme,
                            source=source,
                            created_by=request.user,
                        ),
                    )
                ]
            else:
                answers = services.enrolment_create_many(
                    participant=participant,
                    programme=programme,
                    sessions=chosen,
                    source=source,
                    created_by=request.user,
                )
        except EnrolmentError as error:
            show_error(form, error)
        else:
            _tell_answers(request, participant=participant, programme=programme, answers=answers)
            return redirect(_household_page(request, household))
    return render(
        request,
        "enrolment/enrol.html",
        {
            "programme": programme,
            "household": household,
            "form": form,
            "members": members,
            "sessions": sessions,
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
        return reverse("enrolment:partner")
    return _household_page(request, enrolment.participant.household)


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
        except EnrolmentError as error:
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
    except EnrolmentError as error:
        messages.error(request, error.message)
    else:
        if enrolment.status == EnrolmentStatus.CONFIRMED:
            messages.success(
                request,
                _("Referral accepted: %(name)s is enrolled.")
                % {"name": enrolment.participant.first_name},
            )
        else:
            messages.warning(
                request,
                _(
                    "Referral accepted: the programme is full, "
                    "%(name)s is number %(position)s on the waiting list."
                )
                % {
                    "name": enrolment.participant.first_name,
                    "position": enrolment.waitlist_position,
                },
            )
    return redirect(_back_from(request, enrolment))


# --- Mediator space -----------------------------------------------------------------------


@login_required
def mediation_home(request: HttpRequest) -> HttpResponse:
    _staff_only(request.user)
    search = HouseholdSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    households = (
        list(selectors.household_list(user=request.user, search=query)[:20]) if query else []
    )
    everything = has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)
    referrals = list(pending_referrals(enrolments=selectors.enrolment_list(user=request.user))[:50])
    personal_read(request, [*households, *referrals], summary="mediation home")
    return render(
        request,
        "enrolment/mediation_home.html",
        {
            "search": search,
            "query": query,
            "households": households,
            "programmes": programmes_managed_by(user=request.user, everything=everything),
            "referrals": referrals,
            "programme_slug": request.GET.get("enrol_in", ""),
        },
    )


@login_required
def household_create_view(request: HttpRequest) -> HttpResponse:
    _staff_only(request.user)
    form = QuickHouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                household = services.household_register(
                    created_by=request.user,
                    **_pick(data, (*GUARDIAN_FIELDS, "neighbourhood", "in_qpv")),
                )
                if data["child_first_name"]:
                    services.participant_create(
                        household=household,
                        first_name=data["child_first_name"],
                        last_name=data["last_name"],
                        birth_date=data["child_birth_date"],
                    )
        except EnrolmentError as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("Household %(reference)s created.") % {"reference": household.reference}
            )
            url = reverse("enrolment:household", args=[household.pk])
            slug = request.GET.get("enrol_in")
            return redirect(f"{url}?enrol_in={slug}" if slug else url)
    return render(
        request,
        "enrolment/household_form.html",
        {
            "form": form,
            "title": _("New household"),
            "back": reverse("enrolment:mediation"),
        },
    )


@login_required
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request.user)
    household = _visible_household(request, pk)
    programmes = published_programmes()
    form = ProgrammeChoiceForm(
        request.GET if "programme" in request.GET else None, programmes=programmes
    )
    if form.is_valid():
        programme = programmes.get(pk=form.cleaned_data["programme"])
        return redirect(
            reverse("enrolment:enrol", args=[programme.slug]) + f"?household={household.pk}"
        )
    return render(
        request,
        "enrolment/household.html",
        {
            "household": household,
            "enrolments": household_enrolments(household=household),
            "programme_form": form,
            "programme_slug": request.GET.get("enrol_in", ""),
        },
    )


@login_required
def programme_people(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("venue"), pk=pk)
    if not can_manage_programme(request.user, programme):
        raise PermissionDenied
    lists = {name: list(people) for name, people in programme_lists(programme=programme).items()}
    personal_read(
        request,
        [enrolment for people in lists.values() for enrolment in people],
        summary="programme lists",
    )
    return render(request, "enrolment/programme_people.html", {"programme": programme, **lists})


# --- Partner space ------------------------------------------------------------------------


def _partner(request: HttpRequest):
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied
    return partner


@login_required
def partner_home(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    referrals = list(
        selectors.enrolment_list(user=request.user, source=EnrolmentSource.PARTNER_REFERRAL)[:200]
    )
    personal_read(request, referrals, summary="partner referrals")
    return render(
        request,
        "enrolment/partner_home.html",
        {
            "partner": partner,
            "referrals": referrals,
            "programme_form": ProgrammeChoiceForm(programmes=published_programmes()),
        },
    )


@login_required
def partner_refer(request: HttpRequest) -> HttpResponse:
    partner = _partner(request)
    choice = ProgrammeChoiceForm(request.GET or None, programmes=published_programmes())
    if not choice.is_valid():
        return redirect("enrolment:partner")
    programme = get_object_or_404(published_programmes(), pk=choice.cleaned_data["programme"])
    sessions = None if programme.is_whole_cycle else open_sessions(programme=programme)
    form = ReferralForm(request.POST or None, sessions=sessions)
    duplicates: list = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = (
            next(s for s in sessions if s.pk == data["session"]) if sessions is not None else None
        )
        duplicates = selectors.household_duplicates(
            phone=data["guardian_phone"],
            last_name=data["guardian_last_name"],
            birth_date=data["birth_date"],
        )
        choice = request.POST.get("use_household", "")
        existing = next((h for h in duplicates if str(h.pk) == choice), None)
        if duplicates and choice != "new" and existing is None:
            # Possibly a family the service knows: ask before creating a second household.
            return render(
                request,
                "enrolment/partner_refer.html",
                {
                    "form": form,
                    "programme": programme,
                    "partner": partner,
                    "duplicates": duplicates,
                },
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
                child=_pick(data, CHILD_FIELDS),
                note=data["note"],
                household=existing,
            )
        except EnrolmentError as error:
            if error.field == "phone":
                error.field = "guardian_phone"
            show_error(form, error)
        else:
            messages.success(request, _("Referral sent: the family or a mediator will confirm it."))
            return redirect("enrolment:partner")
    return render(
        request,
        "enrolment/partner_refer.html",
        {
            "form": form,
            "programme": programme,
            "partner": partner,
        },
    )


# --- Safety sheet ----------------------------------------------------------------------------


def _sheet_initial(sheet) -> dict:
    if sheet is None:
        return {}
    initial = dict(sheet.health_details)
    initial |= {
        "may_leave_alone": sheet.may_leave_alone,
        "leave_alone_signed_on": sheet.leave_alone_signed_on,
        "image_internal": sheet.image_internal,
        "image_printed": sheet.image_printed,
        "image_web": sheet.image_web,
        "image_social": sheet.image_social,
    }
    for prefix, people in (
        ("contact", sheet.emergency_contacts),
        ("authorised", sheet.authorised_people),
    ):
        for n, person in enumerate(people, start=1):
            for part in ("name", "relation", "phone"):
                initial[f"{prefix}_{n}_{part}"] = person.get(part, "")
    return initial


def _sheet_field(error_field: str | None) -> str | None:
    """``emergency_contacts.0.phone`` → ``contact_1_phone``; ``health.diet`` → ``diet``."""
    if not error_field:
        return None
    parts = error_field.split(".")
    if parts[0] in ("emergency_contacts", "authorised_people") and len(parts) == 3:
        prefix = "contact" if parts[0] == "emergency_contacts" else "authorised"
        return f"{prefix}_{int(parts[1]) + 1}_{parts[2]}"
    return parts[-1]


@login_required
def safety_sheet(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """The guardian fills the sheet online, or a mediator with the family; each save is a new
    version. Only the family and the staff named in enrolment.access reach this page."""
    try:
        participant = selectors.safety_sheet_participant(
            user=request.user, participant_id=participant_pk
        )
    except Participant.DoesNotExist:
        raise Http404 from None
    current = services.current_sheet(participant)
    staff = is_staff_member(request.user)
    back = _next_or(request, reverse("home") if staff else reverse("enrolment:family"))
    form = SafetySheetForm(request.POST or None, initial=_sheet_initial(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.safety_sheet_save(
                participant=participant,
                filled_by=request.user,
                filled_as=FilledAs.MEDIATOR if staff else FilledAs.GUARDIAN,
                sheet=services.SheetInput(
                    health=services.HealthInput(
                        **_pick(
                            data,
                            (
                                "allergies",
                                "diet",
                                "treatment",
                                "has_pai",
                                "pai_details",
                                "doctor_name",
                                "doctor_phone",
                            ),
                        )
                    ),
                    emergency_contacts=[services.Person(*row) for row in form.people("contact")],
                    authorised_people=[services.Person(*row) for row in form.people("authorised")],
                    may_leave_alone=data["may_leave_alone"],
                    leave_alone_signed_on=data["leave_alone_signed_on"],
                    image_rights=services.ImageRights(
                        internal=data["image_internal"],
                        printed=data["image_printed"],
                        web=data["image_web"],
                        social=data["image_social"],
                    ),
                ),
            )
        except EnrolmentError as error:
            field = _sheet_field(error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The safety sheet of %(name)s is saved.") % {"name": participant.first_name},
            )
            return redirect(back)
    elif current is not None:
        audit_staff_read(request, target=current, summary="safety sheet page")
    return render(
        request,
        "enrolment/safety_sheet.html",
        {
            "participant": participant,
            "form": form,
            "sheet": current,
            "back": back,
        },
    )
