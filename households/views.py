"""The household pages: a family registers and keeps its household; a mediator creates one,
sees it, and fills a safety sheet with the family. Who sees what: households.access."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_safe

from accounts.audit import audit_staff_read
from accounts.roles import is_staff_member
from core.menu import entry_url
from core.phones import phone_for_display
from core.reads import personal_read

from . import selectors, services
from .access import can_write_households, households_visible_to
from .errors import HouseholdError
from .forms import (
    ChildForm,
    ConsentForm,
    FamilyHouseholdForm,
    GuardianEditForm,
    QuickHouseholdForm,
    SafetySheetForm,
    show_error,
)
from .hooks import household_panels
from .models import ConsentAnswer, ConsentKind, FilledAs, Participant

CONSENT_VERSION = "2026-01"
GUARDIAN_FIELDS = ("first_name", "last_name", "phone", "email", "preferred_channel", "language")
CHILD_FIELDS = ("first_name", "last_name", "birth_date", "sex", "school", "school_class")


def pick(data: dict, names) -> dict:
    return {name: data[name] for name in names}


def next_or(request: HttpRequest, default: str) -> str:
    """The ``next`` parameter when it stays on this site, else ``default``."""
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def staff_only(user) -> None:
    if not is_staff_member(user):
        raise PermissionDenied


def household_page(request: HttpRequest, household) -> str:
    """Where a change to ``household`` sends the person back: its page for staff, the
    family's space for the family."""
    if is_staff_member(request.user):
        return reverse("households:household", args=[household.pk])
    return entry_url("family")


@login_required
def family_register(request: HttpRequest) -> HttpResponse:
    try:
        services.guardian_account_check(user=request.user)
    except HouseholdError as error:
        # A mediator registers a family from the mediation space, not as its guardian.
        messages.error(request, error.message)
        return redirect("households:household-create")
    if selectors.household_of_user(user=request.user) is not None:
        return redirect(entry_url("family"))
    form = FamilyHouseholdForm(
        request.POST or None,
        initial={
            "first_name": request.user.first_name,
            "last_name": request.user.last_name,
            # The address typed at sign-up (kept by the session): the same page whether or
            # not the account could keep it.
            "email": request.user.email or request.session.get("sign_up_email", ""),
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
                "households/already_known.html",
                {"contact": settings.SERVICE_CONTACT},
                status=409,
            )
        try:
            services.household_register(
                created_by=request.user,
                link_account=True,
                **pick(form.cleaned_data, (*GUARDIAN_FIELDS, "neighbourhood")),
            )
        except HouseholdError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Your household is registered."))
            return redirect(next_or(request, entry_url("family")))
    return render(
        request,
        "households/household_form.html",
        {
            "form": form,
            "title": _("Register your household"),
        },
    )


def visible_household(request: HttpRequest, pk: int):
    try:
        return selectors.household_detail(user=request.user, pk=pk)
    except households_visible_to(request.user).model.DoesNotExist as exc:
        raise Http404 from exc


def writable_household(request: HttpRequest, pk: int):
    if not can_write_households(request.user):
        raise PermissionDenied
    return visible_household(request, pk)


@login_required
def child_add(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = writable_household(request, household_pk)
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
                household=household, **pick(form.cleaned_data, CHILD_FIELDS)
            )
        except HouseholdError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": participant.full_name})
            return redirect(next_or(request, household_page(request, household)))
    return render(
        request,
        "households/simple_form.html",
        {
            "form": form,
            "title": _("Add a child"),
            "back": household_page(request, household),
        },
    )


@login_required
def guardian_edit(request: HttpRequest, household_pk: int, pk: int | None = None) -> HttpResponse:
    household = writable_household(request, household_pk)
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
                    household=household, **pick(form.cleaned_data, GUARDIAN_FIELDS)
                )
            else:
                services.guardian_update(guardian=guardian, **form.cleaned_data)
        except HouseholdError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(next_or(request, household_page(request, household)))
    title = _("Edit %(name)s") % {"name": guardian.full_name} if guardian else _("Add a guardian")
    return render(
        request,
        "households/simple_form.html",
        {
            "form": form,
            "title": title,
            "back": household_page(request, household),
        },
    )


