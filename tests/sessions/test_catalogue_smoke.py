import pytest

from tests.factories import ProgrammeFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_catalogue_lists_published_programmes(client):
    programme = ProgrammeFactory(title="Atelier cuisine")
    SessionFactory(programme=programme)
    response = client.get("/programmes/")
    assert response.status_code == 200
    assert "Atelier cuisine" in response.content.decode()
