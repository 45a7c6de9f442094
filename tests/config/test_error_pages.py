import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.test import RequestFactory
from django.urls import path
from django.utils import translation
from django.views import defaults

from config import urls as site_urls


def _raise(exc):
    def view(request):
        raise exc

    return view


# The site's own URLs stay: error pages reverse them (home, catalogue, login).
urlpatterns = [
    path("boom/", _raise(RuntimeError("boom"))),
    path("denied/", _raise(PermissionDenied)),
    path("bad/", _raise(SuspiciousOperation("bad"))),
    path("missing/", _raise(Http404)),
    path("api/v1/boom", _raise(RuntimeError("boom"))),
    *site_urls.urlpatterns,
]


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_500_page_needs_neither_database_nor_context_processors():
    # No django_db mark: any query would fail the test.
    with translation.override("en"):
        response = defaults.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in body
    assert 'class="site-header"' in body  # extends base.html
    assert "language-form" not in body  # that form needs a CSRF token from a context


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/boom/", 500, "Server error"),
        ("/denied/", 403, "Access denied"),
        ("/bad/", 400, "Bad request"),
        ("/missing/", 404, "Page not found"),
        ("/no-such-page/", 404, "Page not found"),
    ],
)
def test_error_pages_use_the_site_layout(client, failing_urls, settings, url, status, title):
    client.raise_request_exception = False
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{title}</h1>" in body
    assert 'class="site-header"' in body

    # French unless the browser asks otherwise.
    settings.LANGUAGE_CODE = "fr"
    assert '<html lang="fr">' in client.get(url).content.decode()


@pytest.mark.django_db
def test_csrf_failure_page(client):
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(
        "/accounts/login/", {"username": "x", "password": "y"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "<h1>Form expired</h1>" in response.content.decode()


@pytest.mark.django_db
def test_api_errors_outside_the_api_handlers_keep_the_json_shape(client):
    response = client.get("/api/v1/programmes/not-a-number")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}

    response = client.delete("/api/v1/programmes", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed.", "errors": []}
    assert "GET" in response["Allow"]


@pytest.mark.django_db
def test_api_server_error_answers_json(client, failing_urls):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response.json()["detail"].startswith("Server error")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/programmes", "/api/v1/sessions"])
def test_api_pagination_refuses_offsets_past_what_databases_accept(client, url):
    response = client.get(url, {"offset": 2**70}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "offset"
    assert client.get(url, {"offset": 2**31 - 1}).json()["items"] == []
