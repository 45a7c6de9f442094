"""``/favicon.ico``: browsers ask for it at the root whatever the page says, so it is served
there (from the static files) rather than answered with a 404 logged on every first visit."""

from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

FAVICON = "img/favicon.ico"


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    found = finders.find(FAVICON)
    if not found:
        raise Http404
    with open(found, "rb") as icon:  # a few kilobytes: read at once, not streamed
        return HttpResponse(icon.read(), content_type="image/x-icon")
