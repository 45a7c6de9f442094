import pytest

from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url", ["/programmes/", "/accounts/login/", "/api/v1/programmes"])
def test_content_security_policy_allows_only_own_resources(client, url):
    ProgrammeFactory()
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script_or_style(client):
    """The policy forbids inline code: a page that needs it would break in browsers."""
    ProgrammeFactory()
    for url in ["/programmes/", "/accounts/login/", "/no-such-page/"]:
        body = client.get(url).content.decode()
        assert "<style" not in body
        assert " style=" not in body
        assert "<script>" not in body
        assert " onclick=" not in body and " onload=" not in body


def test_api_docs_are_served_without_a_cdn(client):
    body = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in body
    assert "/static/ninja/swagger-ui-bundle.js" in body
