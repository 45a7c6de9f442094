"""Calendar feeds over HTTP, the single-session download and the page of a person's feeds.

Feeds need no login or cookie: calendar clients poll them with the URL alone, private ones
holding a secret token. Every answer is ``text/calendar; charset=utf-8`` whatever the Accept
header; conditional requests are answered from the feed's version without building it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from programmes.models import Field
from programmes.selectors import programme_list_published

from .feeds import (
    Feed,
    FeedWindow,
    feed_build,
    feed_language,
    feed_token_find,
    feed_version,
    mediator_feed,
    partner_feed,
    programme_feed,
    webcal_url,
)
from .ical import build_calendar
from .models import FeedScope, FeedToken, FeedTokenBase
from .selectors import feed_tokens_of_user, session_for_download
from .services import feed_token_issue, feed_token_mark_read, feed_token_revoke, feed_token_rotate

CALENDAR_CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_response(request: HttpRequest, feed: Feed, *, token: FeedTokenBase | None = None):
    window = FeedWindow.current()
    version = feed_version(feed, window)
    headers = {
        "ETag": version.etag,
        "Last-Modified": http_date(version.last_modified.timestamp()),
        "Cache-Control": "private, max-age=0" if feed.private else "public, max-age=900",
    }
    if feed.private:
        headers["X-Robots-Tag"] = "noindex, nofollow"
    response = get_conditional_response(
        request, etag=version.etag, last_modified=int(version.last_modified.timestamp())
    )
    if response is None:
        response = HttpResponse(feed_build(feed, window=window), content_type=CALENDAR_CONTENT_TYPE)
        if token is not None:
            feed_token_mark_read(token=token)
    for name, value in headers.items():
        response[name] = value
    # The feed's own language (its ?lang= or its token's), not the one the request negotiated.
    response["Content-Language"] = feed.language
    # The body depends on the URL alone (path, token, query): no cookie, no Accept-Language.
    response.vary_only_on = ()
    return response


def _bad_request(message: str) -> HttpResponse:
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


def private_feed(
    request: HttpRequest,
    raw_token: str,
    *,
    model: type[FeedTokenBase],
    related: tuple[str, ...],
    make_feed: Callable[[FeedTokenBase], Feed | HttpResponse],
    kind: dict | None = None,
) -> HttpResponse:
    """A feed behind a secret token: 404 when unknown or of another kind of feed, 410 Gone
    once revoked (clients stop)."""
    token = feed_token_find(model, raw_token, related=related, kind=kind)
    if token is None:
        raise Http404
    if token.is_revoked:
        return HttpResponse(
            _("This calendar link was revoked."),
            status=410,
            content_type="text/plain; charset=utf-8",
            headers={"X-Robots-Tag": "noindex, nofollow"},
        )
    feed = make_feed(token)
    if isinstance(feed, HttpResponse):
        return feed
    return feed_response(request, feed, token=token)


@require_safe
def programme_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    # One query: a 304 must cost at most two.
    programme = get_object_or_404(
        programme_list_published().select_related(None).only("pk", "title", "slug"), slug=slug
    )
    feed = programme_feed(programme=programme, language=feed_language(request.GET.get("lang")))
    return feed_response(request, feed)


def _partner_feed(request: HttpRequest, token: FeedToken) -> Feed | HttpResponse:
    field = request.GET.get("field") or None
    if field is not None and field not in Field.values:
        return _bad_request(
            _("field: choose one of %(fields)s.") % {"fields": ", ".join(Field.values)}
        )
    return partner_feed(partner=token.partner, language=token.language, field=field)


@require_safe
def partner_calendar(request: HttpRequest, token: str) -> HttpResponse:
    return private_feed(
        request,
        token,
        model=FeedToken,
        related=("partner",),
        kind={"scope": FeedScope.PARTNER},
        make_feed=lambda found: _partner_feed(request, found),
    )


@require_safe
def mediator_calendar(request: HttpRequest, token: str) -> HttpResponse:
    return private_feed(
        request,
        token,
        model=FeedToken,
        related=("mediator__user",),
        kind={"scope": FeedScope.MEDIATOR},
        make_feed=lambda found: mediator_feed(mediator=found.mediator, language=found.language),
    )


@require_safe
def session_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """One session as an .ics file to open ("add to my calendar"), with the UID of the feeds."""
    session = get_object_or_404(session_for_download(), pk=pk)
    body = build_calendar([session], name=session.programme.title)
    response = HttpResponse(body, content_type=CALENDAR_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}.ics"'
    return response


@dataclass
class FeedLink:
    """A feed offered on a page; ``url`` only right after its secret was issued."""

    title: str
    token: FeedTokenBase | None
    key: str
    kind: str
    url: str = ""

    @property
    def webcal_url(self) -> str:
        return webcal_url(self.url) if self.url else ""


# Where secret URLs just issued wait for the one page that shows them (issued_links_keep).
ISSUED_LINKS_SESSION_KEY = "calendar_links_issued"


def issued_links_keep(request: HttpRequest, links: list[dict[str, str]]) -> None:
    """Keep the secret URLs just issued (``{"key", "title", "url"}`` each) for the page the
    POST redirects to: reloading that page then neither issues again nor revokes what was just
    given. They wait in the server-side session until that page shows them, once."""
    request.session[ISSUED_LINKS_SESSION_KEY] = links


def issued_links_take(request: HttpRequest) -> list[dict[str, str]]:
    """The secret URLs waiting to be shown, removed from the session as they are read."""
    return request.session.pop(ISSUED_LINKS_SESSION_KEY, None) or []


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def my_calendars(request: HttpRequest) -> HttpResponse:
    """The private feeds of the person: create, renew or revoke their links.

    A POST changes a link and redirects (POST/redirect/GET), so that reloading the page that
    shows a new secret URL re-sends nothing: no second link, no revocation of the first. The
    new URL is shown once, on the page the POST redirects to; never_cache
    (``Cache-Control: no-store``) keeps it out of every cache."""
    offers = feed_tokens_of_user(request.user)
    if request.method == "POST":
        by_key = {offer.key: offer for offer in offers}
        offer = by_key.get(request.POST.get("feed", ""))
        action = request.POST.get("action")
        if offer is None or action not in {"issue", "revoke"}:
            return _bad_request(_("feed: unknown calendar."))
        if action == "revoke":
            if offer.active is not None:
                feed_token_revoke(token=offer.active)
            messages.success(request, _("The link was revoked."))
        else:
            if offer.active is not None:
                token, raw = feed_token_rotate(token=offer.active, created_by=request.user)
            else:
                token, raw = feed_token_issue(token=offer.new_token(), created_by=request.user)
            url = f"{settings.SITE_URL}{token.feed_path(raw)}"
            issued_links_keep(request, [{"key": offer.key, "title": offer.title, "url": url}])
        return redirect("calendars:mine")
    issued = {link["key"]: link["url"] for link in issued_links_take(request)}
    links = [
        FeedLink(
            title=offer.title,
            token=offer.active,
            key=offer.key,
            kind=offer.kind,
            url=issued.get(offer.key, ""),
        )
        for offer in offers
    ]
    return render(
        request,
        "sessions/my_calendars.html",
        {
            "links": links,
            "fields": Field.choices,
            "partner_scope": FeedScope.PARTNER,
        },
    )
