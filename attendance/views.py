"""Pages of the register: my sessions today, the register (works offline), walk-ins,
follow-ups of absences, and a programme's attendance figures."""

import datetime
import functools
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts.access import require_staff
from accounts.roles import Role, has_role
from core.age_bands import age_bands
from core.errors import DomainError
from core.ids import id_or_404
from core.reads import personal_read
from households.access import participants_visible_to
from households.models import Sex
from households.services import earliest_birth_date
from programmes.models import Field as ProgrammeField
from sessions.selectors import session_list

from .forms import (
    FollowUpCloseForm,
    HeadcountForm,
    HeldDeclarationForm,
    NewcomerForm,
    WalkInSearchForm,
)
from .models import AttendanceStatus, FollowUpOutcome
from .selectors import (
    can_see_programme_attendance,
    can_take_attendance,
    follow_up_contact,
    follow_up_list,
    follow_ups_read,
    outreach_recent,
    participants_named_in,
    programme_figures,
    programmes_with_figures_for,
    register_get,
    register_is_locked,
    register_lock_at,
    register_sheet,
    sessions_of_day,
    sessions_to_complete,
    walk_in_candidates,
)
from .services import (
    MarkInput,
    attendance_mark,
    attendance_mark_all_present,
    follow_up_close,
    headcount_set,
    held_declaration_create,
    outreach_record,
    signature_record,
    walk_in_add,
    walk_in_register,
)
from .sheets import register_sheet_pdf

SERVICE_WORKER = "attendance/sw.js"


def _register_session(request: HttpRequest, pk: int):
    session = get_object_or_404(session_list(published_only=False), pk=pk)
    if not can_take_attendance(request.user, session):
        raise PermissionDenied
    return session


