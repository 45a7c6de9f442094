"""The spaces each role works in, beside its home: the family's household and enrolments, the
mediator's search and programmes, the partner's referrals. Their paths stay under my/."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_noop

from accounts.roles import Role, has_role
from core.reads import personal_read
from enrolment.access import partner_of
from enrolment.forms import ProgrammeChoiceForm
from enrolment.models import EnrolmentSource, EnrolmentStatus
from enrolment.selectors import enrolment_list
from enrolment.selectors.spaces import household_enrolments, published_programmes
from households import selectors as household_selectors
from households.forms import HouseholdSearchForm
from households.models import ConsentKind
from households.views import staff_only

from .homes import pending_referrals, programmes_managed_by, with_cancel_policy


@login_required
def family_space(request: HttpRequest) -> HttpResponse:
    household = household_selectors.household_of_user(user=request.user)
    if household is None:
        return redirect("households:family-register")
    household = household_selectors.household_detail(user=request.user, pk=household.pk)
    enrolments = with_cancel_policy(household_enrolments(household=household))
    return render(
        request,
        "workspace/family_space.html",
        {
            "household": household,
            "enrolments": enrolments,
            "referrals": [e for e in enrolments if e.status == EnrolmentStatus.PROPOSED],
            "consent_kinds": ConsentKind.choices,
            "contact": settings.SERVICE_CONTACT,
        },
    )


@login_required
def mediation_space(request: HttpRequest) -> HttpResponse:
    staff_only(request.user)
    search = HouseholdSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    households = (
        list(household_selectors.household_list(user=request.user, search=query)[:20])
        if query
        else []
    )
    everything = has_role(request.user, Role.COORDINATOR, Role.ADMINISTRATOR)
    referrals = list(pending_referrals(enrolments=enrolment_list(user=request.user))[:50])
    personal_read(request, [*households, *referrals], summary=gettext_noop("mediation home"))
    return render(
        request,
        "workspace/mediation_space.html",
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
def partner_space(request: HttpRequest) -> HttpResponse:
    partner = partner_of(request.user)
    if partner is None:
        raise PermissionDenied
    referrals = list(
        enrolment_list(user=request.user, source=EnrolmentSource.PARTNER_REFERRAL)[:200]
    )
    personal_read(request, referrals, summary=gettext_noop("partner referrals"))
    return render(
        request,
        "workspace/partner_space.html",
        {
            "partner": partner,
            "referrals": referrals,
            "programme_form": ProgrammeChoiceForm(programmes=published_programmes()),
        },
    )
