import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sessions.models import FeedScope, FeedToken
from tests.factories import PartnerFactory, feed_token_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-123456789")
    client.force_login(user)
    return client


def test_admin_issues_a_link_and_shows_it_once(admin_client_logged):
    partner = PartnerFactory()
    response = admin_client_logged.post(
        reverse("admin:workshop_sessions_feedtoken_add"),
        {"scope": FeedScope.PARTNER, "partner": partner.pk, "language": "fr"},
    )
    # POST/redirect/GET: the page showing the secret is reached by a GET.
    issued = reverse("admin:workshop_sessions_feedtoken_issued")
    assert response.status_code == 302 and response["Location"] == issued
    page = admin_client_logged.get(issued)
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    token = FeedToken.objects.get(partner=partner)
    assert "/calendars/partners/" in html and "webcal://" in html
    start = html.index("http://127.0.0.1:8000/calendars/partners/")
    raw = html[start : html.index('"', start)].rsplit("/", 1)[1].removesuffix(".ics")
    assert raw.startswith(token.prefix) and token.token_hash != raw
    # Reloading the page shows the secret no more, and neither issues nor revokes a link.
    reloaded = admin_client_logged.get(issued).content.decode()
    assert raw not in reloaded and "shown once already" in reloaded
    assert list(FeedToken.objects.filter(partner=partner)) == [token]
    token.refresh_from_db()
    assert token.revoked_at is None


def test_admin_rejects_an_owner_that_does_not_match_the_scope(admin_client_logged):
    response = admin_client_logged.post(
        reverse("admin:workshop_sessions_feedtoken_add"),
        {"scope": FeedScope.MEDIATOR, "partner": PartnerFactory().pk, "language": "fr"},
    )
    assert response.status_code == 200 and not FeedToken.objects.exists()
    assert "matching its kind" in response.content.decode()


def test_admin_rotates_and_revokes(admin_client_logged):
    token, _raw = feed_token_for(partner=PartnerFactory())
    changelist = reverse("admin:workshop_sessions_feedtoken_changelist")
    rotated = admin_client_logged.post(
        changelist, {"action": "rotate_links", "_selected_action": [token.pk]}, follow=True
    )
    assert "webcal://" in rotated.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    fresh = FeedToken.objects.get(revoked_at__isnull=True)
    # A reload of the page that showed the renewed link renews nothing again.
    admin_client_logged.get(reverse("admin:workshop_sessions_feedtoken_issued"))
    assert FeedToken.objects.get(revoked_at__isnull=True) == fresh
    admin_client_logged.post(changelist, {"action": "revoke_links", "_selected_action": [fresh.pk]})
    fresh.refresh_from_db()
    assert fresh.revoked_at is not None
    assert admin_client_logged.get(changelist, {"q": fresh.prefix}).status_code == 200