@login_required
def consents(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = writable_household(request, household_pk)
    current = {
        consent.kind: consent
        for consent in household.current_consents
        if consent.participant_id is None
    }
    guardians = household.guardians.order_by("-is_primary", "pk")
    own_guardian = getattr(request.user, "guardian", None)
    if own_guardian is not None and own_guardian.household_id != household.pk:
        own_guardian = None
    # Staff record what a guardian answered them; a guardian answers for themselves.
    ask_who = own_guardian is None
    if request.method == "POST":
        kind = request.POST.get("kind")
        if request.POST.get("action") == "withdraw":
            if kind in current:
                try:
                    services.consent_withdraw(consent=current[kind], withdrawn_by=request.user)
                except HouseholdError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(request, _("Consent withdrawn."))
            return redirect("households:consents", household_pk=household.pk)
        form = ConsentForm(request.POST, guardians=guardians, ask_who=ask_who)
        if form.is_valid():
            data = form.cleaned_data
            services.consent_give(
                household=household,
                kind=data["kind"],
                version=CONSENT_VERSION,
                answer=data["answer"],
                given_by=data.get("given_by") or own_guardian,
                recorded_by=request.user,
            )
            messages.success(
                request,
                _("Consent recorded.")
                if data["answer"] == ConsentAnswer.GIVEN
                else _("Refusal recorded."),
            )
            return redirect("households:consents", household_pk=household.pk)
        messages.error(
            request, " ".join(message for errors in form.errors.values() for message in errors)
        )
    kinds = [
        {
            "kind": kind,
            "label": label,
            "current": current.get(kind),
            "form": ConsentForm(
                initial={"kind": kind},
                guardians=guardians,
                ask_who=ask_who,
                auto_id=f"id_{kind}_%s",
            ),
        }
        for kind, label in ConsentKind.choices
    ]
    return render(
        request,
        "households/consents.html",
        {
            "household": household,
            "kinds": kinds,
            "version": CONSENT_VERSION,
            "ask_who": ask_who,
            "back": household_page(request, household),
        },
    )


def _known_families(request: HttpRequest, known: services.FamilyAlreadyKnown) -> dict:
    """What a mediator is shown of the families that match: those they may see, named; of the
    others, only that one exists (households.access decides)."""
    visible = selectors.households_visible_among(user=request.user, households=known.candidates)
    shown = [household for household in known.candidates if household.pk in visible]
    personal_read(request, shown, summary=gettext_noop("possible duplicates"))
    return {"message": known.message, "shown": shown, "hidden": len(shown) < len(known.candidates)}


@login_required
def household_create_view(request: HttpRequest) -> HttpResponse:
    """A mediator registers a family (and its first child); when the details match a family
    the service knows, it is offered first: open it, or confirm that this is another family."""
    staff_only(request.user)
    form = QuickHouseholdForm(request.POST or None)
    known = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child = (
            {
                "first_name": data["child_first_name"],
                "last_name": data["last_name"],
                "birth_date": data["child_birth_date"],
            }
            if data["child_first_name"]
            else None
        )
        # Only "another family" is taken from the form: a known household is opened through
        # its page, never joined by an id posted here (a mediator may not see every family).
        another = request.POST.get("known_family") == services.ANOTHER_FAMILY
        try:
            household = services.household_register_unless_known(
                created_by=request.user,
                guardian=pick(data, GUARDIAN_FIELDS),
                child=child,
                choice=services.ANOTHER_FAMILY if another else "",
                neighbourhood=data["neighbourhood"],
                in_qpv=data["in_qpv"],
            )
        except services.FamilyAlreadyKnown as error:
            known = _known_families(request, error)
        except HouseholdError as error:
            show_error(form, error)
        else:
            messages.success(
                request, _("Household %(reference)s created.") % {"reference": household.reference}
            )
            url = reverse("households:household", args=[household.pk])
            slug = request.GET.get("enrol_in")
            return redirect(f"{url}?enrol_in={slug}" if slug else url)
    return render(
        request,
        "households/household_form.html",
        {
            "form": form,
            "title": _("New household"),
            "back": entry_url("families"),
            "known": known,
            "enrol_in": request.GET.get("enrol_in", ""),
        },
    )


@login_required
def household_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A household as staff see it: its members here, and what the apps above add (its
    enrolments, the form to enrol in a programme) through households.hooks."""
    staff_only(request.user)
    household = visible_household(request, pk)
    panels = []
    for panel in household_panels():
        answer = panel(request, household)
        if isinstance(answer, HttpResponse):
            return answer
        panels.append(answer)
    return render(
        request,
        "households/household.html",
        {
            "household": household,
            "panels": panels,
            "back": entry_url("families"),
            "programme_slug": request.GET.get("enrol_in", ""),
        },
    )


def _sheet_initial(sheet) -> dict:
    if sheet is None:
        return {}
    initial = dict(sheet.health_details)
    if initial.get("doctor_phone"):
        initial["doctor_phone"] = phone_for_display(initial["doctor_phone"])
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
            # Stored in E.164, shown as people write it.
            initial[f"{prefix}_{n}_phone"] = phone_for_display(person.get("phone", ""))
    return initial


def _sheet_field(error_field: str | None, form: SafetySheetForm) -> str | None:
    """``emergency_contacts.0.phone`` → ``contact_1_phone`` (or the row it was typed on, when
    rows above were left empty); ``health.diet`` → ``diet``."""
    if not error_field:
        return None
    parts = error_field.split(".")
    if parts[0] in ("emergency_contacts", "authorised_people") and len(parts) == 3:
        prefix = "contact" if parts[0] == "emergency_contacts" else "authorised"
        return form.row_field(prefix, int(parts[1]), parts[2])
    return parts[-1]


@login_required
def safety_sheet(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """The guardian fills the sheet online, or a mediator with the family; each save is a new
    version. Only the family and the staff named in households.access reach this page."""
    try:
        participant = selectors.safety_sheet_participant(
            user=request.user, participant_id=participant_pk
        )
    except Participant.DoesNotExist:
        raise Http404 from None
    current = services.current_sheet(participant)
    staff = is_staff_member(request.user)
    back = next_or(request, reverse("home") if staff else entry_url("family"))
    form = SafetySheetForm(
        request.POST or None, request.FILES or None, initial=_sheet_initial(current)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.safety_sheet_save(
                participant=participant,
                filled_by=request.user,
                filled_as=FilledAs.MEDIATOR if staff else FilledAs.GUARDIAN,
                pai_file=data.get("pai_document"),
                sheet=services.SheetInput(
                    health=services.HealthInput(
                        **pick(
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
        except HouseholdError as error:
            field = _sheet_field(error.field, form)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                _("The safety sheet of %(name)s is saved.") % {"name": participant.first_name},
            )
            return redirect(back)
    elif current is not None:
        audit_staff_read(request, target=current, summary=gettext_noop("safety sheet page"))
    return render(
        request,
        "households/safety_sheet.html",
        {
            "participant": participant,
            "form": form,
            "sheet": current,
            "back": back,
        },
    )


@login_required
@require_safe
def pai_document(request: HttpRequest, participant_pk: int) -> HttpResponse:
    """The PAI document of the current sheet, for those who may read the sheet (staff reads
    audited); never cached, never shown inline."""
    try:
        participant = selectors.safety_sheet_participant(
            user=request.user, participant_id=participant_pk
        )
    except Participant.DoesNotExist:
        raise Http404 from None
    sheet = services.current_sheet(participant)
    document = sheet.pai_document if sheet is not None else None
    if document is None or sheet is None or sheet.health_removed_at is not None:
        raise Http404
    audit_staff_read(request, target=sheet, summary="PAI document")
    response = HttpResponse(
        services.pai_document_content(document), content_type=document.content_type
    )
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[
        document.content_type
    ]
    response["Content-Disposition"] = f'attachment; filename="pai-{participant.pk}.{extension}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
