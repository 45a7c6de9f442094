"""Each role's home."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import is_coordinator
from accounts.roles import Role, has_role

from .homes import (
    coordinator_week,
    family_home,
    mediator_home,
    open_follow_ups_per_programme,
    partner_home,
    programmes_needing_attention,
)


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page; a visitor on the catalogue."""
    user = request.user
    if not user.is_authenticated:
        return redirect("catalogue:list")
    if is_coordinator(user):
        week = coordinator_week()
        absences = open_follow_ups_per_programme(user=user)
        return render(
            request,
            "workspace/home_coordinator.html",
            {
                "week": week,
                "attention": programmes_needing_attention(week=week, absences=absences),
            },
        )
    if has_role(user, Role.MEDIATOR):
        return render(request, "workspace/home_mediator.html", {"home": mediator_home(user=user)})
    if has_role(user, Role.PARTNER):
        return render(request, "workspace/home_partner.html", {"home": partner_home(user=user)})
    return render(request, "workspace/home_family.html", {"home": family_home(user=user)})
