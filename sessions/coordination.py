"""Coordination pages: a programme with its schedules and sessions, cancelling and moving them."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import coordinator_required
from core.errors import form_error
from core.ids import id_or_404
from jobs.services import job_start
from programmes.forms import ProgrammeForm
from programmes.models import Programme, ProgrammeStatus
from programmes.services import ProgrammeError

from .background import REGENERATE_SESSIONS
from .coordination_forms import ScheduleForm, SessionCancelForm, SessionMoveForm
from .models import Schedule, Session
from .previews import schedule_preview
from .selectors import (
    coordination_programme_sessions,
    coordination_programmes,
    session_for_change,
)
from .services import (
    SessionError,
    programme_create_with_schedule,
    programme_duplicate_into_next_school_year,
    schedule_save,
    session_cancel,
    session_move,
)

PREVIEW, SAVE = "preview", "save"


def _saved_message(request: HttpRequest, report) -> None:
    messages.success(
        request,
        _("Schedule saved: %(created)d sessions created, %(updated)d moved, %(deleted)d removed.")
        % {
            "created": len(report.created),
            "updated": len(report.updated),
            "deleted": len(report.deleted),
        },
    )
    if report.conflicts:
        messages.warning(
            request,
            _(
                "%(count)d sessions were left as they are (enrolments or changes by hand): "
                "check them below."
            )
            % {"count": len(report.conflicts)},
        )


@coordinator_required
def programme_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status")
    if status not in ProgrammeStatus.values:
        status = None
    return render(
        request,
        "sessions/coordination/programme_list.html",
        {
            "programmes": coordination_programmes(status=status),
            "statuses": ProgrammeStatus.choices,
            "status": status,
        },
    )


@coordinator_required
def programme_create(request: HttpRequest) -> HttpResponse:
    """A programme and its first schedule; "preview" shows the dates, "save" writes."""
    form = ProgrammeForm(request.POST or None)
    schedule_form = ScheduleForm(request.POST or None, prefix="schedule")
    preview = None
    if request.method == "POST" and form.is_valid() and schedule_form.is_valid():
        programme = form.save(commit=False)
        schedule = schedule_form.fill(Schedule(programme=programme))
        if request.POST.get("action") == SAVE:
            try:
                report = programme_create_with_schedule(
                    programme=programme,
                    mediators=form.cleaned_data["mediators"],
                    partners=form.cleaned_data["partners"],
                    schedule=schedule,
                    facilitators=schedule_form.cleaned_data["facilitators"],
                    create_past=schedule_form.cleaned_data["create_past_dates"],
                )
            except ProgrammeError as error:
                programme.pk = None  # rolled back: a second try creates it afresh
                form_error(form, error)
            except SessionError as error:
                programme.pk = None
                form_error(schedule_form, error)
            else:
                _saved_message(request, report)
                return redirect("coordination:programme", pk=programme.pk)
        else:
            preview = schedule_preview(schedule=schedule, rule=schedule_form.rule())
    return render(
        request,
        "sessions/coordination/programme_create.html",
        {
            "form": form,
            "schedule_form": schedule_form,
            "preview": preview,
            "creating": True,
        },
    )


@coordinator_required
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(
        Programme.objects.select_related("venue").prefetch_related("schedules__venue"), pk=pk
    )
    return render(
        request,
        "sessions/coordination/programme_detail.html",
        {
            "programme": programme,
            "schedules": programme.schedules.all(),
            "sessions": coordination_programme_sessions(programme=programme),
        },
    )


def _schedule_page(request: HttpRequest, programme: Programme, schedule: Schedule) -> HttpResponse:
    initial = ScheduleForm.initial_from(schedule) if schedule.pk else None
    form = ScheduleForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        form.fill(schedule)
        if request.POST.get("action") == SAVE:
            try:
                report = schedule_save(
                    schedule=schedule,
                    facilitators=form.cleaned_data["facilitators"],
                    create_past=form.cleaned_data["create_past_dates"],
                )
            except SessionError as error:
                form.add_error(error.field, error.message)
            else:
                _saved_message(request, report)
                return redirect("coordination:programme", pk=programme.pk)
        else:
            preview = schedule_preview(schedule=schedule, rule=form.rule())
    return render(
        request,
        "sessions/coordination/schedule_form.html",
        {
            "form": form,
            "programme": programme,
            "schedule": schedule,
            "preview": preview,
        },
    )


@coordinator_required
def schedule_create(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.select_related("venue"), pk=pk)
    return _schedule_page(request, programme, Schedule(programme=programme))


@coordinator_required
def schedule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule.objects.select_related("programme__venue"), pk=pk)
    return _schedule_page(request, schedule.programme, schedule)


@require_POST
@coordinator_required
def sessions_regenerate(request: HttpRequest) -> HttpResponse:
    """Regenerate one programme's sessions, or every programme's, in the background."""
    programme = None
    if programme_id := request.POST.get("programme"):
        programme = get_object_or_404(Programme, pk=id_or_404(programme_id))
    title = (
        _("Generating the sessions of “%(programme)s”") % {"programme": programme.title}
        if programme
        else _("Generating the sessions of every programme")
    )
    job = job_start(
        kind=REGENERATE_SESSIONS,
        owner=request.user,
        title=title,
        params={"programme_id": programme.pk} if programme else {},
    )
    return redirect(job)


@coordinator_required
def programme_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.prefetch_related("schedules"), pk=pk)
    if request.method == "POST":
        copy = programme_duplicate_into_next_school_year(programme=programme)
        messages.success(
            request,
            _("“%(title)s” is created as a draft. Check its schedules, then generate its sessions.")
            % {"title": copy.title},
        )
        return redirect("coordination:programme", pk=copy.pk)
    return render(
        request, "sessions/coordination/programme_duplicate.html", {"programme": programme}
    )


def _changeable_session(pk: int) -> Session:
    try:
        return session_for_change(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


@coordinator_required
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page saying how many people will be told; the POST cancels."""
    session = _changeable_session(pk)
    form = SessionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel(
                session=session,
                reason=form.cleaned_data["reason"],
                reason_code=form.cleaned_data["reason_code"],
                changed_by=request.user,
            )
        except SessionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("The session is cancelled; the people enrolled are told."))
            return redirect("coordination:programme", pk=session.programme_id)
    return render(
        request, "sessions/coordination/session_cancel.html", {"session": session, "form": form}
    )


