"""A person's own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .forms import ApiTokenForm
from .models import ApiToken
from .selectors import api_token_list
from .services import AccountError, api_token_create, api_token_revoke


@never_cache
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    # The raw value is rendered in the answer to the POST itself, never stored, so it is shown
    # once; never_cache keeps it out of the browser's cache.
    form = ApiTokenForm(request.POST or None)
    new_token = raw_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, raw_token = api_token_create(user=request.user,
                                                    name=form.cleaned_data["name"])
        except AccountError as error:
            form.add_error(error.field, error.message)
        else:
            form = ApiTokenForm()
    context = {"form": form, "tokens": api_token_list(user=request.user),
               "new_token": new_token, "raw_token": raw_token}
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
        messages.success(request, _("The token “%(name)s” is revoked: it no longer works.")
                         % {"name": token.name})
    return redirect("accounts:tokens")