@login_required
def today(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    context = {
        "sessions": sessions_of_day(user=request.user),
        "to_complete": sessions_to_complete(user=request.user),
        "open_follow_ups": follow_up_list(user=request.user).count(),
        "today": timezone.localdate(),
    }
    return render(request, "attendance/today.html", context)


def _marks_from_form(request: HttpRequest, register) -> list[MarkInput]:
    """The no-script register: one radio group and one note per person."""
    reason = request.POST.get("reason", "")
    marks = []
    now = timezone.now()
    for row in register.rows:
        status = request.POST.get(f"status-{row.participant.pk}", "")
        note = request.POST.get(f"note-{row.participant.pk}", row.note)
        if not status or (status, note.strip()) == (row.status, row.note):
            continue
        marks.append(
            MarkInput(
                participant_id=row.participant.pk,
                status=status,
                note=note,
                reason=reason,
                client_marked_at=now,
                client_id=uuid.uuid4(),
            )
        )
    return marks


@login_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = _register_session(request, pk)
    if request.method == "POST":
        try:
            if "all_present" in request.POST:
                attendance_mark_all_present(session=session, marked_by=request.user)
            else:
                page = register_get(session=session)
                attendance_mark(
                    session=session, marked_by=request.user, marks=_marks_from_form(request, page)
                )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The register is saved."))
        return redirect("attendance:register", pk=session.pk)
    page = register_get(session=session, with_corrections=True, user=request.user)
    personal_read(request, [row.participant for row in page.rows], summary=gettext_noop("register"))
    locked = register_is_locked(session)
    context = {
        "session": session,
        "programme": session.programme,
        "register": page,
        "statuses": AttendanceStatus.choices,
        "locked": locked,
        "lock_at": register_lock_at(session),
        "can_change": not locked or has_role(request.user, Role.COORDINATOR),
        "opens_later": timezone.localtime(session.starts_at).date() > timezone.localdate(),
        "earliest_birth_date": earliest_birth_date(),
        "headcount_form": HeadcountForm(
            initial_counts={headcount.age_band: headcount.count for headcount in page.headcounts}
        )
        if session.programme.kind == "health_prevention"
        else None,
        "held_form": HeldDeclarationForm()
        if (
            has_role(request.user, Role.COORDINATOR)
            and not session.is_cancelled
            and session.starts_at < timezone.now()
            and not page.taken
            and page.held_declaration is None
        )
        else None,
    }
    return render(request, "attendance/register.html", context)


@login_required
def walk_in(request: HttpRequest, pk: int) -> HttpResponse:
    session = _register_session(request, pk)
    search = WalkInSearchForm(request.GET or None)
    newcomer = NewcomerForm(request.POST or None)
    if request.method == "POST":
        try:
            if "participant" in request.POST:
                participant = get_object_or_404(
                    participants_visible_to(request.user), pk=id_or_404(request.POST["participant"])
                )
                walk_in_add(session=session, participant=participant, marked_by=request.user)
            elif newcomer.is_valid():
                participant = walk_in_register(
                    session=session, marked_by=request.user, **newcomer.cleaned_data
                )
            else:
                participant = None
        except DomainError as error:
            if error.field in newcomer.fields:
                newcomer.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
        else:
            if participant is not None:
                messages.success(
                    request, _("%(name)s is on the register.") % {"name": participant.full_name}
                )
                return redirect("attendance:register", pk=session.pk)
    newcomer.tie_errors()
    query = search.cleaned_data["q"] if search.is_valid() else ""
    candidates = list(walk_in_candidates(user=request.user, query=query)) if query else []
    personal_read(request, candidates, summary=gettext_noop("walk-in search"))
    context = {
        "session": session,
        "programme": session.programme,
        "search": search,
        "query": query,
        "newcomer": newcomer,
        "earliest_birth_date": earliest_birth_date(),
        "candidates": candidates,
    }
    return render(request, "attendance/walk_in.html", context)


@require_POST
@login_required
def headcount(request: HttpRequest, pk: int) -> HttpResponse:
    session = _register_session(request, pk)
    form = HeadcountForm(request.POST)
    if form.is_valid():
        try:
            headcount_set(session=session, counts=form.counts(), updated_by=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The headcount is saved."))
    else:
        messages.error(request, _("Enter whole numbers, zero or more."))
    return redirect("attendance:register", pk=session.pk)


@require_GET
@login_required
def sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable attendance sheet of a session, to be signed on paper."""
    session = _register_session(request, pk)
    sheet = register_sheet(session=session)
    personal_read(request, sheet.participants, summary=gettext_noop("attendance sheet (PDF)"))
    content = register_sheet_pdf(sheet)
    day = timezone.localtime(session.starts_at).date()
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"emargement-{session.programme.slug}-{day:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def sign(request: HttpRequest, pk: int, participant_pk: int) -> HttpResponse:
    """A signature drawn with a finger on the phone, kept with the register."""
    session = _register_session(request, pk)
    participant = get_object_or_404(participants_visible_to(request.user), pk=participant_pk)
    error = None
    if request.method == "POST":
        try:
            signature_record(
                session=session,
                participant=participant,
                image=request.POST.get("image", ""),
                taken_by=request.user,
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, _("The signature of %(name)s is saved.") % {"name": participant.full_name}
            )
            return redirect("attendance:register", pk=session.pk)
    page = register_get(session=session)
    personal_read(request, [participant], summary=gettext_noop("signature page"))
    return render(
        request,
        "attendance/sign.html",
        {
            "session": session,
            "participant": participant,
            "error": error,
            "signature": page.signatures.get(participant.pk),
        },
        status=400 if error else 200,
    )


@login_required
def outreach(request: HttpRequest) -> HttpResponse:
    """Outreach contacts on a phone: the script sends them through the API, offline first; the
    form also posts here without the script."""
    require_staff(request.user)
    if request.method == "POST":
        try:
            day = datetime.date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            messages.error(request, _("Choose the day of the contact, today or before."))
            return redirect("attendance:outreach")
        counts = {}
        for band in age_bands():
            for sex in Sex.values:
                value = (request.POST.get(f"count-{band.key}-{sex}", "0") or "0").strip()
                # ASCII digits only ("²" is a digit to isdigit(), not to int()); the service
                # refuses what is out of range, naming the counts.
                readable = value.isascii() and value.isdecimal() and len(value) <= 9
                counts[(band.key, sex)] = int(value) if readable else -1
        try:
            outreach_record(
                client_id=uuid.uuid4(),
                recorded_by=request.user,
                day=day,
                place=request.POST.get("place", ""),
                theme=request.POST.get("theme", ""),
                neighbourhood=request.POST.get("neighbourhood", ""),
                in_qpv=bool(request.POST.get("in_qpv")),
                referral=bool(request.POST.get("referral")),
                counts=counts,
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The contact is recorded."))
        return redirect("attendance:outreach")
    return render(
        request,
        "attendance/outreach.html",
        {
            "today": timezone.localdate(),
            "bands": age_bands(),
            "sexes": Sex.choices,
            "themes": ProgrammeField.choices,
            "recent": outreach_recent(user=request.user),
        },
    )


@require_POST
@login_required
def held_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator declares a past session held although no register was taken."""
    session = _register_session(request, pk)
    form = HeldDeclarationForm(request.POST)
    if form.is_valid():
        try:
            held_declaration_create(
                session=session, reason=form.cleaned_data["reason"], declared_by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The session counts as held, without a register."))
    else:
        messages.error(request, _("Say why there is no register."))
    return redirect("attendance:register", pk=session.pk)


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    rows = follow_ups_read(request, user=request.user)
    for follow_up in rows:
        follow_up.contact = follow_up_contact(follow_up)
        follow_up.close_form = FollowUpCloseForm(prefix=f"f{follow_up.pk}")
    return render(
        request,
        "attendance/follow_ups.html",
        {"follow_ups": rows, "outcomes": FollowUpOutcome.choices},
    )


@require_POST
@login_required
def follow_up_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(follow_up_list(user=request.user, status=None), pk=pk)
    form = FollowUpCloseForm(request.POST, prefix=f"f{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose what came of the follow-up."))
        return redirect("attendance:follow-ups")
    try:
        follow_up_close(
            follow_up=follow_up,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            closed_by=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The follow-up of %(name)s is closed.") % {"name": follow_up.participant.full_name},
        )
    return redirect("attendance:follow-ups")


@login_required
def programme_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(programmes_with_figures_for(request.user), pk=pk)
    figures = programme_figures(programme=programme)
    personal_read(request, participants_named_in(figures), summary=gettext_noop("attendance rates"))
    return render(
        request, "attendance/programme.html", {"programme": programme, "figures": figures}
    )


@functools.cache
def _service_worker_source() -> bytes:
    path = finders.find(SERVICE_WORKER)
    if path is None:
        raise Http404
    with open(path, "rb") as source:
        return source.read()


@require_GET
@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served under /attendance/ rather than /static/, with the header that lets its scope be
    the whole site: the register pages and the mediator's home at /."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript")
    # Allowed to control the home page (/) as well, above its own URL.
    response["Service-Worker-Allowed"] = "/"
    return response


def programme_panel(request: HttpRequest, programme) -> str:
    """The attendance rate on the programme page, for its mediators and coordinators."""
    if not can_see_programme_attendance(request.user, programme):
        return ""
    return render_to_string(
        "attendance/_programme_panel.html",
        {
            "programme": programme,
            "rate": programme_figures(programme=programme).overall,
        },
        request=request,
    )
