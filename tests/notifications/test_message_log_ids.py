"""The message log's filters read ids as ids: a number past what the database holds, or a
digit that is not ASCII, is a form error beside the filter, not a server error."""

import pytest

from accounts.roles import Role
from core.ids import DB_ID_MAX
from tests.factories import MessageFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["household", "session"])
@pytest.mark.parametrize("value", [str(10**30), str(DB_ID_MAX + 1), "²", "-3", "1e3"])
def test_a_malformed_id_filter_is_a_form_error(client, english, field, value):
    client.force_login(user_with_role(Role.COORDINATOR))
    MessageFactory()
    response = client.get("/notifications/", {field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_the_largest_id_filters_to_nothing(client):
    client.force_login(user_with_role(Role.COORDINATOR))
    MessageFactory()
    response = client.get("/notifications/", {"household": str(DB_ID_MAX)})
    assert response.status_code == 200
    assert not response.context["form"].errors
    assert not list(response.context["page"].object_list)
