"""The coordinator's page for a programme's own fields (its schedules and sessions are in sessions)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.access import coordinator_required

from .forms import ProgrammeForm
from .models import Programme
from .services import ProgrammeError, programme_save


@coordinator_required
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme, pk=pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            programme_save(
                programme=form.save(commit=False),
                mediators=form.cleaned_data["mediators"],
                partners=form.cleaned_data["partners"],
            )
        except ProgrammeError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("coordination:programme", pk=programme.pk)
    return render(
        request,
        "programmes/programme_form.html",
        {"form": form, "programme": programme, "creating": False},
    )
