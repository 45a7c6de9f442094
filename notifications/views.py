"""Staff: what was sent and what failed; families: how they want to be told."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from accounts.access import require_staff
from core.reads import personal_read
from households.access import can_write_households, households_visible_to
from households.errors import HouseholdError
from households.models import Guardian
from households.selectors import household_of_user
from households.services import guardian_update

from .forms import MessageFilterForm, PreferencesForm
from .models import Channel
from .selectors import message_list, messages_of_household, messages_visible_to
from .services import NotificationError, message_retry
from .sign_in import InvitationError, guardian_invite


@login_required
def message_log(request: HttpRequest) -> HttpResponse:
    require_staff(request.user)
    form = MessageFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    messages_qs = message_list(
        user=request.user,
        session_id=filters.get("session"),
        household_id=filters.get("household"),
        state=filters.get("state") or None,
        channel=filters.get("channel") or None,
        kind=filters.get("kind") or None,
    )
    page = Paginator(messages_qs, 50).get_page(request.GET.get("page"))
    personal_read(request, page.object_list, summary=gettext_noop("message log"))
    return render(request, "notifications/message_log.html", {"form": form, "page": page})


@login_required
@require_POST
def message_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request.user)
    message = get_object_or_404(messages_visible_to(request.user), pk=pk)
    try:
        message_retry(message=message, retried_by=request.user)
        messages.success(request, _("The message will be sent again."))
    except NotificationError as error:
        messages.error(request, error.message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications:log"
    return redirect(target)


# A phone shows about this many rows without scrolling far.
FAMILY_MESSAGES_PER_PAGE = 10


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """A guardian chooses how the service tells them things."""
    household = household_of_user(user=request.user)
    guardian = household and household.guardians.filter(user=request.user).first()
    if guardian is None:
        raise Http404
    form = PreferencesForm(
        request.POST or None,
        initial={
            "preferred_channel": guardian.preferred_channel,
            "language": guardian.language,
            "opt_out_sms": guardian.opt_out_sms,
            "opt_out_email": guardian.opt_out_email,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guardian_update(
                guardian=guardian,
                first_name=guardian.first_name,
                last_name=guardian.last_name,
                phone=guardian.phone,
                email=guardian.email,
                preferred_channel=data["preferred_channel"],
                language=data["language"],
                opt_out_sms=data["opt_out_sms"],
                opt_out_email=data["opt_out_email"],
            )
        except HouseholdError as error:
            field = {"phone": "preferred_channel", "email": "preferred_channel"}.get(
                error.field or "", error.field
            )
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "guardian": guardian,
            "page": Paginator(
                messages_of_household(household_id=household.pk), FAMILY_MESSAGES_PER_PAGE
            ).get_page(request.GET.get("page")),
        },
    )


@login_required
@require_POST
def guardian_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A mediator sends a guardian the link to set up their access (from the household page)."""
    require_staff(request.user)
    if not can_write_households(request.user):
        raise PermissionDenied
    guardian = get_object_or_404(
        Guardian.objects.select_related("user").filter(
            household__in=households_visible_to(request.user)
        ),
        pk=pk,
    )
    back = reverse("households:household", args=[guardian.household_id])
    channel = request.POST.get("channel", "")
    try:
        guardian_invite(guardian=guardian, channel=channel, invited_by=request.user)
    except InvitationError as error:
        messages.error(request, error.message)
        return redirect(back)
    if channel == Channel.SMS:
        messages.success(
            request, _("The invitation was sent by SMS to %(name)s.") % {"name": guardian.full_name}
        )
    else:
        messages.success(
            request,
            _("The invitation was sent by e-mail to %(name)s.") % {"name": guardian.full_name},
        )
    return redirect(back)
