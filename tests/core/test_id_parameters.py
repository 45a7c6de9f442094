"""Every page, with every id-like query parameter set to what is not an id: never a 500.

The pages are read from the URL configuration (as the access matrix reads them), so a page
added later is tried too. Ids read from a query string go through ``core.ids`` (``parse_id``,
``IdField``); a number past what the database holds must not reach it.
"""

import pytest

from accounts.roles import Role
from core.ids import DB_ID_MAX
from tests.factories import MediatorFactory, user_with_role
from tests.privacy.test_access_matrix import _page_urls

pytestmark = pytest.mark.django_db

ID_PARAMETERS = (
    "household",
    "session",
    "programme",
    "participant",
    "venue",
    "partner",
    "round",
    "activity",
    "guardian",
    "user",
    "page",
)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.MEDIATOR])
@pytest.mark.parametrize("value", [str(10**20), str(DB_ID_MAX + 1), "²"])
def test_no_page_fails_on_an_id_parameter_that_is_not_an_id(client, role, value):
    user = user_with_role(role)
    if role == Role.MEDIATOR:
        MediatorFactory(user=user)
    client.force_login(user)
    query = dict.fromkeys(ID_PARAMETERS, value)
    failing = []
    for url in _page_urls():
        response = client.get(url, query)
        if response.status_code >= 500:
            failing.append(url)
    assert not failing