@coordinator_required
def session_move_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 chooses the new time and place; step 2 confirms, saying who will be told."""
    session = _changeable_session(pk)
    starts_at, ends_at = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    initial = {
        "date": starts_at.date(),
        "venue": session.venue,
        "start_time": starts_at.time(),
        "end_time": ends_at.time(),
    }
    form = SessionMoveForm(request.POST or None, initial=initial)
    confirming = False
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.times()
        if request.POST.get("action") == SAVE:
            try:
                session_move(
                    session=session,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    venue=form.cleaned_data["venue"],
                    reason=form.cleaned_data["reason"],
                    reason_code=form.cleaned_data["reason_code"],
                    changed_by=request.user,
                )
            except SessionError as error:
                field = {"starts_at": "date", "ends_at": "end_time"}.get(error.field)
                form.add_error(field, error.message)
            else:
                messages.success(request, _("The session is moved; the people enrolled are told."))
                return redirect("coordination:programme", pk=session.programme_id)
        elif request.POST.get("action") == PREVIEW:
            confirming = True
    return render(
        request,
        "sessions/coordination/session_move.html",
        {
            "session": session,
            "form": form,
            "confirming": confirming,
            "new_start": form.times()[0] if confirming else None,
            "new_end": form.times()[1] if confirming else None,
        },
    )
