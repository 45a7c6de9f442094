"""Public pages: the catalogue of programmes, a programme and a session."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from programmes.models import Programme
from programmes.schemas import programme_feed_url
from programmes.selectors import programme_get_published

from .feeds import webcal_url
from .forms import CatalogueFilterForm
from .hooks import programme_panels
from .selectors import catalogue_programmes, session_list, upcoming_sessions_for_programme


def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    programmes = catalogue_programmes(
        kind=filters.get("kind") or None,
        field=filters.get("field") or None,
        age=filters.get("age"),
        on_or_after=filters.get("date"),
    )
    return render(request, "sessions/catalogue.html", {"form": form, "programmes": programmes})


def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        programme = programme_get_published(slug=slug)
    except Programme.DoesNotExist as exc:
        raise Http404 from exc
    sessions = upcoming_sessions_for_programme(programme=programme)
    feed_url = programme_feed_url(programme)
    return render(
        request,
        "sessions/programme_detail.html",
        {
            "programme": programme,
            "sessions": sessions,
            "feed_url": feed_url,
            "webcal_url": webcal_url(feed_url),
            "panels": programme_panels(request, programme),
        },
    )


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(session_list(), pk=pk)
    return render(
        request,
        "sessions/session_detail.html",
        {"session": session, "programme": session.programme},
    )
