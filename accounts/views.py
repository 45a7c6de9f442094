"""A person's own API tokens; the audit trail for coordinators."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import (
    ApiTokenForm,
    AuditFilterForm,
    ClaimForm,
    FamilyPasswordResetForm,
    SignInCodeForm,
    SignInCodeRequestForm,
    SignInForm,
    SignUpForm,
)
from .models import ApiToken
from .network import client_ip
from .roles import can_read_audit
from .selectors import api_token_list, audit_event_list, audit_object_types
from .services import (
    AccountError,
    api_token_create,
    api_token_revoke,
    family_sign_up,
    invitation_claim,
    invitation_details,
    invitation_for_token,
    sign_in_code_request,
    sign_in_code_verify,
)


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    # The raw value is rendered in the answer to the POST itself, never stored, so it is shown
    # once; never_cache keeps it out of the browser's cache.
    form = ApiTokenForm(request.POST or None)
    new_token = raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw_token = api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": api_token_list(user=request.user),
        "new_token": new_token,
        "raw_token": raw_token,
    }
    return render(request, "accounts/tokens.html", context, status=201 if new_token else 200)


@require_POST
@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = api_token_revoke(user=request.user, token_id=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    except AccountError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name},
        )
    return redirect("accounts:tokens")


AUDIT_PAGE_SIZE = 50


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not can_read_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, object_types=audit_object_types())
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = audit_event_list(
        actor=filters.get("actor") or None,
        action=filters.get("action") or None,
        object_type=filters.get("object_type") or None,
        object_id=filters.get("object_id") or None,
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """django-axes' lock-out page, saying in words how long to wait (429 Too Many Requests)."""
    cool_off = settings.AXES_COOLOFF_TIME
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": max(1, int(cool_off.total_seconds() // 60)),
        },
        status=429,
    )


# Signing in ------------------------------------------------------------------------------------

SESSION_IDENTIFIER = "sign_in_code_identifier"
SIGN_IN_BACKEND = "accounts.backends.ContactBackend"
SIGN_UP_EMAIL = "sign_up_email"


def _safe_next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return ""


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail; the link is built from SITE_URL, never from the Host header."""

    form_class = FamilyPasswordResetForm

    @property
    def extra_email_context(self) -> dict:  # type: ignore[override]
        return {"site_url": settings.SITE_URL}


@never_cache
def code_request(request: HttpRequest) -> HttpResponse:
    """Step 1 of signing in with a code: the e-mail or phone. The answer is the same whether or
    not an account uses it."""
    form = SignInCodeRequestForm(request.POST or None)
    next_url = _safe_next(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            identifier = sign_in_code_request(
                identifier=form.cleaned_data["identifier"],
                ip_address=client_ip(request),
                request=request,
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
            status = error.status
        else:
            request.session[SESSION_IDENTIFIER] = identifier.value
            target = reverse("accounts:code-verify")
            return redirect(f"{target}?{urlencode({'next': next_url})}" if next_url else target)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "registration/code_request.html",
        {"form": form, "next": next_url, "minutes": settings.SIGN_IN_CODE_MINUTES},
        status=status,
    )


@never_cache
def code_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: the 6 digits received."""
    identifier = request.session.get(SESSION_IDENTIFIER)
    if not identifier:
        return redirect("accounts:code-request")
    form = SignInCodeForm(request.POST or None)
    next_url = _safe_next(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = sign_in_code_verify(
                identifier=identifier, code=form.cleaned_data["code"], request=request
            )
        except AccountError as error:
            form.add_error(error.field, error.message)
            status = error.status
        else:
            request.sign_in_method = "code"  # type: ignore[attr-defined]
            auth_login(request, user, backend=SIGN_IN_BACKEND)
            return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "registration/code_verify.html",
        {
            "form": form,
            "next": next_url,
            "identifier": identifier,
            "minutes": settings.SIGN_IN_CODE_MINUTES,
        },
        status=status,
    )


@never_cache
def sign_up(request: HttpRequest) -> HttpResponse:
    """A family opens an account, then registers its household."""
    if request.user.is_authenticated:
        return redirect(settings.SIGN_UP_REDIRECT_URL)
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = family_sign_up(**form.cleaned_data)
        except AccountError as error:
            form.add_error(error.field, error.message)
            status = error.status
        else:
            auth_login(request, user, backend=SIGN_IN_BACKEND)
            # What was typed, offered again on the household form whether or not the account
            # could keep it (a known address opens an account without it: see family_sign_up).
            request.session[SIGN_UP_EMAIL] = form.cleaned_data["email"].strip().lower()
            return redirect(settings.SIGN_UP_REDIRECT_URL)
    elif request.method == "POST":
        status = 400
    return render(request, "registration/sign_up.html", {"form": form}, status=status)


@never_cache
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation links to: choose how to sign in, then land on the family page."""
    try:
        invitation = invitation_for_token(token=token)
        details = invitation_details(invitation=invitation)
    except AccountError as error:
        return render(
            request, "registration/claim_invalid.html", {"message": error.message}, status=404
        )
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_claim(token=token, password=form.cleaned_data["password"])
        except AccountError as error:
            if error.field == "token":
                return render(
                    request,
                    "registration/claim_invalid.html",
                    {"message": error.message},
                    status=404,
                )
            form.add_error("password" if error.field == "password" else None, error.message)
            status = error.status
        else:
            request.sign_in_method = "invitation"  # type: ignore[attr-defined]
            auth_login(request, user, backend=SIGN_IN_BACKEND)
            messages.success(request, _("Welcome! Your access is ready."))
            return redirect(settings.LOGIN_REDIRECT_URL)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "registration/claim.html",
        {"form": form, "first_name": details.first_name},
        status=status,
    )
